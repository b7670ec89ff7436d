// Schema of a temporal rule set: named list of rules (e.g. all holidays) matched as one.
import type { JsonSchema } from '../../engine/module.ts';
import { docId } from './endpoint-parts.ts';

export const temporalRulesSetsSchema: JsonSchema = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 128 },
    temporal_rules: { type: 'array', items: docId },
    flags: { type: 'array', items: { type: 'string' } },
  },
};
