// Eavesdrops on the extension given by the capture group.
// Kazoo: cf_eavesdrop_feature, module name `eavesdrop_feature`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { refuse } from '../lib/crosscall/pickup.ts';
import { approved, callingDevice, featureTarget, inGroup, resolveTarget } from '../lib/crosscall/targets.ts';
import { EAVESDROP_MODES } from '../lib/crosscall/eavesdrop.ts';
import { approvalFields, docId, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'eavesdrop_feature',
  summary: 'Resolve the captured extension to a user/device and branch into an eavesdrop on it.',
  schema: moduleData({
    group_id: { ...docId, description: 'If set, the target must be a member of this group.' },
    ...approvalFields,
    mode: { type: 'string', enum: [...EAVESDROP_MODES], default: 'listen', description: 'ariflow: the starting mode, passed to the eavesdrop node (DTMF 0/1/2/3 switch it).' },
  }),
  children: [],
  implemented: true,
  async run(ctx, data) {
    if ((await approved(ctx, data)) !== true) return refuse(ctx, 'eavesdrop-no_channels', 'not permitted');
    const ids = await featureTarget(ctx, 'extension', ctx.captureGroup, ['device', 'user']);
    if (!ids) return refuse(ctx, 'pickup-no_users', `no target for ${ctx.captureGroup ?? '(no capture)'}`);
    const groupId = typeof data.group_id === 'string' ? data.group_id : undefined;
    if (groupId) {
      // The target (its device, or the user) must be a member of the group.
      const target = await resolveTarget(ctx, ids);
      const members = await Promise.all((target?.deviceIds ?? []).map((d) => inGroup(ctx, groupId, d, target?.ownerIds ?? [])));
      const userMember = ids.user_id ? await inGroup(ctx, groupId, '', [String(ids.user_id)]) : false;
      if (!members.some(Boolean) && !userMember) return refuse(ctx, 'eavesdrop-no_channels', 'target not in the group');
    }
    const caller = await callingDevice(ctx);
    // Kazoo builds an eavesdrop node approved for the calling device and branches to it.
    const node = { ...ids, mode: data.mode ?? 'listen', ...(caller.device ? { approved_device_id: String(caller.device._id) } : {}) };
    return { kind: 'branch', flow: { module: 'eavesdrop', data: node, children: {} }, reason: `eavesdrop on ${JSON.stringify(ids)}` };
  },
};

export default definition;
