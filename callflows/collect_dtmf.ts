// Collects caller digits into a named collection (read later by pivot or function).
// Kazoo: cf_collect_dtmf, module name `collect_dtmf`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { DTMF_KEYS, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'collect_dtmf',
  summary: 'Answer, collect up to max_digits into a named collection, then continue.',
  schema: moduleData({
    max_digits: { type: 'integer', minimum: 1, default: 1 },
    timeout: { type: 'integer', minimum: 1, default: 5000, description: 'ms to wait for the first digit.' },
    interdigit_timeout: { type: 'integer', minimum: 1, default: 2000, description: 'ms between digits.' },
    terminator: { type: 'string', enum: DTMF_KEYS, default: '#' },
    terminators: { type: 'array', items: { type: 'string', enum: DTMF_KEYS } },
    collection_name: { type: 'string', minLength: 1, default: 'default' },
  }),
  children: ['_'],
  implemented: false,
};

export default definition;
