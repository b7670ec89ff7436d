// IVR: plays the menu greeting, collects digits and takes the child named by them.
// Kazoo: cf_menu, module name `menu`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { docId, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'menu',
  summary: 'IVR: digit children, `timeout` on silence, `max_retries` when retries run out, else `_`.',
  schema: moduleData({
    id: { ...docId, description: 'Menu id.' },
    // No default: only used when the menu document has none.
    interdigit_timeout: { type: 'integer', minimum: 1, description: 'ms between digits.' },
  }),
  children: ['*', 'timeout', 'max_retries', '_'],
  implemented: false,
};

export default definition;
