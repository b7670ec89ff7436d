// Publishes a BLF state for an arbitrary presence id (e.g. a "night mode" lamp).
// Kazoo: cf_manual_presence, module name `manual_presence`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'manual_presence',
  summary: 'Answer, publish idle/ringing/busy for presence_id, then continue.',
  schema: moduleData(
    {
      presence_id: { type: 'string', minLength: 1, description: 'Without @realm the account realm is added.' },
      status: { type: 'string', enum: ['idle', 'ringing', 'busy'], default: 'idle' },
    },
    ['presence_id'],
  ),
  children: ['_'],
  implemented: false,
};

export default definition;
