// Picks up a ringing, unanswered call of a device, user or group.
// Kazoo: cf_group_pickup, module name `group_pickup`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { runPickup } from '../lib/crosscall/pickup.ts';
import { approvalFields, docId, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'group_pickup',
  summary: 'Pick up a ringing call of device_id > user_id > group_id.',
  schema: moduleData({
    device_id: docId,
    user_id: docId,
    group_id: docId,
    ...approvalFields,
  }),
  children: [],
  implemented: true,
  run(ctx, data) {
    return runPickup(ctx, 'pickup', data, data);
  },
};

export default definition;
