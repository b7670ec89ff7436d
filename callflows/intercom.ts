// Calls the extension in the capture group with auto-answer (intercom).
// Kazoo: cf_intercom, module name `intercom`.
import { next, stop, type ModuleDefinition } from '../lib/engine/module.ts';
import { adoptMatch, isAuthorisedCaller, lookupCallflow } from '../lib/branching/hunt.ts';
import { normalizeNumber } from '../lib/validation/numbers.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'intercom',
  summary: 'Branch into the captured extension\'s callflow with auto-answer; `_` if it is not found.',
  schema: moduleData({
    barge_calls: { type: 'boolean', default: false },
  }),
  children: ['_'],
  implemented: true,
  async run(ctx, data) {
    const number = normalizeNumber(ctx.captureGroup ?? '');
    if (!number) {
      const media = await ctx.media.resolve('fault-can_not_be_completed_as_dialed', ctx.language);
      if (media.length) await ctx.call.play(media);
      return stop('no extension captured');
    }
    const found = await lookupCallflow(ctx, number, { allowNoMatch: isAuthorisedCaller(ctx) });
    // Kazoo: a lookup that fails, or lands on no_match, continues.
    if (!found || found.match.via === 'no_match') return next(`no callflow for ${number}`);
    // Every leg rung from the branched flow carries auto-answer headers (lib/legs: CallerSide.autoAnswer).
    // barge_calls (auto-answer on a phone already in a call) is left to the phone: Asterisk has no
    // equivalent of FreeSWITCH's Auto-Answer-Suppress-Notify.
    ctx.attributes.auto_answer = { barge: data.barge_calls === true };
    adoptMatch(ctx, found.match);
    return { kind: 'branch', flow: found.flow, reason: `intercom ${number} → callflow ${found.match.callflowId}` };
  },
};

export default definition;
