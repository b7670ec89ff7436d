// Answers the call attempt with a SIP final response (e.g. 486, 503), optionally after early media.
// Kazoo: cf_response, module name `response`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { mediaRef, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'response',
  summary: 'Reject or end the call with a SIP code and reason; ends the flow.',
  schema: moduleData({
    code: { type: 'integer', minimum: 100, maximum: 699, default: 486 },
    message: { type: 'string', description: 'Reason phrase or hangup cause text.' },
    media: { ...mediaRef, description: 'Played as early media before responding.' },
  }),
  children: [],
  implemented: false,
};

export default definition;
