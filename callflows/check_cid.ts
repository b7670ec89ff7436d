// Branches on the caller-ID number (regex or exact) and may rewrite the caller ID / owner.
// Kazoo: cf_check_cid, module name `check_cid`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { docId, moduleData, regex } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'check_cid',
  summary: 'Regex mode: `match`/`nomatch`; absolute mode: the child named by the caller-ID number.',
  schema: moduleData({
    regex: { ...regex, default: '.*' },
    use_absolute_mode: { type: 'boolean', default: false },
    caller_id: {
      type: 'object',
      properties: {
        external: {
          type: 'object',
          properties: { name: { type: 'string' }, number: { type: 'string' } },
        },
      },
    },
    user_id: { ...docId, description: 'Owner to assign when a branch is taken (with name and number).' },
  }),
  children: ['match', 'nomatch', '*', '_'],
  implemented: false,
};

export default definition;
