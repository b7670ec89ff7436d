// after_bridge (Kazoo cf_after_bridge: park_after_bridge / hangup_after_bridge / transfer_after_bridge): what
// happens to the caller once a later bridge has ended and the caller is still there. The choice is kept on
// the call (ctx.attributes.after_bridge, shown in the call record); the ringing path (ring.ts) asks here
// after each answered bridge:
// - hangup true (the default behaviour anyway) → stop (hang up); hangup false → the flow goes on to `_`
//   (FreeSWITCH continues the dialplan when hangup_after_bridge is false);
// - park true → the caller is held with music on hold and the flow is released (the channel stays up until
//   the caller hangs up: FreeSWITCH's park);
// - transfer <number> → the number is routed like a new call of the account (its callflow replaces this
//   flow). Used once: a transfer target that bridges again does not transfer again (no endless loop).
import { adoptMatch, isAuthorisedCaller, lookupCallflow, setDestination } from '../branching/hunt.ts';
import type { CallContext, Outcome } from '../engine/module.ts';

export const AFTER_BRIDGE_KEY = 'after_bridge';

export interface AfterBridge {
  action: 'park' | 'hangup' | 'transfer';
  data: boolean | string;
}

export function afterBridgeOf(ctx: CallContext): AfterBridge | undefined {
  const v = ctx.attributes[AFTER_BRIDGE_KEY] as Partial<AfterBridge> | undefined;
  if (!v || typeof v !== 'object') return undefined;
  if (v.action !== 'park' && v.action !== 'hangup' && v.action !== 'transfer') return undefined;
  return { action: v.action, data: typeof v.data === 'string' || typeof v.data === 'boolean' ? v.data : false };
}

const truthy = (v: unknown) => v === true || v === 'true';

/** Outcomes worked out when a bridge ended, for outcomeOf() to return; `once`: a transfer, used up when taken. */
const pending = new WeakMap<CallContext, { outcome: Outcome; once?: boolean }>();

/** After an answered bridge ended: works out (and keeps) what the caller's after_bridge setting asks for. */
export async function prepareAfterBridge(ctx: CallContext): Promise<void> {
  pending.delete(ctx);
  try {
    await prepare(ctx);
  } catch (err) {
    // The bridge happened; a failed look-up must not turn it into a module error: the usual stop follows.
    if (!ctx.call.signal.aborted) ctx.logger.warn({ err }, 'after_bridge could not be applied');
  }
}

async function prepare(ctx: CallContext): Promise<void> {
  const ab = afterBridgeOf(ctx);
  if (!ab || ctx.call.signal.aborted) return;
  if (ab.action === 'hangup') {
    if (!truthy(ab.data)) pending.set(ctx, { outcome: { kind: 'child', key: '_', reason: 'bridge ended; after_bridge hangup=false: continue' } });
    return;
  }
  if (ab.action === 'park') {
    if (!truthy(ab.data)) return;
    await ctx.call.startRinging('moh');
    pending.set(ctx, { outcome: { kind: 'release', reason: 'bridge ended; after_bridge park: caller held' } });
    return;
  }
  const number = typeof ab.data === 'string' ? ab.data.trim() : '';
  const found = number ? await lookupCallflow(ctx, number, { allowNoMatch: isAuthorisedCaller(ctx) }) : undefined;
  if (!found) {
    pending.set(ctx, { outcome: { kind: 'stop', reason: `bridge ended; after_bridge transfer: no callflow for ${number || '(none)'}` }, once: true });
    return;
  }
  adoptMatch(ctx, found.match);
  setDestination(ctx, number);
  pending.set(ctx, { outcome: { kind: 'replace', flow: found.flow, reason: `bridge ended; after_bridge transfer to ${number}` }, once: true });
}

/** The outcome prepared for the bridge that just ended, once (undefined: the usual stop). */
export function takeAfterBridge(ctx: CallContext): Outcome | undefined {
  const p = pending.get(ctx);
  pending.delete(ctx);
  if (p?.once) delete ctx.attributes[AFTER_BRIDGE_KEY];
  return p?.outcome;
}
