// Takes over a ringing or answered call of a device, user or group.
// Kazoo: cf_intercept, module name `intercept`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { runPickup } from '../lib/crosscall/pickup.ts';
import { approvalFields, docId, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'intercept',
  summary: 'Take over (ringing or answered) a call of device_id > user_id > group_id.',
  schema: moduleData({
    device_id: docId,
    user_id: docId,
    group_id: docId,
    ...approvalFields,
  }),
  children: [],
  implemented: true,
  run(ctx, data) {
    return runPickup(ctx, 'intercept', data, data);
  },
};

export default definition;
