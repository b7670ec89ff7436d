// Calls a stored server-side function that returns the next flow node, and branches into it.
// Kazoo: cf_function (master only), module name `function`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { docId, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'function',
  summary: 'Run a stored function with pivot-style parameters; branch to the node it returns, `_` on error.',
  schema: moduleData({ id: { ...docId, description: 'Function id.' } }),
  children: ['_'],
  implemented: false,
};

export default definition;
