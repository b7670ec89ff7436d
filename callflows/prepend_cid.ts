// Puts a prefix in front of the caller-ID name/number shown on legs created later.
// Kazoo: cf_prepend_cid, module name `prepend_cid`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'prepend_cid',
  summary: 'Prepend (or reset) caller-ID name/number prefixes, then continue.',
  schema: moduleData({
    action: { type: 'string', enum: ['prepend', 'reset'], default: 'prepend' },
    caller_id_name_prefix: { type: 'string', default: '' },
    caller_id_number_prefix: { type: 'string', default: '' },
    apply_to: { type: 'string', enum: ['current', 'original'], default: 'current' },
  }),
  children: ['_'],
  implemented: false,
};

export default definition;
