// Picks up a ringing call of the extension (or SIP user) given by the capture group.
// Kazoo: cf_group_pickup_feature, module name `group_pickup_feature`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { refuse, runPickup } from '../lib/crosscall/pickup.ts';
import { featureTarget } from '../lib/crosscall/targets.ts';
import { approvalFields, docId, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'group_pickup_feature',
  summary: 'Resolve the captured extension or device to a target, then pick up like group_pickup.',
  schema: moduleData({
    type: { type: 'string', enum: ['extension', 'device', 'user', 'group'], default: 'extension' },
    device_id: docId,
    user_id: docId,
    group_id: docId,
    ...approvalFields,
  }),
  children: [],
  implemented: true,
  async run(ctx, data) {
    // Kazoo implements `extension` and `device` only; `user`/`group` end like a target not found.
    const ids = await featureTarget(ctx, String(data.type ?? 'extension'), ctx.captureGroup);
    if (!ids) return refuse(ctx, 'park-no_caller', `no target for ${ctx.captureGroup ?? '(no capture)'}`);
    return runPickup(ctx, 'pickup', ids, data);
  },
};

export default definition;
