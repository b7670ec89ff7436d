// Transfers a leg of the call (blind or attended) to a target number.
// Kazoo: cf_transfer, module name `transfer`.
// The target is routed like a new call of the account (exact number, best pattern, then no_match for the
// account's own devices) and its callflow replaces this one. Kazoo can also transfer the other leg of a
// bridge (`bleg`, the default when a target is given) or do an attended transfer; in ariflow a callflow
// module never runs during a bridge (the bridge has ended when the next module starts), so there is no
// other leg: every transfer moves this call, blind.
import { type ModuleDefinition } from '../lib/engine/module.ts';
import { adoptMatch, isAuthorisedCaller, lookupCallflow, setDestination } from '../lib/branching/hunt.ts';
import { text } from '../lib/legs/documents.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'transfer',
  summary: 'Transfer this leg or the other leg to target; the flow ends.',
  schema: moduleData({
    target: { type: 'string', description: 'Default: the pattern\'s capture group, else the first element of captures.' },
    captures: { type: 'array', items: { type: 'string' }, default: ['no_match'] },
    leg: { type: 'string', enum: ['self', 'bleg'] },
    transfer_type: { type: 'string', enum: ['blind', 'attended'], default: 'blind' },
  }),
  children: [],
  implemented: true,
  async run(ctx, data) {
    const captures = Array.isArray(data.captures) ? data.captures.map((c) => text(c)).filter((c): c is string => !!c) : [];
    // Kazoo reads `target`, else the first of `captures` (literally `no_match`: the account's catch-all); its
    // doc says "the extension extracted in the regex", so a feature code's capture group comes in between.
    const target = text(data.target) ?? text(ctx.captureGroup) ?? captures[0] ?? 'no_match';
    const found = await lookupCallflow(ctx, target, { allowNoMatch: isAuthorisedCaller(ctx) });
    if (!found) return { kind: 'hard_stop', cause: 'UNALLOCATED_NUMBER', reason: `no callflow for ${target}` };
    adoptMatch(ctx, found.match);
    setDestination(ctx, target);
    ctx.attributes.transferred_to = target;
    return { kind: 'replace', flow: found.flow, reason: `transferred to ${target} (${found.match.via})` };
  },
};

export default definition;
