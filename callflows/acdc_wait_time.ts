// Branches on the average wait of an ACD queue: child keys are thresholds in seconds.
// Kazoo: cf_acdc_wait_time (ACDc application), module name `acdc_wait_time`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { docId, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'acdc_wait_time',
  summary: 'Take the child of the highest wait-time threshold (seconds) the queue exceeds, else `_`.',
  schema: moduleData({
    id: { ...docId, description: 'Queue id.' },
    window: { type: 'integer', minimum: 0, description: 'Averaging window in seconds.' },
  }),
  children: ['*', '_'],
  implemented: false,
};

export default definition;
