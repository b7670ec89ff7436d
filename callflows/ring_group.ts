// Rings a list of devices, users and groups together, in turn, or in weighted random order.
// Kazoo: cf_ring_group, module name `ring_group`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { BRIDGE_FAILURE_KEYS, endpointMember, mediaRef, moduleData, ringtones } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'ring_group',
  summary: 'Ring the members (repeats times); stop when answered, failure-cause child or `_`.',
  schema: moduleData(
    {
      endpoints: { type: 'array', minItems: 1, items: endpointMember },
      strategy: { type: 'string', enum: ['simultaneous', 'single', 'weighted_random'], default: 'simultaneous' },
      timeout: { type: 'integer', minimum: 0, default: 20, description: 'Seconds per repetition.' },
      repeats: { type: 'integer', minimum: 1, default: 1 },
      ringback: mediaRef,
      ignore_forward: { type: 'boolean', default: true },
      fail_on_single_reject: { type: 'boolean' },
      ringtones,
    },
    ['endpoints'],
  ),
  children: ['_', ...BRIDGE_FAILURE_KEYS],
  implemented: false,
};

export default definition;
