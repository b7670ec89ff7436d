// Where a call came from: when a call starts, the dialled number is looked up among the account's
// number pools (a visitor session holding the number → its source, keyword, pages, campaign, referrer)
// and tracking numbers (source/campaign/medium/tags), and the result goes on the call record as
// ctx.attributes.attribution (+ tags). Also the per-callflow `record_calls` setting, and the registry
// of live calls the API tags (POST …/calls/{id}/tags).
import type { Db } from 'mongodb';
import type { CallContext, ModuleDefinition } from '../engine/module.ts';
import { normalizeCallflowNumber } from '../validation/numbers.ts';

export interface Attribution {
  /** What the number is: a tracking number, a pool number held by a visitor session, or a pool number with no session. */
  kind: 'tracking_number' | 'visitor_session' | 'pool';
  number: string;
  tracking_number_id?: string;
  pool_id?: string;
  session_id?: string;
  source?: string;
  medium?: string;
  campaign?: string;
  keyword?: string;
  referrer?: string;
  landing_page?: string;
  landing_params?: Record<string, string>;
  active_page?: string;
}

/** Collections (server documents) of call tracking. */
export const TRACKING_NUMBERS = 'tracking_numbers';
export const NUMBER_POOLS = 'number_pools';
/** Per pool number state: which session holds it until when, and when it was last handed out. */
export const POOL_NUMBERS = 'pool_numbers';
export const VISITOR_SESSIONS = 'visitor_sessions';

const ATTRIBUTES = ['source', 'medium', 'campaign', 'keyword', 'referrer', 'landing_page', 'active_page'] as const;

function copyText(from: Record<string, unknown> | null | undefined, into: Attribution): void {
  if (!from) return;
  for (const k of ATTRIBUTES) if (typeof from[k] === 'string' && from[k] !== '') into[k] = from[k] as string;
}

function tagsOf(doc: Record<string, unknown> | null | undefined): string[] {
  return Array.isArray(doc?.tags) ? (doc.tags as unknown[]).filter((t): t is string => typeof t === 'string' && t !== '') : [];
}

/** The numbers a dialled extension may be stored as (as dialled, and normalised as the API stores numbers). */
export function numberForms(exten: string): string[] {
  return [...new Set([exten, normalizeCallflowNumber(exten)])];
}

/**
 * Whether the account has any tracking or pool number, remembered for a few seconds: most calls are to
 * accounts without call tracking, and they should not pay two database look-ups each. This process's
 * tracking writes forget it at once (trackingChanged); other processes' writes are seen within the TTL.
 */
const TRACKING_PRESENCE_TTL_MS = 5_000;
const presence = new Map<string, { has: boolean; until: number }>();

export function trackingChanged(accountId: string): void {
  presence.delete(accountId);
}

async function accountTracks(db: Db, accountId: string): Promise<boolean> {
  const hit = presence.get(accountId);
  if (hit && hit.until > Date.now()) return hit.has;
  const [tracking, pooled] = await Promise.all([
    db.collection(TRACKING_NUMBERS).findOne({ account_id: accountId }, { projection: { _id: 1 } }),
    db.collection(POOL_NUMBERS).findOne({ account_id: accountId }, { projection: { _id: 1 } }),
  ]);
  const has = tracking !== null || pooled !== null;
  if (presence.size > 10_000) presence.clear();
  presence.set(accountId, { has, until: Date.now() + TRACKING_PRESENCE_TTL_MS });
  return has;
}

