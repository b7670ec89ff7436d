// Runs another callflow document as a sub-routine, then returns to this node's `_` child.
// Kazoo: cf_callflow, module name `callflow`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { docId, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'callflow',
  summary: 'Branch into the flow of another callflow document; `_` runs when it returns.',
  schema: moduleData({ id: { ...docId, description: 'Callflow id.' } }),
  children: ['_'],
  implemented: false,
};

export default definition;
