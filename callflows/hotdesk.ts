// Hot-desking: log a user into or out of the calling device, or ring the devices they sit at.
// Kazoo: cf_hotdesk, module name `hotdesk`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { docId, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'hotdesk',
  summary: 'login/logout/toggle the user on the calling device, or bridge to their hot-desked devices.',
  schema: moduleData({
    action: { type: 'string', enum: ['login', 'logout', 'toggle', 'bridge'] },
    id: { ...docId, description: 'User id; asked for (hot-desk id) when absent.' },
    interdigit_timeout: { type: 'integer', minimum: 1 },
  }),
  children: ['_'],
  implemented: false,
};

export default definition;
