// Listens in (or whispers / barges) on the active call of a device or user.
// Kazoo: cf_eavesdrop, module name `eavesdrop`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { approvalFields, docId, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'eavesdrop',
  summary: 'Eavesdrop on the target\'s call; an approval field is needed or the caller is refused.',
  schema: moduleData({
    device_id: docId,
    user_id: docId,
    ...approvalFields,
  }),
  children: [],
  implemented: false,
};

export default definition;
