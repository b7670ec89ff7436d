// Sets the outgoing caller ID by prompt, static value or match list, optionally dialling onwards.
// Kazoo: cf_dynamic_cid, module name `dynamic_cid`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { docId, mediaRef, moduleData, regex } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'dynamic_cid',
  summary: 'manual/static: set the caller ID and continue; list/lists: pick CID from a list and branch.',
  schema: moduleData({
    action: { type: 'string', enum: ['manual', 'static', 'list', 'lists'], default: 'manual' },
    caller_id: {
      type: 'object',
      properties: { name: { type: 'string' }, number: { type: 'string' } },
    },
    media_id: { ...mediaRef, description: 'Prompt for manual entry.' },
    min_digits: { type: 'integer', minimum: 0, default: 10 },
    max_digits: { type: 'integer', minimum: 1, default: 10 },
    whitelist_regex: { ...regex, default: '\\d+' },
    interdigit_timeout: { type: 'integer', minimum: 1, default: 2000 },
    id: { ...docId, description: 'Match list id (list mode).' },
    idx_name: { type: 'string', description: 'Named capture group holding the list key.' },
    enforce_call_restriction: { type: 'boolean', default: true },
    permit_custom_callflow: { type: 'boolean', default: false },
  }),
  children: ['_'],
  implemented: false,
};

export default definition;
