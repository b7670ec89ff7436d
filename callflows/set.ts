// Merges every key of data into the call's "agent skills" (for ACD skill routing).
// Kazoo: cf_set, module name `set`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'set',
  summary: 'Store arbitrary data keys as call skills, then continue.',
  schema: moduleData(),
  children: ['_'],
  implemented: false,
};

export default definition;
