// Forgets the digits stored in a DTMF collection.
// Kazoo: cf_flush_dtmf, module name `flush_dtmf`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'flush_dtmf',
  summary: 'Clear a DTMF collection, then continue.',
  schema: moduleData({
    collection_name: { type: 'string', minLength: 1, default: 'default' },
  }),
  children: ['_'],
  implemented: false,
};

export default definition;
