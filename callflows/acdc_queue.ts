// Logs the calling agent in or out of one particular ACD queue.
// Kazoo: cf_acdc_queue (ACDc application), module name `acdc_queue`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { docId, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'acdc_queue',
  summary: 'Agent login/logout of a single ACD queue.',
  schema: moduleData({
    id: { ...docId, description: 'Queue id.' },
    action: { type: 'string', enum: ['login', 'logout'] },
  }),
  children: ['_'],
  implemented: false,
};

export default definition;
