// Schema of a directory document (dial-by-name); members are users that point at it.
import type { JsonSchema } from '../../engine/module.ts';
import { docId } from './endpoint-parts.ts';

export const directoriesSchema: JsonSchema = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 128 },
    min_dtmf: { type: 'integer', minimum: 1 },
    max_dtmf: { type: 'integer', minimum: 0, description: '0 = unlimited.' },
    sort_by: { type: 'string', enum: ['first_name', 'last_name'] },
    search_fields: { type: 'string', enum: ['first_name', 'last_name', 'both'] },
    confirm_match: { type: 'boolean' },
    users: { type: 'array', items: docId },
    flags: { type: 'array', items: { type: 'string' } },
  },
};
