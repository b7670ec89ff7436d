// A ring group attempt (cf_ring_group; the `group` module reuses it): order the members by strategy,
// expand them into devices, build their legs, then ring — `repeats` times while attempts end without an
// answer and without a failure child to take.
//
// Strategies: `simultaneous` (every device at once, each after its own delay); `single` (one device after
// another, each for its own timeout); `weighted_random` (Kazoo: members in a random order biased by weight,
// then as `single`); `round_robin` (ariflow: each call starts with the next member, then as `single`; the
// rotation is kept in the database, see rotation.ts). The group `timeout` bounds a whole attempt, so with a
// sequential strategy it should cover the members' timeouts added up.
import type { DialOptions } from '../callcontrol/port.ts';
import { next, type CallContext, type Outcome } from '../engine/module.ts';
import { callerSide, Directory } from '../legs/load.ts';
import { memberWeight, rotate, weightedOrder } from './order.ts';
import { resolveMembers, sortByDelay, type Member } from './members.ts';
import { failureChild, failureReason, legsForDevices, nothingToRing, ringLegs } from './ring.ts';
import { takeAfterBridge } from './after-bridge.ts';
import { nextRotation, rotationKey } from './rotation.ts';

export type RingStrategy = 'simultaneous' | 'single' | 'weighted_random' | 'round_robin';

export interface RingGroupSettings {
  members: Member[];
  strategy: RingStrategy;
  /** Seconds per attempt (0: Kazoo's default 20). */
  timeoutSec: number;
  repeats: number;
  /** Media reference played instead of ringing. */
  ringback?: string;
  ringtones?: { internal?: string; external?: string };
  failOnSingleReject?: boolean;
  source: 'ring_group' | 'group';
}

export const DEFAULT_TIMEOUT_S = 20;

/** Members in the order this call tries them. */
export async function orderMembers(ctx: CallContext, members: Member[], strategy: RingStrategy): Promise<Member[]> {
  if (strategy === 'weighted_random') return weightedOrder(members, (m) => memberWeight(m.weight));
  if (strategy === 'round_robin' && members.length > 1) {
    const turn = await nextRotation(ctx.data, rotationKey(ctx.accountId, members));
    return rotate(members, turn);
  }
  return members;
}

export async function runRingGroup(ctx: CallContext, s: RingGroupSettings): Promise<Outcome> {
  const dir = new Directory(ctx.data, ctx.accountId);
  const caller = await callerSide(ctx, dir);
  const ordered = await orderMembers(ctx, s.members, s.strategy);
  let targets = await resolveMembers(ordered, { strategy: s.strategy, callerDeviceId: caller.deviceId }, dir);
  if (s.strategy === 'simultaneous') targets = sortByDelay(targets);
  // ring_group ringtones beat every other Alert-Info, for on-net and carrier calls apart.
  const alertInfo = caller.onnet ? s.ringtones?.internal : s.ringtones?.external;
  const { legs, skipped } = await legsForDevices(
    dir,
    caller,
    targets.map((t) => ({
      deviceId: t.deviceId,
      props: { source: s.source, timeoutSec: t.timeoutSec, delaySec: t.delaySec, canCallSelf: false, suppressClid: false, ...(alertInfo ? { alertInfo } : {}) },
    })),
  );
  if (!legs.length) return nothingToRing(skipped, targets.length || !s.members.length ? 'no endpoints' : 'no members to ring');
  const media = s.ringback ? await ctx.media.resolve(s.ringback, ctx.language) : [];
  const opts: DialOptions = {
    strategy: s.strategy === 'simultaneous' ? 'simultaneous' : 'single',
    timeoutSec: s.timeoutSec > 0 ? s.timeoutSec : DEFAULT_TIMEOUT_S,
    ringback: media.length ? { media } : 'ring',
    failOnSingleReject: s.failOnSingleReject === true,
  };
  const repeats = Math.max(1, Math.trunc(s.repeats) || 1);
  let reason = '';
  for (let attempt = 1; attempt <= repeats; attempt++) {
    const result = await ringLegs(ctx, legs, opts);
    if (result.status === 'answered') return takeAfterBridge(ctx) ?? { kind: 'stop', reason: `answered by ${result.leg}${attempt > 1 ? ` (attempt ${attempt})` : ''}` };
    reason = failureReason(result, skipped);
    // A failure the flow handles ends the repeats.
    const key = failureChild(result, ctx.childKeys);
    if (key) return { kind: 'child', key, reason };
  }
  return next(repeats > 1 ? `${reason} after ${repeats} attempts` : reason);
}
