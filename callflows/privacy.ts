// Hides the caller's name and/or number on outgoing legs, then dials the captured number.
// Kazoo: cf_privacy, module name `privacy`.
import { next, stop, type ModuleDefinition } from '../lib/engine/module.ts';
import { callingEndpoint, mergedEndpoint } from '../lib/branching/calling-endpoint.ts';
import { adoptMatch, isAuthorisedCaller, lookupCallflow, setDestination } from '../lib/branching/hunt.ts';
import { callerIdState, commitCallerId, mergePrivacy, privacyFlags, type Privacy } from '../lib/callerid/state.ts';
import { normalizeNumber } from '../lib/validation/numbers.ts';
import { moduleData } from './schema-parts.ts';

const MODES = new Set(['full', 'yes', 'name', 'number', 'none']);

const describe = (p: Privacy) => (p.hide_name && p.hide_number ? 'name and number hidden' : p.hide_name ? 'name hidden' : p.hide_number ? 'number hidden' : 'nothing hidden');

const definition: ModuleDefinition = {
  name: 'privacy',
  summary: 'Set caller-ID privacy; with a capture group branch to that number, else continue.',
  schema: moduleData({
    mode: { type: 'string', enum: ['full', 'name', 'number', 'yes', 'none'], default: 'full' },
    endpoint_strategy: { type: 'string', enum: ['overwrite', 'merge'], default: 'overwrite' },
  }),
  children: ['_'],
  implemented: true,
  async run(ctx, data) {
    let flags = privacyFlags(typeof data.mode === 'string' ? data.mode : 'full');
    if (data.endpoint_strategy === 'merge' && typeof ctx.attributes.device_id === 'string') {
      const options = mergedEndpoint(await callingEndpoint(ctx)).caller_id_options as { outbound_privacy?: unknown } | undefined;
      const own = options?.outbound_privacy;
      if (typeof own === 'string' && MODES.has(own)) flags = mergePrivacy(flags, privacyFlags(own));
    }

    // A feature code (`*67<number>`): the rest of the dial is looked up and dialled with privacy on.
    const capture = ctx.captureGroup;
    if (capture) {
      const number = normalizeNumber(capture);
      const found = await lookupCallflow(ctx, number, { allowNoMatch: isAuthorisedCaller(ctx) });
      if (!found) return stop(`no callflow for ${number}`);
      await commitCallerId(ctx, { ...callerIdState(ctx), privacy: flags });
      setDestination(ctx, number);
      adoptMatch(ctx, found.match);
      return { kind: 'branch', flow: found.flow, reason: `${describe(flags)}; dialling ${number} (callflow ${found.match.callflowId})` };
    }
    await commitCallerId(ctx, { ...callerIdState(ctx), privacy: flags });
    return next(describe(flags));
  },
};

export default definition;
