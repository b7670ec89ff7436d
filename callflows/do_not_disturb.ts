// Feature code that switches do-not-disturb on/off for a user or device.
// Kazoo: cf_do_not_disturb, module name `do_not_disturb`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { docId, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'do_not_disturb',
  summary: 'Activate, deactivate or toggle DND on data.id, else the caller\'s owner, else the device.',
  schema: moduleData({
    action: { type: 'string', enum: ['activate', 'deactivate', 'toggle'] },
    id: { ...docId, description: 'User or device id.' },
  }),
  children: ['_'],
  implemented: false,
};

export default definition;
