// Waits for a while without answering.
// Kazoo: cf_sleep, module name `sleep`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'sleep',
  summary: 'Pause for duration units (at most 24 h), then continue.',
  schema: moduleData({
    duration: { type: 'integer', minimum: 0, maximum: 86400000, default: 0 },
    unit: { type: 'string', enum: ['ms', 's', 'm', 'h'], default: 's' },
  }),
  children: ['_'],
  implemented: false,
};

export default definition;
