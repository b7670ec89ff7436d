// Schema of a group document: a named set of users and devices (rung, paged, picked up…).
import type { JsonSchema } from '../../engine/module.ts';
import { musicOnHold } from './endpoint-parts.ts';

export const groupsSchema: JsonSchema = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 128 },
    endpoints: {
      type: 'object',
      description: 'Member id → {type, weight?, delay?, timeout?}.',
      additionalProperties: {
        type: 'object',
        properties: {
          type: { type: 'string', enum: ['user', 'device', 'group'] },
          weight: { type: 'integer', minimum: 1 },
          delay: { type: 'integer', minimum: 0 },
          timeout: { type: 'integer', minimum: 0 },
        },
      },
    },
    music_on_hold: musicOnHold,
    flags: { type: 'array', items: { type: 'string' } },
  },
};
