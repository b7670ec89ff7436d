// Parked calls and camp requests of an account, read-only (written by the park and camping_feature modules):
//   GET /v2/accounts/{account_id}/parked_calls   Kazoo's parked_calls: {slots: {<slot>: {call_id, slot, status
//        (parked | ringing_back), parked_at, caller_id_number, caller_id_name, presence_id, ringback_id}}}
//   GET /v2/accounts/{account_id}/camping        {requests: {<id>: {extension, target, camper_device_id, status
//        (waiting | calling_back), created_at, expires_at, in_this_process}}} — a request another (earlier)
//        process took is not resumed: it is listed with in_this_process false until it expires.
import { send, requireDocs, type ApiContext } from '../context.ts';
import type { ApiRouter, ApiServices } from '../services.ts';
import { PARKED_CALLS } from '../../crosscall/parking.ts';
import { BOOT_ID, CAMPING, requestsOf, sweepPlan } from '../../crosscall/camping.ts';

function objectAt(doc: Record<string, unknown> | undefined, key: string): Record<string, unknown> {
  const v = doc?.[key];
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function registerParkingRoutes(router: ApiRouter, s: ApiServices): void {
  router.get(`/accounts/:account_id/${PARKED_CALLS}`, s.auth, s.access, async (ctx: ApiContext) => {
    const docs = requireDocs(ctx);
    const doc = await docs.get(PARKED_CALLS, docs.accountId, { fresh: true });
    const slots: Record<string, unknown> = {};
    for (const [slot, entry] of Object.entries(objectAt(doc, 'slots'))) if (entry && typeof entry === 'object') slots[slot] = entry;
    send(ctx, 200, { slots });
  });

  router.get(`/accounts/:account_id/${CAMPING}`, s.auth, s.access, async (ctx: ApiContext) => {
    const docs = requireDocs(ctx);
    const stored = requestsOf(await docs.get(CAMPING, docs.accountId, { fresh: true }));
    // Expired requests (a process stopped before removing them) are not shown; the next camp request removes them.
    const { expired } = sweepPlan(stored, Date.now(), BOOT_ID);
    const requests: Record<string, unknown> = {};
    for (const [id, r] of Object.entries(stored)) {
      if (expired.includes(id)) continue;
      const { boot_id, ...shown } = r;
      requests[id] = { ...shown, in_this_process: boot_id === BOOT_ID };
    }
    send(ctx, 200, { requests });
  });
}
