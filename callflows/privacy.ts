// Hides the caller's name and/or number on outgoing legs, then dials the captured number.
// Kazoo: cf_privacy, module name `privacy`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'privacy',
  summary: 'Set caller-ID privacy; with a capture group branch to that number, else continue.',
  schema: moduleData({
    mode: { type: 'string', enum: ['full', 'name', 'number', 'yes', 'none'], default: 'full' },
    endpoint_strategy: { type: 'string', enum: ['overwrite', 'merge'], default: 'overwrite' },
  }),
  children: ['_'],
  implemented: false,
};

export default definition;
