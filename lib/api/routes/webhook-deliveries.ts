// The post-call webhook delivery log (lib/webhooks/post-call.ts), read-only:
//   GET /v2/accounts/{account_id}/webhook_deliveries          newest first: status, url, attempts, next attempt
//        ?callflow_id=…  ?call_id=…  ?status=pending|delivering|delivered|failed  ?page_size=…  ?start_key=…
//   GET /v2/accounts/{account_id}/webhook_deliveries/{id}     one delivery with every attempt and the body sent
// Secrets (a webhook's own `secret`) and lease bookkeeping are never shown.
import { requireDocs, send, type ApiContext } from '../context.ts';
import type { StoredDoc } from '../documents.ts';
import { BadRequestError, NotFoundError } from '../errors.ts';
import { pageOf, type Query } from '../query.ts';
import { DOC_ID, type ApiRouter, type ApiServices } from '../services.ts';
import { DELIVERIES } from '../../webhooks/post-call.ts';

const TIME_FIELD = 'created_at';
const STATUSES = ['pending', 'delivering', 'delivered', 'failed'];
const HIDDEN = ['pvt_secret', 'lease_token', 'lease_until', 'body'];

function invalid(param: string, rule: string, message: string, value?: unknown): never {
  throw new BadRequestError('validation error', { [param]: { [rule]: { message, ...(value !== undefined ? { value } : {}) } } });
}

function one(q: Query, name: string): string | undefined {
  const v = q[name];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

function encodeKey(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.getTime(), id]), 'utf8').toString('base64url');
}

function decodeKey(key: string): { at: Date; id: string } {
  try {
    const v: unknown = JSON.parse(Buffer.from(key, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && Number.isFinite(v[0]) && typeof v[1] === 'string') return { at: new Date(v[0] as number), id: v[1] };
  } catch {
    /* fall through */
  }
  return invalid('start_key', 'format', 'is not a start key returned by this API (next_start_key)', key);
}

function shown(doc: StoredDoc, withBody: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { id: doc._id };
  for (const [k, v] of Object.entries(doc)) if (k !== '_id' && !HIDDEN.includes(k)) out[k] = v;
  const attempts = Array.isArray(doc.attempts) ? doc.attempts : [];
  out.attempt_count = attempts.length;
  if (withBody && typeof doc.body === 'string') {
    try {
      out.payload = JSON.parse(doc.body);
    } catch {
      out.payload = doc.body;
    }
  }
  return out;
}

export function registerWebhookDeliveryRoutes(router: ApiRouter, s: ApiServices): void {
  const base = `/accounts/:account_id/${DELIVERIES}`;

  router.get(base, s.auth, s.access, async (ctx: ApiContext) => {
    const q = ctx.query as Query;
    const filter: Record<string, unknown> = {};
    for (const field of ['callflow_id', 'call_id']) {
      const v = one(q, field);
      if (v !== undefined) {
        if (!DOC_ID.test(v)) invalid(field, 'pattern', 'is not an id', v);
        filter[field] = v;
      }
    }
    const status = one(q, 'status');
    if (status !== undefined) {
      if (!STATUSES.includes(status)) invalid('status', 'enum', `must be one of ${STATUSES.join(', ')}`, status);
      filter.status = status;
    }
    const startKey = one(q, 'start_key');
    const before = startKey ? decodeKey(startKey) : undefined;
    const page = pageOf({ ...q, start_key: undefined } as Query);
    const docs = await requireDocs(ctx).listNewest(DELIVERIES, {
      field: TIME_FIELD,
      filter,
      before,
      limit: page.limit + 1,
      projection: { body: 0, pvt_secret: 0 },
    });
    const more = docs.length > page.limit;
    const list = more ? docs.slice(0, page.limit) : docs;
    const last = list[list.length - 1];
    send(ctx, 200, list.map((d) => shown(d, false)), {
      page_size: list.length,
      ...(startKey ? { start_key: startKey } : {}),
      ...(more && last?.[TIME_FIELD] instanceof Date ? { next_start_key: encodeKey(last[TIME_FIELD] as Date, String(last._id)) } : {}),
    });
  });

  router.get(`${base}/:id`, s.auth, s.access, async (ctx: ApiContext) => {
    const id = ctx.params.id;
    if (!id || !DOC_ID.test(id)) throw new NotFoundError();
    const doc = await requireDocs(ctx).get(DELIVERIES, id, { fresh: true });
    if (!doc) throw new NotFoundError();
    send(ctx, 200, shown(doc, true));
  });
}
