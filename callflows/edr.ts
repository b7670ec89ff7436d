// Emits an event detail record carrying the call identifiers and this node's data.
// Kazoo: cf_edr, module name `edr`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'edr',
  summary: 'Emit an event detail record (data is sent as custom data), then continue.',
  schema: moduleData(),
  children: ['_'],
  implemented: false,
};

export default definition;
