// Logs the calling agent in or out of the call centre, or pauses/resumes them (feature code).
// Kazoo: cf_acdc_agent (ACDc application), module name `acdc_agent`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'acdc_agent',
  summary: 'ACD agent login, logout, pause or resume for the calling user.',
  schema: moduleData({
    action: { type: 'string', enum: ['login', 'logout', 'paused', 'resume'] },
    timeout: { type: 'integer', minimum: 0, description: 'Pause length in seconds.' },
    presence_id: { type: 'string' },
    presence_state: {
      type: 'string',
      enum: ['early', 'confirmed', 'terminated', 'red_flash', 'red_solid', 'green'],
    },
  }),
  children: ['_'],
  implemented: false,
};

export default definition;
