// Sets one of the whitelisted channel variables (call_priority, group_id) on the call.
// Kazoo: cf_set_variable, module name `set_variable`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'set_variable',
  summary: 'Set a channel variable (this leg or also later legs), then continue.',
  schema: moduleData({
    variable: { type: 'string', minLength: 1, description: 'Kazoo honours call_priority and group_id.' },
    value: { type: 'string' },
    channel: { type: 'string', enum: ['a', 'both'], default: 'a' },
  }),
  children: ['_'],
  implemented: false,
};

export default definition;
