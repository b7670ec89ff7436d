// What the ringing modules (device, user, ring_group, group) share: building the legs of a list of
// devices, ringing them through the call-control port, and turning the result into Kazoo's outcome
// (reference §1.6): answered → stop once the bridge ends; failed → the child named by the hangup cause,
// then `sip:<code>` (`sip:600` when no code is known), else `_`; nothing to ring → `_`.
import type { DialLeg, DialOptions, DialResult } from '../callcontrol/port.ts';
import { child, next, stop, type CallContext, type Outcome } from '../engine/module.ts';
import { buildLegs, type BuildProps, type CallerSide } from '../legs/build.ts';
import type { Doc } from '../legs/documents.ts';
import type { Directory } from '../legs/load.ts';
import { busyLeg, busyWithoutCallWaiting } from '../legs/call-waiting.ts';
import { prepareAfterBridge, takeAfterBridge } from './after-bridge.ts';

export interface Skipped {
  id: string;
  reason: string;
}

export interface BuiltLegs {
  legs: DialLeg[];
  /** Devices that will not ring, and why (shown in the trace). */
  skipped: Skipped[];
}

/** The legs of each device, in order (a device listed twice with other properties rings twice). */
export async function legsForDevices(
  dir: Directory,
  caller: CallerSide,
  items: readonly { deviceId: string; props: BuildProps }[],
  /** The device documents, when the caller has them already. */
  known?: readonly Doc[],
): Promise<BuiltLegs> {
  const devices = known ? new Map(known.map((d) => [String(d._id), d])) : await dir.devices(items.map((i) => i.deviceId));
  const endpoints = await dir.endpoints([...devices.values()]);
  const out: BuiltLegs = { legs: [], skipped: [] };
  // Call waiting off and already on a call: the phone's own leg answers busy (call-waiting.ts).
  const busy = caller.inUse ? await busyWithoutCallWaiting(dir, [...endpoints.values()], caller.inUse) : new Set<string>();
  for (const { deviceId, props } of items) {
    const endpoint = endpoints.get(deviceId);
    if (!endpoint) {
      out.skipped.push({ id: deviceId, reason: 'not_found' });
      continue;
    }
    const built = buildLegs(endpoint, props, caller);
    if ('skipped' in built) out.skipped.push({ id: deviceId, reason: built.skipped });
    else out.legs.push(...(busy.has(deviceId) ? built.legs.map((l) => (l.id === deviceId ? busyLeg(l) : l)) : built.legs));
  }
  return out;
}

/** The failure child to take: the cause if the node has that child, else `sip:<code>`, else none (`_`). */
export function failureChild(result: { cause: string; sipCode?: number }, childKeys: readonly string[] | undefined): string | undefined {
  const keys = childKeys ?? [];
  if (keys.includes(result.cause)) return result.cause;
  const sip = `sip:${result.sipCode ?? 600}`;
  return keys.includes(sip) ? sip : undefined;
}

function describeSkipped(skipped: readonly Skipped[]): string {
  const shown = skipped.slice(0, 5).map((s) => `${s.id} ${s.reason}`);
  if (skipped.length > 5) shown.push(`+${skipped.length - 5} more`);
  return shown.join(', ');
}

/** Nothing to ring: Kazoo continues to `_` at once. */
export function nothingToRing(skipped: readonly Skipped[], what = 'no endpoints'): Outcome {
  return next(skipped.length ? `${what}: ${describeSkipped(skipped)}` : what);
}

/** Rings the legs; marks the call bridged when one answered (missed_call_alert reads it). */
export async function ringLegs(ctx: CallContext, legs: DialLeg[], opts: DialOptions): Promise<DialResult> {
  const result = await ctx.call.dial(legs, opts);
  if (result.status === 'answered') {
    ctx.attributes.call_bridged = true;
    ctx.attributes.bridged_to = result.leg;
    // Keys pressed while bridged were meant for the other party, not for a later menu.
    ctx.call.flushDigits();
    // after_bridge: what the caller, still there, does now (after-bridge.ts); outcomeOf() returns it.
    await prepareAfterBridge(ctx);
  }
  return result;
}

/** The reason shown in the trace for a failed attempt. */
export function failureReason(result: { cause: string; sipCode?: number }, skipped: readonly Skipped[] = []): string {
  const base = result.sipCode ? `${result.cause} (sip:${result.sipCode})` : result.cause;
  return skipped.length ? `${base}; not rung: ${describeSkipped(skipped)}` : base;
}

/** Kazoo's outcome for one bridge attempt. */
export function outcomeOf(ctx: CallContext, result: DialResult, skipped: readonly Skipped[] = []): Outcome {
  if (result.status === 'answered') return takeAfterBridge(ctx) ?? stop(`answered by ${result.leg}`);
  const key = failureChild(result, ctx.childKeys);
  const reason = failureReason(result, skipped);
  return key ? child(key, reason) : next(reason);
}
