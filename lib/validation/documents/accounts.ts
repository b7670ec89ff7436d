// Schema of an account document: the account-wide defaults callflows fall back on.
import type { JsonSchema } from '../../engine/module.ts';
import { docId, endpointProperties } from './endpoint-parts.ts';

export const accountsSchema: JsonSchema = {
  type: 'object',
  required: ['name'],
  properties: {
    ...endpointProperties,
    name: { type: 'string', minLength: 1, maxLength: 128 },
    realm: { type: 'string', minLength: 4, maxLength: 253, pattern: '^[.\\w-]+$' },
    timezone: { type: 'string', minLength: 5, maxLength: 32 },
    preflow: { type: 'object', properties: { always: { ...docId, description: 'Callflow run before every flow.' } } },
    prefer_device_caller_id: { type: 'boolean' },
    services: { type: 'object' },
  },
};
