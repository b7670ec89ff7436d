// Lets the caller join or leave the ring groups of a callflow (edits that callflow document).
// Kazoo: cf_ring_group_toggle, module name `ring_group_toggle`.
import { next, type ModuleDefinition } from '../lib/engine/module.ts';
import type { CallflowNode } from '../lib/engine/module.ts';
import { answer, callingParty, prompt } from '../lib/features/caller.ts';
import { toggleRingGroupMember } from '../lib/features/settings.ts';
import { text } from '../lib/legs/documents.ts';
import { docId, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'ring_group_toggle',
  summary: 'Enable (login) or disable (logout) the caller\'s user member in callflow_id\'s ring groups.',
  schema: moduleData(
    {
      action: { type: 'string', enum: ['login', 'logout'] },
      callflow_id: docId,
    },
    ['action', 'callflow_id'],
  ),
  children: ['_'],
  implemented: true,
  async run(ctx, data) {
    const action = data.action === 'login' || data.action === 'logout' ? data.action : undefined;
    const callflowId = text(data.callflow_id);
    const party = await callingParty(ctx);
    await answer(ctx);
    const invalid = async (why: string) => {
      await prompt(ctx, ['agent-invalid_choice']);
      return next(why);
    };
    if (!action || !callflowId) return invalid('action and callflow_id are required');
    const userId = party.owner ? String(party.owner._id) : undefined;
    if (!userId) return invalid('the calling device has no user');
    const doc = await ctx.data.get<{ flow?: CallflowNode; pvt_deleted?: unknown }>('callflows', callflowId);
    if (!doc?.flow || doc.pvt_deleted === true) return invalid(`callflow ${callflowId} not found`);
    // Members are users only (Kazoo): `disable_until` in the future makes ring_group skip them.
    const { flow, changed } = toggleRingGroupMember(doc.flow, userId, action);
    if (!changed) return invalid(`user ${userId} is not a member of callflow ${callflowId}'s ring groups`);
    await ctx.data.update('callflows', callflowId, { flow });
    await prompt(ctx, [action === 'login' ? 'agent-logged_in' : 'agent-logged_out']);
    return next(`user ${userId} ${action === 'login' ? 'logged into' : 'logged out of'} ${changed} ring group member(s)`);
  },
};

export default definition;
