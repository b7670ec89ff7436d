// Schema of a menu document: the IVR settings the `menu` module plays and collects with.
import type { JsonSchema } from '../../engine/module.ts';

/** true = system prompt, false = silence, string = media reference. */
const promptChoice: JsonSchema = { type: ['boolean', 'string'] };
const pcreRegex: JsonSchema = { type: 'string', minLength: 1, maxLength: 256, format: 'kazoo-regex' };

export const menusSchema: JsonSchema = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 128 },
    retries: { type: 'integer', minimum: 1, maximum: 10 },
    timeout: { type: 'integer', minimum: 1, maximum: 60000, description: 'ms to wait for the first digit.' },
    interdigit_timeout: { type: 'integer', minimum: 1, maximum: 10000 },
    max_extension_length: { type: 'integer', minimum: 1, maximum: 6 },
    hunt: { type: 'boolean' },
    hunt_allow: pcreRegex,
    hunt_deny: pcreRegex,
    record_pin: { type: 'string', minLength: 3, maxLength: 6 },
    allow_record_from_offnet: { type: 'boolean' },
    suppress_media: { type: 'boolean' },
    media: {
      type: 'object',
      properties: {
        greeting: { type: 'string', minLength: 1, maxLength: 2048 },
        invalid_media: promptChoice,
        transfer_media: promptChoice,
        exit_media: promptChoice,
      },
    },
    flags: { type: 'array', items: { type: 'string' } },
  },
};
