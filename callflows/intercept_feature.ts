// Intercepts the call of the extension given by the capture group.
// Kazoo: cf_intercept_feature, module name `intercept_feature`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { approvalFields, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'intercept_feature',
  summary: 'Resolve the captured extension or device, then intercept like intercept.',
  schema: moduleData({
    type: { type: 'string', enum: ['extension', 'device', 'user'], default: 'extension' },
    ...approvalFields,
  }),
  children: [],
  implemented: false,
};

export default definition;
