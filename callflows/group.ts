// Rings the members of a group document (or, with `endpoints`, behaves like ring_group).
// Kazoo: cf_group, module name `group`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { int, text } from '../lib/legs/documents.ts';
import { Directory } from '../lib/legs/load.ts';
import { toMember, type Member } from '../lib/ringing/members.ts';
import { DEFAULT_TIMEOUT_S, runRingGroup, type RingStrategy } from '../lib/ringing/ring-group.ts';
import { next } from '../lib/engine/module.ts';
import { BRIDGE_FAILURE_KEYS, docId, endpointMember, mediaRef, moduleData, ringtones } from './schema-parts.ts';

// No defaults for timeout/strategy/ignore_forward/ringback: the group document's values win
// over data at run time, so a default injected into data must not mask them.
const definition: ModuleDefinition = {
  name: 'group',
  summary: 'Answer, then ring a group\'s members; stop when answered, failure-cause child or `_`.',
  schema: moduleData({
    id: { ...docId, description: 'Group id.' },
    endpoints: {
      type: 'array',
      description: 'Legacy: ring_group members (objects) or bare ids; non-empty means "act as ring_group".',
      items: { ...endpointMember, type: ['object', 'string'] },
    },
    strategy: { type: 'string', enum: ['simultaneous', 'single'] },
    timeout: { type: 'integer', minimum: 0 },
    repeats: { type: 'integer', minimum: 1, default: 1 },
    ringback: mediaRef,
    ringtones,
    ignore_forward: { type: 'boolean' },
    fail_on_single_reject: { type: 'boolean' },
  }),
  children: ['_', ...BRIDGE_FAILURE_KEYS],
  implemented: true,
  async run(ctx, data) {
    const tones = data.ringtones as { internal?: unknown; external?: unknown } | undefined;
    const internal = text(tones?.internal);
    const external = text(tones?.external);
    const common = {
      repeats: Number(data.repeats) || 1,
      ringtones: { ...(internal ? { internal } : {}), ...(external ? { external } : {}) },
      failOnSingleReject: data.fail_on_single_reject === true,
      source: 'group' as const,
    };
    const listed = (Array.isArray(data.endpoints) ? data.endpoints : []).map(toMember).filter((m): m is Member => !!m);
    const strategyOf = (v: unknown): RingStrategy => (v === 'single' ? 'single' : 'simultaneous');
    if (listed.length) {
      // Legacy form: exactly a ring group.
      const ringback = text(data.ringback);
      return runRingGroup(ctx, {
        ...common,
        members: listed,
        strategy: strategyOf(data.strategy),
        timeoutSec: int(data.timeout, DEFAULT_TIMEOUT_S),
        ...(ringback ? { ringback } : {}),
      });
    }
    const id = text(data.id);
    if (!id) return next('no group id');
    const group = await new Directory(ctx.data, ctx.accountId).group(id);
    if (!group) return next('group not found');
    // The group document's settings come first, then the node's data.
    const timeoutSec = int(group.timeout ?? data.timeout, DEFAULT_TIMEOUT_S) || DEFAULT_TIMEOUT_S;
    const ringback = text(group.ringback) ?? text(data.ringback);
    // Unlike ring_group, Kazoo answers before ringing the group: the caller hears the ring tone in-band.
    await ctx.call.answer();
    return runRingGroup(ctx, {
      ...common,
      members: [{ id, endpoint_type: 'group', timeout: timeoutSec }],
      strategy: strategyOf(group.strategy ?? data.strategy),
      timeoutSec,
      ...(ringback ? { ringback } : {}),
    });
  },
};

export default definition;
