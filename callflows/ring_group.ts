// Rings a list of devices, users and groups: together, in turn, in weighted random order, or round robin.
// Kazoo: cf_ring_group, module name `ring_group` (`round_robin` is an ariflow addition, see lib/ringing).
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { text } from '../lib/legs/documents.ts';
import { toMember, type Member } from '../lib/ringing/members.ts';
import { DEFAULT_TIMEOUT_S, runRingGroup, type RingStrategy } from '../lib/ringing/ring-group.ts';
import { BRIDGE_FAILURE_KEYS, endpointMember, mediaRef, moduleData, ringtones } from './schema-parts.ts';

export const RING_STRATEGIES: RingStrategy[] = ['simultaneous', 'single', 'weighted_random', 'round_robin'];

const definition: ModuleDefinition = {
  name: 'ring_group',
  summary: 'Ring the members (repeats times); stop when answered, failure-cause child or `_`.',
  schema: moduleData(
    {
      endpoints: { type: 'array', minItems: 1, items: endpointMember },
      strategy: {
        type: 'string',
        enum: RING_STRATEGIES,
        default: 'simultaneous',
        description: 'round_robin (ariflow): each call starts with the next member, then rings them in turn.',
      },
      timeout: { type: 'integer', minimum: 0, default: DEFAULT_TIMEOUT_S, description: 'Seconds per repetition.' },
      repeats: { type: 'integer', minimum: 1, default: 1 },
      ringback: mediaRef,
      ignore_forward: { type: 'boolean', default: true },
      fail_on_single_reject: { type: 'boolean' },
      ringtones,
    },
    ['endpoints'],
  ),
  children: ['_', ...BRIDGE_FAILURE_KEYS],
  implemented: true,
  async run(ctx, data) {
    const members = (Array.isArray(data.endpoints) ? data.endpoints : []).map(toMember).filter((m): m is Member => !!m);
    const strategy = RING_STRATEGIES.includes(data.strategy as RingStrategy) ? (data.strategy as RingStrategy) : 'simultaneous';
    const tones = data.ringtones as { internal?: unknown; external?: unknown } | undefined;
    const internal = text(tones?.internal);
    const external = text(tones?.external);
    const ringback = text(data.ringback);
    return runRingGroup(ctx, {
      members,
      strategy,
      timeoutSec: Number(data.timeout) || 0,
      repeats: Number(data.repeats) || 1,
      ...(ringback ? { ringback } : {}),
      ringtones: { ...(internal ? { internal } : {}), ...(external ? { external } : {}) },
      failOnSingleReject: data.fail_on_single_reject === true,
      source: 'ring_group',
    });
  },
};

export default definition;
