// Fires a one-off HTTP webhook with the call's details, without waiting for the reply.
// Kazoo: cf_webhook, module name `webhook`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'webhook',
  summary: 'Send the call record (plus custom_data) to uri, then continue.',
  schema: moduleData({
    uri: { type: 'string', pattern: '^https?://' },
    http_verb: { type: 'string', enum: ['post', 'get'], default: 'post' },
    retries: { type: 'integer', minimum: 0 },
    custom_data: { type: 'object' },
  }),
  children: ['_'],
  implemented: false,
};

export default definition;
