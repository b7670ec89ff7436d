// Sends DTMF tones to the caller.
// Kazoo: cf_send_dtmf, module name `send_dtmf`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'send_dtmf',
  summary: 'Send the digits as DTMF, then continue.',
  schema: moduleData(
    {
      digits: { type: 'string', pattern: '^[0-9A-Da-d*#wW]+$', description: 'w/W = pause.' },
      duration_ms: { type: 'integer', minimum: 1, default: 2000, description: 'Per digit.' },
    },
    ['digits'],
  ),
  children: ['_'],
  implemented: false,
};

export default definition;
