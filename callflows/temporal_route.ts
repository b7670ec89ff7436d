// Time-of-day routing on temporal rules, or admin actions that force rules on/off.
// Kazoo: cf_temporal_route, module name `temporal_route`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { docId, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'temporal_route',
  summary: 'Take the child of the first active rule (rule id, rule-set id or `rule_set`), else `_`.',
  schema: moduleData({
    timezone: { type: 'string', description: 'IANA zone; absent or "inherit" means the account\'s.' },
    rules: { type: 'array', items: docId, default: [], description: 'Rule or rule-set ids, in evaluation order.' },
    rule_set: { ...docId, description: 'Rule-set id; its match takes the `rule_set` child.' },
    action: { type: 'string', enum: ['menu', 'enable', 'disable', 'reset'], description: 'Absent: route.' },
    interdigit_timeout: { type: 'integer', minimum: 1 },
  }),
  children: ['*', 'rule_set', '_'],
  implemented: false,
};

export default definition;