/** The attribution of a call to `exten` at `now`, and the tags its number carries. */
export async function attributionFor(db: Db, accountId: string, exten: string, now = new Date()): Promise<{ attribution?: Attribution; tags: string[] }> {
  if (!(await accountTracks(db, accountId))) return { tags: [] };
  const forms = numberForms(exten);
  const held = await db.collection(POOL_NUMBERS).findOne({ account_id: accountId, number: { $in: forms } });
  if (held) {
    const pool = await db.collection(NUMBER_POOLS).findOne({ _id: held.pool_id, account_id: accountId });
    const attribution: Attribution = { kind: 'pool', number: String(held.number), pool_id: String(held.pool_id) };
    copyText(pool, attribution);
    let tags = tagsOf(pool);
    const busyUntil = held.busy_until instanceof Date ? held.busy_until : undefined;
    if (held.session_id && busyUntil && busyUntil > now) {
      const session = await db.collection(VISITOR_SESSIONS).findOne({ _id: held.session_id, account_id: accountId });
      if (session) {
        attribution.kind = 'visitor_session';
        attribution.session_id = String(session._id);
        copyText(session, attribution);
        if (session.landing_params && typeof session.landing_params === 'object') attribution.landing_params = session.landing_params as Record<string, string>;
        tags = [...tags, ...tagsOf(session)];
      }
    }
    return { attribution, tags };
  }
  const tracking = await db.collection(TRACKING_NUMBERS).findOne({ account_id: accountId, number: { $in: forms } });
  if (!tracking) return { tags: [] };
  const attribution: Attribution = { kind: 'tracking_number', number: String(tracking.number), tracking_number_id: String(tracking._id) };
  copyText(tracking, attribution);
  return { attribution, tags: tagsOf(tracking) };
}

/** Adds tags to the call's `attributes.tags` (kept unique, in the order added). */
export function addTags(attributes: Record<string, unknown>, tags: readonly string[]): string[] {
  const have = Array.isArray(attributes.tags) ? (attributes.tags as string[]) : [];
  const out = [...have];
  for (const t of tags) if (typeof t === 'string' && t !== '' && !out.includes(t)) out.push(t);
  attributes.tags = out;
  return out;
}

export function removeTags(attributes: Record<string, unknown>, tags: readonly string[]): string[] {
  const have = Array.isArray(attributes.tags) ? (attributes.tags as string[]) : [];
  const out = have.filter((t) => !tags.includes(t));
  attributes.tags = out;
  return out;
}

/** Calls running in this process: call id → its account and live attributes (the API tags them). */
const live = new Map<string, { accountId: string; attributes: Record<string, unknown> }>();

export function liveCall(accountId: string, callId: string): Record<string, unknown> | undefined {
  const entry = live.get(callId);
  return entry && entry.accountId === accountId ? entry.attributes : undefined;
}

export interface BeginCallDeps {
  db: Db;
  exten: string;
  callflow: Record<string, unknown>;
  lookup(name: string): ModuleDefinition | undefined;
  prepare(def: ModuleDefinition, data: Record<string, unknown>): Record<string, unknown>;
}

/**
 * Called by the engine once the call's context exists, before the flow runs: registers the live call,
 * puts its attribution and tags on the record, and starts recording when the callflow says
 * `record_calls: true` (the record_call module's own start). Never throws: tracking must not stop a call.
 */
export async function beginCall(ctx: CallContext, deps: BeginCallDeps): Promise<void> {
  const id = ctx.call.id;
  live.set(id, { accountId: ctx.accountId, attributes: ctx.attributes });
  ctx.onEnd(() => {
    live.delete(id);
  });
  try {
    const { attribution, tags } = await attributionFor(deps.db, ctx.accountId, deps.exten);
    if (attribution) {
      ctx.attributes.attribution = attribution;
      if (attribution.session_id) {
        await deps.db.collection(VISITOR_SESSIONS).updateOne({ _id: attribution.session_id as never, account_id: ctx.accountId }, { $push: { calls: id } } as never);
      }
    }
    if (tags.length) addTags(ctx.attributes, tags);
  } catch (err) {
    ctx.logger.warn({ err }, 'call tracking: attribution lookup failed');
  }
  const record = deps.callflow.record_calls;
  if (record === true || record === 'true') {
    const def = deps.lookup('record_call');
    try {
      if (def?.run) await def.run(ctx, deps.prepare(def, { action: 'start' }));
    } catch (err) {
      ctx.logger.warn({ err }, 'call tracking: record_calls could not start the recording');
    }
  }
}
