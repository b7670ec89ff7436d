// Listens for a fax tone for a few seconds and branches on the result.
// Kazoo: cf_fax_detect, module name `fax_detect`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'fax_detect',
  summary: 'Detect CNG tone; take `ON_FAX` or `ON_VOICE` (else `_`).',
  schema: moduleData({
    duration: { type: 'integer', minimum: 1, default: 5, description: 'Seconds to listen.' },
  }),
  children: ['ON_FAX', 'ON_VOICE', '_'],
  implemented: false,
};

export default definition;
