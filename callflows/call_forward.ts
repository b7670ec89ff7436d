// Feature code that switches the caller's call forwarding on/off or changes its number.
// Kazoo: cf_call_forward, module name `call_forward`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'call_forward',
  summary: 'Activate, deactivate, update, toggle or menu-edit call forwarding of the caller (owner, else device).',
  schema: moduleData({
    action: { type: 'string', enum: ['activate', 'deactivate', 'update', 'toggle', 'menu'] },
  }),
  children: ['_'],
  implemented: false,
};

export default definition;
