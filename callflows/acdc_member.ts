// Puts the caller in an ACD queue until an agent answers or the caller leaves the queue.
// Kazoo: cf_acdc_member (ACDc application), module name `acdc_member`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { docId, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'acdc_member',
  summary: 'Enqueue the caller in an ACD queue; `_` on timeout, abandon or breakout.',
  schema: moduleData({
    id: { ...docId, description: 'Queue id.' },
    priority: { type: 'integer', description: 'Queue priority of this caller.' },
  }),
  children: ['_'],
  implemented: false,
};

export default definition;
