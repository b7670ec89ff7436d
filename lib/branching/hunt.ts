// Looking a number up as a new callflow from inside a call (Kazoo's cf_flow:lookup used by
// branch_bnumber hunt, privacy and dynamic_cid): same precedence as the call's own routing (exact
// number, best pattern, then `no_match`), with the same no_match rule (authorised callers only).
import type { CallContext, CallflowNode } from '../engine/module.ts';
import { RouteTable, type RouteMatch } from '../engine/matcher.ts';
import { compilePattern } from '../validation/patterns.ts';

interface CallflowDoc {
  _id: string;
  numbers?: string[];
  patterns?: string[];
  flow?: CallflowNode;
}

export interface HuntResult {
  match: RouteMatch;
  flow: CallflowNode;
}

/**
 * Authorised callers (Kazoo: calls authorised as a device/user…) may reach the account's `no_match`
 * callflow; carrier calls may not (toll fraud through inbound trunks).
 */
export function isAuthorisedCaller(ctx: CallContext): boolean {
  return typeof ctx.attributes.device_id === 'string' && ctx.attributes.device_id !== '';
}

/**
 * hunt_allow / hunt_deny (Kazoo cf_util): allowed when the allow regex is unset or matches, and the
 * deny regex is unset or does not match. An allow regex that does not compile denies; a deny regex
 * that does not compile allows.
 */
export function huntAllowed(number: string, allow?: string, deny?: string): boolean {
  const test = (src: string | undefined, onError: boolean): boolean | undefined => {
    if (src === undefined || src === '') return undefined;
    try {
      return compilePattern(src).test(number);
    } catch {
      return onError;
    }
  };
  const allowed = test(allow, false);
  if (allowed === false) return false;
  const denied = test(deny, false);
  return denied !== true;
}

/** The callflow a number routes to in the call's account, or undefined. */
export async function lookupCallflow(ctx: CallContext, number: string, opts: { allowNoMatch: boolean }): Promise<HuntResult | undefined> {
  if (!number) return undefined;
  // Exact numbers are indexed; patterns and no_match need the account's pattern-bearing callflows.
  const exact = await ctx.data.find<CallflowDoc>('callflows', { numbers: number }, 2);
  let docs: CallflowDoc[] = exact;
  if (!exact.length) {
    docs = await ctx.data.find<CallflowDoc>('callflows', { $or: [{ 'patterns.0': { $exists: true } }, { numbers: 'no_match' }] });
  }
  const table = new RouteTable(docs.map((d) => ({ callflowId: String(d._id), numbers: d.numbers ?? [], patterns: d.patterns ?? [] })));
  const match = table.match(number, opts);
  if (!match) return undefined;
  const doc = docs.find((d) => String(d._id) === match.callflowId);
  if (!doc?.flow || typeof doc.flow !== 'object') return undefined;
  return { match, flow: doc.flow };
}

/** After a hunt the call carries the new match's capture groups (Kazoo stores them on the call). */
export function adoptMatch(ctx: CallContext, match: RouteMatch): void {
  ctx.captureGroup = match.captureGroup;
  ctx.captureGroups = match.captureGroups;
}

/**
 * Where the call now goes (Kazoo rewrites the request user): dynamic_cid and privacy leave the rest of
 * a feature-code dial here, so a later `resources` node dials it instead of the feature code.
 */
export const DESTINATION_KEY = 'destination_number';

export function setDestination(ctx: CallContext, number: string): void {
  ctx.attributes[DESTINATION_KEY] = number;
}
