// Schema of a user document: the person whose devices ring, and their personal settings.
import type { JsonSchema } from '../../engine/module.ts';
import { docId, endpointProperties } from './endpoint-parts.ts';

export const usersSchema: JsonSchema = {
  type: 'object',
  required: ['first_name', 'last_name'],
  properties: {
    ...endpointProperties,
    first_name: { type: 'string', minLength: 1, maxLength: 128 },
    last_name: { type: 'string', minLength: 1, maxLength: 128 },
    username: { type: 'string', minLength: 1, maxLength: 256 },
    email: { type: 'string', minLength: 3, maxLength: 254 },
    priv_level: { type: 'string', enum: ['user', 'admin'] },
    vm_to_email_enabled: { type: 'boolean' },
    exclude_from_queues: { type: 'boolean' },
    hotdesk: {
      type: 'object',
      properties: {
        enabled: { type: 'boolean' },
        id: { type: 'string', maxLength: 15, description: 'Number the user types to hot-desk.' },
        pin: { type: 'string', minLength: 4, maxLength: 15 },
        require_pin: { type: 'boolean' },
        keep_logged_in_elsewhere: { type: 'boolean' },
      },
    },
    directories: {
      type: 'object',
      description: 'Directory id → callflow id to branch to when the user is picked.',
      additionalProperties: docId,
    },
    media: { type: 'object' },
  },
};
