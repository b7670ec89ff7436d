// Asks an HTTP server what to do next; its answer (a flow node) replaces the rest of the flow.
// Kazoo: cf_pivot, module name `pivot`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const httpUrl = { type: 'string', pattern: '^https?://' };

const definition: ModuleDefinition = {
  name: 'pivot',
  summary: 'Fetch the next flow node from voice_url and run it instead; `_` if the request fails.',
  schema: moduleData(
    {
      voice_url: httpUrl,
      method: { type: 'string', pattern: '^([gG][eE][tT]|[pP][oO][sS][tT])$', default: 'get' },
      req_body_format: { type: 'string', enum: ['form', 'json'], default: 'form' },
      // Kazoo's API writes "kazoo" on save, but the pivot app uses twiml when the key is absent.
      req_format: { type: 'string', enum: ['kazoo', 'twiml'], default: 'twiml' },
      req_timeout_ms: { type: 'integer', minimum: 1, maximum: 5000, default: 5000 },
      req_timeout: { type: 'integer', minimum: 1, description: 'Seconds; older docs use this name.' },
      debug: { type: 'boolean', default: false },
      cdr_url: httpUrl,
    },
    ['voice_url'],
  ),
  children: ['_'],
  implemented: false,
};

export default definition;
