// Eavesdrops on the extension given by the capture group.
// Kazoo: cf_eavesdrop_feature, module name `eavesdrop_feature`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { approvalFields, docId, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'eavesdrop_feature',
  summary: 'Resolve the captured extension to a user/device and branch into an eavesdrop on it.',
  schema: moduleData({
    group_id: { ...docId, description: 'If set, the target must be a member of this group.' },
    ...approvalFields,
  }),
  children: [],
  implemented: false,
};

export default definition;
