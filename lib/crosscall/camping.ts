// camping_feature's camp requests, stored (Kazoo keeps them in memory of one node): one document per account
// in `camping` (its id is the account id), `requests.<id>` = the request. The process that took a request
// polls the target and rings the camper back; the document lets a restarted ariflow report them (API
// GET /v2/accounts/{id}/camping) and clean them up: expired ones are removed on the next camp request.
// A restarted process does not resume them (the poller lived in the old process): they stay listed as
// another process's until they expire.
import { randomBytes, randomUUID } from 'node:crypto';
import type { AccountData, CallContext } from '../engine/module.ts';
import { obj } from '../legs/documents.ts';

export const CAMPING = 'camping';
/** This process: requests carry it, so a later process can tell its own from orphans. */
export const BOOT_ID = randomUUID();

export interface CampRequest {
  extension: string;
  target: { device_ids: string[]; endpoints: string[] };
  camper_device_id: string;
  /** waiting: the target is busy; calling_back: the camper's phone is rung. */
  status: 'waiting' | 'calling_back';
  created_at: string;
  expires_at: string;
  boot_id: string;
  caller_id_number?: string;
}

export function newCampId(): string {
  return randomBytes(16).toString('hex');
}

/** Stored requests as a map id → request (whatever the document holds that looks like one). */
export function requestsOf(doc: Record<string, unknown> | undefined): Record<string, CampRequest> {
  const out: Record<string, CampRequest> = {};
  for (const [id, r] of Object.entries(obj(doc?.requests) ?? {})) {
    const req = obj(r);
    if (req && typeof req.expires_at === 'string') out[id] = req as unknown as CampRequest;
  }
  return out;
}

/** Which stored requests are expired (to remove) and which belong to another process (not resumed). */
export function sweepPlan(requests: Record<string, CampRequest>, now: number, boot: string): { expired: string[]; foreign: string[] } {
  const expired: string[] = [];
  const foreign: string[] = [];
  for (const [id, r] of Object.entries(requests)) {
    const until = Date.parse(r.expires_at);
    if (!Number.isFinite(until) || until <= now) expired.push(id);
    else if (r.boot_id !== boot) foreign.push(id);
  }
  return { expired, foreign };
}

/** Stores (or with `undefined` removes) a request. */
export async function writeCamp(data: AccountData, accountId: string, id: string, req: Partial<CampRequest> | undefined, whole = false): Promise<void> {
  // increment() creates the document when it is missing, atomically.
  await data.increment(CAMPING, accountId, 'revision');
  if (req === undefined || whole) {
    await data.update(CAMPING, accountId, { [`requests.${id}`]: req });
    return;
  }
  const set: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(req)) set[`requests.${id}.${k}`] = v;
  await data.update(CAMPING, accountId, set, { [`requests.${id}`]: { $exists: true } });
}

/** Removes the account's expired requests; logs the ones another (earlier) process left. */
export async function sweepCamps(ctx: CallContext, now = Date.now()): Promise<{ expired: string[]; foreign: string[] }> {
  const plan = sweepPlan(requestsOf(await ctx.data.get(CAMPING, ctx.accountId)), now, BOOT_ID);
  for (const id of plan.expired) await writeCamp(ctx.data, ctx.accountId, id, undefined);
  if (plan.foreign.length) ctx.logger.warn({ requests: plan.foreign }, 'camp requests of another ariflow process are not resumed: they stay until they expire');
  return plan;
}
