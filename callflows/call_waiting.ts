// Feature code that turns server-side call waiting on or off for the caller.
// Kazoo: cf_call_waiting, module name `call_waiting`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'call_waiting',
  summary: 'Activate, deactivate or toggle call waiting on the calling device or its owner.',
  schema: moduleData({
    action: { type: 'string', enum: ['activate', 'deactivate', 'toggle'], default: 'toggle' },
    scope: { type: 'string', enum: ['device', 'user'], default: 'device' },
  }),
  children: ['_'],
  implemented: false,
};

export default definition;
