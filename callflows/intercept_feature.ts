// Intercepts the call of the extension given by the capture group.
// Kazoo: cf_intercept_feature, module name `intercept_feature`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { refuse, runPickup } from '../lib/crosscall/pickup.ts';
import { featureTarget } from '../lib/crosscall/targets.ts';
import { approvalFields, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'intercept_feature',
  summary: 'Resolve the captured extension or device, then intercept like intercept.',
  schema: moduleData({
    type: { type: 'string', enum: ['extension', 'device', 'user'], default: 'extension' },
    ...approvalFields,
  }),
  children: [],
  implemented: true,
  async run(ctx, data) {
    // The extension resolves through its callflow's first user/device node (Kazoo); `user` is not implemented there.
    const ids = await featureTarget(ctx, String(data.type ?? 'extension'), ctx.captureGroup, ['device', 'user']);
    if (!ids) return refuse(ctx, 'intercept-no_users', `no target for ${ctx.captureGroup ?? '(no capture)'}`);
    return runPickup(ctx, 'intercept', ids, data);
  },
};

export default definition;
