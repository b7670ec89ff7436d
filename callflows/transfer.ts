// Transfers a leg of the call (blind or attended) to a target number.
// Kazoo: cf_transfer, module name `transfer`.
// The target is routed like a new call of the account (exact number, best pattern, then no_match for the
// account's own devices) and its callflow replaces this one.
//
// What Kazoo does (cf_transfer → a `transfer` command to FreeSWITCH; reference §2.2 "transfer"):
// - blind, leg self: this channel is sent to the target extension (uuid_transfer) and routed again as a new
//   call; the flow ends without hanging up.
// - blind, leg bleg (the default whenever the target is not `no_match`): the party this channel is BRIDGED to
//   is sent to the target; this leg stays behind.
// - attended (att_xfer): this channel calls the target (a consultation call through the callflows) while its
//   bridged party hears hold music; once the target answered and this leg hangs up, the held party is
//   bridged to the target; if the target does not answer, the held party is bridged back to this leg.
// What ariflow does, and why: a callflow module never runs while the call is bridged (CallControl.dial()
// resolves only once its bridge has ended, so the next module starts with the call alone). There is no
// bridged party: no "bleg" to move and nobody to hold during a consultation. The ports cannot make one
// either: dial() bridges THIS call with a new leg and returns when that bridge ends; pickup()/replace
// (lib/asterisk/takeover.ts) take over OTHER calls' ringing legs or conversations — none keeps a held
// transferee, lets a transferor consult and then hands the transferee over. So attended transfer is not
// implemented: every transfer, whatever `transfer_type` and `leg` say, is a blind transfer of this call.
// Differences a Kazoo user may notice:
// 1. `leg: bleg` (also Kazoo's default for a target) moves this call, not the other party of a bridge.
// 2. `transfer_type: attended` is blind: no consultation, no hold music, no return to the transferor when the
//    target fails — the target callflow's own failure branches apply to the caller.
// 3. The target callflow continues inside the same call (and call record: the trace goes on) instead of a
//    new route request; its capture groups replace this flow's, the destination becomes the target.
// The trace's reason says when attended or bleg was asked for and done blind.
import { type ModuleDefinition } from '../lib/engine/module.ts';
import { adoptMatch, isAuthorisedCaller, lookupCallflow, setDestination } from '../lib/branching/hunt.ts';
import { text } from '../lib/legs/documents.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'transfer',
  summary: 'Blind-transfer this call to target (routed like a new call); attended/bleg are done blind; the flow ends.',
  schema: moduleData({
    target: { type: 'string', description: 'Default: the pattern\'s capture group, else the first element of captures.' },
    captures: { type: 'array', items: { type: 'string' }, default: ['no_match'] },
    leg: { type: 'string', enum: ['self', 'bleg'], description: 'Accepted for Kazoo compatibility: ariflow always transfers this call (no bridged leg while a module runs).' },
    transfer_type: { type: 'string', enum: ['blind', 'attended'], default: 'blind', description: 'attended is done as blind (no consultation/hold: see callflows/transfer.ts).' },
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
    const asked = `${data.transfer_type === 'attended' ? 'attended' : 'blind'} transfer of ${data.leg === 'bleg' ? 'bleg' : 'self'}`;
    const note = asked === 'blind transfer of self' ? '' : `; ${asked} done as a blind transfer of this call`;
    return { kind: 'replace', flow: found.flow, reason: `transferred to ${target} (${found.match.via})${note}` };
  },
};

export default definition;
