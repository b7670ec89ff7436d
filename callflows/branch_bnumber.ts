// Branches on the captured dialled number, or re-hunts it as a new callflow lookup.
// Kazoo: cf_branch_bnumber, module name `branch_bnumber`.
import { child, next, type ModuleDefinition } from '../lib/engine/module.ts';
import { adoptMatch, huntAllowed, isAuthorisedCaller, lookupCallflow } from '../lib/branching/hunt.ts';
import { normalizeNumber } from '../lib/validation/numbers.ts';
import { moduleData, regex } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'branch_bnumber',
  summary: 'hunt=false: take the child named by the capture group; hunt=true: branch to its callflow.',
  schema: moduleData({
    hunt: { type: 'boolean', default: false },
    hunt_allow: { ...regex, description: 'The capture must match this to hunt.' },
    hunt_deny: { ...regex, description: 'The capture must not match this to hunt.' },
  }),
  children: ['*', '_'],
  implemented: true,
  async run(ctx, data) {
    const number = normalizeNumber(ctx.captureGroup ?? '');
    if (!number) return next('no capture group');
    if (data.hunt !== true) return child(number, `capture ${number}`);

    const allow = typeof data.hunt_allow === 'string' ? data.hunt_allow : undefined;
    const deny = typeof data.hunt_deny === 'string' ? data.hunt_deny : undefined;
    if (!huntAllowed(number, allow, deny)) return next(`hunting ${number} not allowed`);
    const found = await lookupCallflow(ctx, number, { allowNoMatch: isAuthorisedCaller(ctx) });
    if (!found) return next(`no callflow for ${number}`);
    adoptMatch(ctx, found.match);
    return { kind: 'branch', flow: found.flow, reason: `hunt ${number} → callflow ${found.match.callflowId} (${found.match.via})` };
  },
};

export default definition;
