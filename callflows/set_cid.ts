// Overrides the caller-ID name/number presented on legs created afterwards.
// Kazoo: cf_set_cid, module name `set_cid`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'set_cid',
  summary: 'Rewrite caller-ID name/number for later legs (empty removes a rewrite), then continue.',
  schema: moduleData({
    caller_id_name: { type: 'string', default: '' },
    caller_id_number: { type: 'string', default: '' },
  }),
  children: ['_'],
  implemented: false,
};

export default definition;
