// Per-call records, read-only (the engine writes them when a call ends: lib/engine/call-records.ts):
//   GET /v2/accounts/{account_id}/calls             newest first (summaries, paginated, filtered)
//   GET /v2/accounts/{account_id}/calls/{call_id}   one record, with its trace, CAVs and attributes
// `cdrs` (Kazoo's name) is an alias of both. Any other method answers 405 (router's catch-all).
// Filters as the other lists (filter_<field>, filter_not_<field>, has_key, key_missing, has_value);
// `created_from` / `created_to` are Gregorian seconds, as Kazoo's cdrs, and bound the call's start.
import { send, requireDocs, type ApiContext } from '../context.ts';
import { toApi, type StoredDoc } from '../documents.ts';
import { BadRequestError, NotFoundError } from '../errors.ts';
import { filtersOf, pageOf, type Query } from '../query.ts';
import { DOC_ID, type ApiRouter, type ApiServices } from '../services.ts';

/** Seconds from year 0 (Kazoo's timestamps) to the Unix epoch. */
const GREGORIAN_OFFSET_S = 62_167_219_200;
const TIME_FIELD = 'started_at';

const SUMMARY_FIELDS = [
  'callflow_id',
  'direction',
  'caller_id_number',
  'caller_id_name',
  'callee',
  'started_at',
  'answered_at',
  'ended_at',
  'duration_ms',
  'hangup_cause',
  'end',
] as const;

function invalid(param: string, rule: string, message: string, value?: unknown): never {
  throw new BadRequestError('validation error', { [param]: { [rule]: { message, ...(value !== undefined ? { value } : {}) } } });
}

function one(q: Query, name: string): string | undefined {
  const v = q[name];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

export function gregorianSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000) + GREGORIAN_OFFSET_S;
}

function fromGregorian(q: Query, name: string): Date | undefined {
  const raw = one(q, name);
  if (raw === undefined) return undefined;
  if (!/^\d{1,13}$/.test(raw)) invalid(name, 'type', 'must be an integer (Gregorian seconds)', raw);
  return new Date((Number(raw) - GREGORIAN_OFFSET_S) * 1000);
}

/** Opaque page cursor: the (start time, id) of the last record shown. */
export function encodeCallKey(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.getTime(), id]), 'utf8').toString('base64url');
}

function decodeCallKey(key: string): { at: Date; id: string } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(key, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && Number.isFinite(parsed[0]) && typeof parsed[1] === 'string') {
      return { at: new Date(parsed[0] as number), id: parsed[1] };
    }
  } catch {
    /* fall through */
  }
  return invalid('start_key', 'format', 'is not a start key returned by this API (next_start_key)', key);
}

function withTimestamp(out: Record<string, unknown>, doc: StoredDoc): Record<string, unknown> {
  const at = doc[TIME_FIELD];
  if (at instanceof Date) out.timestamp = gregorianSeconds(at);
  return out;
}

function summary(doc: StoredDoc): Record<string, unknown> {
  const out: Record<string, unknown> = { id: doc._id };
  for (const f of SUMMARY_FIELDS) if (Object.hasOwn(doc, f) && doc[f] !== undefined) out[f] = doc[f];
  const name = (doc.attributes as { callflow_name?: unknown } | undefined)?.callflow_name;
  if (typeof name === 'string') out.callflow_name = name;
  return withTimestamp(out, doc);
}

const SUMMARY_PROJECTION: Record<string, 1> = Object.fromEntries([['_id', 1], ['attributes.callflow_name', 1], ...SUMMARY_FIELDS.map((f) => [f, 1])]);

export function registerCallRoutes(router: ApiRouter, s: ApiServices): void {
  const list = async (ctx: ApiContext) => {
    const q = { ...(ctx.query as Query) };
    for (const p of ['modified_from', 'modified_to']) {
      if (q[p] !== undefined) invalid(p, 'not_supported', 'call records never change: use created_from / created_to');
    }
    const from = fromGregorian(q, 'created_from');
    const to = fromGregorian(q, 'created_to');
    if (from && to && from > to) invalid('created_to', 'minimum', 'must not be before created_from', one(q, 'created_to'));
    const startKey = one(q, 'start_key');
    const before = startKey ? decodeCallKey(startKey) : undefined;
    // created_* and start_key are this route's own; the rest is Crossbar's common list vocabulary.
    for (const p of ['created_from', 'created_to', 'start_key']) delete q[p];
    const page = pageOf(q);
    const filters = filtersOf(q);
    const range = { ...(from ? { $gte: from } : {}), ...(to ? { $lte: to } : {}) };
    const filter = Object.keys(range).length ? { $and: [filters, { [TIME_FIELD]: range }] } : filters;
    const docs = await requireDocs(ctx).listNewest('calls', { field: TIME_FIELD, filter, before, limit: page.limit + 1, projection: SUMMARY_PROJECTION });
    const more = docs.length > page.limit;
    const shown = more ? docs.slice(0, page.limit) : docs;
    const last = shown[shown.length - 1];
    send(ctx, 200, shown.map(summary), {
      page_size: shown.length,
      ...(startKey ? { start_key: startKey } : {}),
      ...(more && page.paginated && last[TIME_FIELD] instanceof Date ? { next_start_key: encodeCallKey(last[TIME_FIELD] as Date, last._id) } : {}),
    });
  };

  const read = async (ctx: ApiContext) => {
    const id = ctx.params.id;
    if (!id || !DOC_ID.test(id)) throw new NotFoundError();
    // Fresh: a record asked for right after hangup must not be a cached "not found".
    const doc = await requireDocs(ctx).get('calls', id, { fresh: true });
    if (!doc) throw new NotFoundError();
    send(ctx, 200, withTimestamp(toApi('calls', doc), doc));
  };

  for (const name of ['calls', 'cdrs']) {
    router.get(`/accounts/:account_id/${name}`, s.auth, s.access, list);
    router.get(`/accounts/:account_id/${name}/:id`, s.auth, s.access, read);
  }
}
