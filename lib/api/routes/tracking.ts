// Call tracking over the API (lib/tracking):
//   tracking_numbers   PUT/POST create, GET list, GET/POST(replace)/PATCH(merge)/DELETE one
//       {number, callflow_id, source?, medium?, campaign?, keyword?, name?, tags?}
//   number_pools       the same verbs: {numbers[], callflow_id, session_ttl_s? (1800), source?, medium?, campaign?, name?, tags?}
//       A tracking or pool number is added to its callflow's `numbers` (so it routes there) and removed
//       again when the document stops listing it; numbers the callflow already had are left alone.
//   visitor_sessions   PUT/POST create: a pool number for a website visitor for session_ttl_s (the
//       least recently used number when all are busy); GET list (?active=true) / GET one;
//       POST one: {active_page?, extend? (true)} records the page and extends the window.
//   POST calls/{call_id}/tags          {tags[]?, remove[]?}: tags a live call (attributes.tags), or the record of an ended one
//   GET  callflows/{id}/stats?from=&to= totals, per tracking source and per node (lib/tracking/stats.ts)
import { randomBytes } from 'node:crypto';
import type { Db } from 'mongodb';
import { readEnvelope } from '../body.ts';
import { requireDocs, send, type ApiContext } from '../context.ts';
import { toApi, userFields, type StoredDoc } from '../documents.ts';
import { BadRequestError, ConflictError, NotFoundError } from '../errors.ts';
import { DOC_ID, writerFor, type ApiRouter, type ApiServices } from '../services.ts';
import { mergePatch } from './documents.ts';
import { gregorianNow, nextRevision } from '../../accounts/secrets.ts';
import { ValidationError, type ValidationErrors } from '../../validation/errors.ts';
import { schemaErrors } from '../../validation/schema-check.ts';
import { normalizeCallflowNumber } from '../../validation/numbers.ts';
import { addTags, liveCall, NUMBER_POOLS, POOL_NUMBERS, removeTags, TRACKING_NUMBERS, trackingChanged, VISITOR_SESSIONS } from '../../tracking/attribution.ts';
import { queryParams } from '../../tracking/criteria.ts';
import { assignNumber, DEFAULT_SESSION_TTL_S, dropPoolNumbers, extendHold, holdsNumber, markReassigned, syncPoolNumbers } from '../../tracking/pools.ts';
import { callflowStats } from '../../tracking/stats.ts';

const text = { type: 'string', maxLength: 2048 };
const tags = { type: 'array', items: { type: 'string', minLength: 1, maxLength: 100 } };
const attributionFields = { source: text, medium: text, campaign: text, keyword: text, name: text, tags };

const trackingNumberSchema = {
  type: 'object',
  required: ['number', 'callflow_id'],
  properties: { number: { type: 'string', minLength: 1, maxLength: 64 }, callflow_id: { type: 'string', minLength: 1, maxLength: 128 }, ...attributionFields },
};

const poolSchema = {
  type: 'object',
  required: ['numbers', 'callflow_id'],
  properties: {
    numbers: { type: 'array', minItems: 1, maxItems: 1000, items: { type: 'string', minLength: 1, maxLength: 64 } },
    callflow_id: { type: 'string', minLength: 1, maxLength: 128 },
    session_ttl_s: { type: 'integer', minimum: 30, maximum: 86_400 },
    ...attributionFields,
  },
};

const sessionSchema = {
  type: 'object',
  properties: {
    pool_id: { type: 'string', minLength: 1, maxLength: 128 },
    source: text,
    medium: text,
    campaign: text,
    keyword: text,
    referrer: text,
    landing_page: text,
    landing_params: { type: 'object', additionalProperties: { type: 'string' } },
    active_page: text,
    ttl_s: { type: 'integer', minimum: 30, maximum: 86_400 },
    tags,
  },
};

const sessionUpdateSchema = {
  type: 'object',
  properties: { active_page: text, extend: { type: 'boolean' }, ttl_s: { type: 'integer', minimum: 30, maximum: 86_400 }, tags },
};

const tagsBodySchema = { type: 'object', properties: { tags, remove: tags } };

const PVT_TYPE: Record<string, string> = { [TRACKING_NUMBERS]: 'tracking_number', [NUMBER_POOLS]: 'number_pool' };
/** Numbers this document added to its callflow (and removes again when it stops listing them). */
const ADDED = 'pvt_added_numbers';

function check(schema: Record<string, unknown>, data: unknown): void {
  const errors = schemaErrors(schema, data);
  if (Object.keys(errors).length) throw new ValidationError(errors);
}

function invalid(field: string, rule: string, message: string, value?: unknown): never {
  throw new ValidationError({ [field]: { [rule]: { message, ...(value !== undefined ? { value } : {}) } } } as ValidationErrors);
}

const newId = () => randomBytes(16).toString('hex');
const dbOf = (s: ApiServices): Db => s.documents.db;
const accountOf = (ctx: ApiContext) => requireDocs(ctx).accountId;

function idParam(ctx: ApiContext): string {
  const id = ctx.params.id;
  if (!id || !DOC_ID.test(id)) throw new NotFoundError();
  return id;
}

async function loadOwn(s: ApiServices, ctx: ApiContext, collection: string): Promise<StoredDoc> {
  const doc = await dbOf(s).collection<StoredDoc>(collection).findOne({ _id: idParam(ctx), account_id: accountOf(ctx) });
  if (!doc) throw new NotFoundError();
  return doc;
}

/** The numbers a tracking document lists, normalised as callflow numbers are. */
function numbersOf(collection: string, fields: Record<string, unknown>): string[] {
  const raw = collection === TRACKING_NUMBERS ? [fields.number] : (fields.numbers as unknown[]);
  return [...new Set((raw ?? []).filter((n): n is string => typeof n === 'string').map(normalizeCallflowNumber))];
}

/** Refuses a number another tracking number or pool of the account already has. */
async function checkUnique(s: ApiServices, accountId: string, collection: string, selfId: string | undefined, numbers: string[]): Promise<void> {
  const db = dbOf(s);
  const notSelf = (c: string) => (c === collection && selfId ? { _id: { $ne: selfId } } : {});
  for (const c of [TRACKING_NUMBERS, NUMBER_POOLS]) {
    const field = c === TRACKING_NUMBERS ? 'number' : 'numbers';
    const clash = await db.collection<StoredDoc>(c).findOne({ account_id: accountId, [field]: { $in: numbers }, ...notSelf(c) } as never);
    if (clash) {
      const theirs = numbersOf(c, clash).filter((n) => numbers.includes(n));
      invalid(collection === TRACKING_NUMBERS ? 'number' : 'numbers', 'unique', `${theirs.join(', ')} already belongs to ${PVT_TYPE[c]} ${clash._id}`, theirs[0]);
    }
  }
}

/** Adds numbers to the callflow's `numbers`; resolves to those it added (not already listed). */
async function attachNumbers(ctx: ApiContext, s: ApiServices, field: string, callflowId: string, numbers: string[]): Promise<string[]> {
  const docs = requireDocs(ctx);
  const current = await docs.get('callflows', callflowId, { fresh: true });
  if (!current) invalid('callflow_id', 'reference', `callflow ${callflowId} does not exist`, callflowId);
  const have = Array.isArray(current.numbers) ? (current.numbers as string[]) : [];
  const added = numbers.filter((n) => !have.includes(n));
  if (!added.length) return [];
  try {
    await writerFor(ctx, s).update('callflows', current, { ...userFields('callflows', current), numbers: [...have, ...added] });
  } catch (err) {
    // The callflow's own errors (a number used by another callflow) are this document's.
    if (err instanceof ValidationError) {
      const first = Object.entries(err.errors)[0];
      throw new ValidationError({ [field]: first ? first[1] : { invalid: { message: err.message } } } as ValidationErrors);
    }
    throw err;
  }
  return added;
}

/** Removes numbers this document had added from the callflow (if the callflow still exists). */
async function detachNumbers(ctx: ApiContext, s: ApiServices, callflowId: string, numbers: string[]): Promise<void> {
  if (!numbers.length) return;
  const docs = requireDocs(ctx);
  const current = await docs.get('callflows', callflowId, { fresh: true });
  if (!current || !Array.isArray(current.numbers)) return;
  const kept = (current.numbers as string[]).filter((n) => !numbers.includes(n));
  if (kept.length === current.numbers.length) return;
  await writerFor(ctx, s).update('callflows', current, { ...userFields('callflows', current), numbers: kept }, { allowNoNumbers: true });
}

/** The fields as stored: numbers normalised. */
function normalise(collection: string, fields: Record<string, unknown>): Record<string, unknown> {
  const out = { ...fields };
  if (collection === TRACKING_NUMBERS) out.number = normalizeCallflowNumber(String(fields.number));
  else out.numbers = numbersOf(collection, fields);
  return out;
}

function registerNumberCollection(router: ApiRouter, s: ApiServices, collection: typeof TRACKING_NUMBERS | typeof NUMBER_POOLS): void {
  const schema = collection === TRACKING_NUMBERS ? trackingNumberSchema : poolSchema;
  const field = collection === TRACKING_NUMBERS ? 'number' : 'numbers';
  const base = `/accounts/:account_id/${collection}`;
  const col = () => dbOf(s).collection<StoredDoc>(collection);

  /** Validates, claims the numbers in the callflow, writes; `current` for an update. */
  async function write(ctx: ApiContext, input: Record<string, unknown>, current?: StoredDoc): Promise<StoredDoc> {
    const fields = userFields(collection, input);
    check(schema, fields);
    const stored = normalise(collection, fields);
    const accountId = accountOf(ctx);
    const numbers = numbersOf(collection, stored);
    await checkUnique(s, accountId, collection, current?._id, numbers);
    const callflowId = String(stored.callflow_id);
    const before = (current?.[ADDED] as string[] | undefined) ?? [];
    const sameFlow = current?.callflow_id === callflowId;
    // What the old version had added and this one no longer lists (or lists on another callflow) goes
    // first, so a number can move from one callflow to another.
    const dropped = before.filter((n) => !sameFlow || !numbers.includes(n));
    if (current) await detachNumbers(ctx, s, String(current.callflow_id), dropped);
    let added: string[];
    try {
      added = await attachNumbers(ctx, s, field, callflowId, numbers);
    } catch (err) {
      if (current) await attachNumbers(ctx, s, field, String(current.callflow_id), dropped).catch(() => {});
      throw err;
    }
    // Numbers this document added earlier and still lists stay "added by us".
    const ownAdded = [...new Set([...added, ...(sameFlow ? before.filter((n) => numbers.includes(n)) : [])])];
    const now = gregorianNow();
    let doc: StoredDoc;
    if (current) {
      const next = { ...stored, _id: current._id, account_id: accountId, pvt_type: current.pvt_type, pvt_created: current.pvt_created, pvt_modified: now, pvt_rev: nextRevision(current.pvt_rev), [ADDED]: ownAdded };
      const res = await col().findOneAndReplace({ _id: current._id, account_id: accountId, pvt_rev: current.pvt_rev }, next, { returnDocument: 'after' });
      if (!res) {
        await detachNumbers(ctx, s, callflowId, added);
        throw new ConflictError('the document was changed by another request; fetch it again and retry');
      }
      doc = res;
    } else {
      doc = { ...stored, _id: newId(), account_id: accountId, pvt_type: PVT_TYPE[collection], pvt_created: now, pvt_modified: now, pvt_rev: nextRevision(), [ADDED]: ownAdded };
      await col().insertOne(doc);
    }
    if (collection === NUMBER_POOLS) await syncPoolNumbers(dbOf(s), accountId, doc._id, numbers);
    trackingChanged(accountId);
    return doc;
  }

  const create = async (ctx: ApiContext) => {
    const { data } = await readEnvelope(ctx.req);
    const doc = await write(ctx, data);
    send(ctx, 201, toApi(collection, doc), { revision: doc.pvt_rev });
  };
  router.put(base, s.auth, s.access, create);
  router.post(base, s.auth, s.access, create);

  router.get(base, s.auth, s.access, async (ctx) => {
    const docs = await col().find({ account_id: accountOf(ctx) }).sort({ _id: 1 }).limit(5000).toArray();
    send(ctx, 200, docs.map((d) => toApi(collection, d)), { page_size: docs.length });
  });

  router.get(`${base}/:id`, s.auth, s.access, async (ctx) => {
    const doc = await loadOwn(s, ctx, collection);
    send(ctx, 200, toApi(collection, doc), { revision: doc.pvt_rev });
  });

  router.post(`${base}/:id`, s.auth, s.access, async (ctx) => {
    const { data } = await readEnvelope(ctx.req);
    const current = await loadOwn(s, ctx, collection);
    const doc = await write(ctx, data, current);
    send(ctx, 200, toApi(collection, doc), { revision: doc.pvt_rev });
  });

  router.patch(`${base}/:id`, s.auth, s.access, async (ctx) => {
    const { data } = await readEnvelope(ctx.req);
    const current = await loadOwn(s, ctx, collection);
    const doc = await write(ctx, mergePatch(toApi(collection, current), data) as Record<string, unknown>, current);
    send(ctx, 200, toApi(collection, doc), { revision: doc.pvt_rev });
  });

  router.delete(`${base}/:id`, s.auth, s.access, async (ctx) => {
    const current = await loadOwn(s, ctx, collection);
    const deleted = await col().findOneAndDelete({ _id: current._id, account_id: current.account_id });
    if (!deleted) throw new NotFoundError();
    if (collection === NUMBER_POOLS) await dropPoolNumbers(dbOf(s), current.account_id, current._id);
    await detachNumbers(ctx, s, String(current.callflow_id), (current[ADDED] as string[] | undefined) ?? []);
    send(ctx, 200, { ...toApi(collection, deleted), _read_only: { deleted: true } });
  });
}

/** What GET shows of a session: its fields, id, and whether it still holds its number. */
async function showSession(s: ApiServices, doc: StoredDoc, now = new Date()): Promise<Record<string, unknown>> {
  const holds = await holdsNumber(dbOf(s), doc.account_id, String(doc.pool_id), String(doc.number), doc._id);
  const expires = doc.expires_at instanceof Date ? doc.expires_at : new Date(0);
  const out = toApi(VISITOR_SESSIONS, doc);
  for (const k of ['created_at', 'expires_at', 'updated_at', 'number_reassigned_at']) if (doc[k] instanceof Date) out[k] = (doc[k] as Date).toISOString();
  out.active = holds && expires > now;
  return out;
}

function registerVisitorSessions(router: ApiRouter, s: ApiServices): void {
  const base = `/accounts/:account_id/${VISITOR_SESSIONS}`;
  const col = () => dbOf(s).collection<StoredDoc>(VISITOR_SESSIONS);

  const create = async (ctx: ApiContext) => {
    const { data } = await readEnvelope(ctx.req);
    const fields = userFields(VISITOR_SESSIONS, data);
    check(sessionSchema, fields);
    const accountId = accountOf(ctx);
    const pools = dbOf(s).collection<StoredDoc>(NUMBER_POOLS);
    let pool: StoredDoc | null;
    if (typeof fields.pool_id === 'string') {
      pool = await pools.findOne({ _id: fields.pool_id, account_id: accountId });
      if (!pool) invalid('pool_id', 'reference', `number pool ${fields.pool_id} does not exist`, fields.pool_id);
    } else {
      // With a single pool the website need not name it.
      const all = await pools.find({ account_id: accountId }).limit(2).toArray();
      if (all.length !== 1) invalid('pool_id', 'required', all.length ? 'the account has several number pools: name one' : 'the account has no number pool');
      pool = all[0]!;
    }
    const ttl = Number(fields.ttl_s ?? pool.session_ttl_s ?? DEFAULT_SESSION_TTL_S);
    const now = new Date();
    const until = new Date(now.getTime() + ttl * 1000);
    const id = newId();
    const assigned = await assignNumber(dbOf(s), accountId, pool._id, id, until, now);
    if (!assigned) invalid('pool_id', 'empty', `number pool ${pool._id} has no numbers`, pool._id);
    if (assigned.previousSession) await markReassigned(dbOf(s), accountId, assigned.previousSession, now);
    const landingParams = (fields.landing_params as Record<string, string> | undefined) ?? queryParams(fields.landing_page as string | undefined);
    const active = (fields.active_page as string | undefined) ?? (fields.landing_page as string | undefined);
    const doc: StoredDoc = {
      ...fields,
      ...(Object.keys(landingParams).length ? { landing_params: landingParams } : {}),
      ...(active ? { active_page: active, pages: [{ page: active, at: now.toISOString() }] } : {}),
      pool_id: pool._id,
      number: assigned.number,
      reused_number: assigned.reused,
      ttl_s: ttl,
      created_at: now,
      expires_at: until,
      calls: [],
      _id: id,
      account_id: accountId,
      pvt_type: 'visitor_session',
      pvt_created: gregorianNow(),
      pvt_modified: gregorianNow(),
      pvt_rev: nextRevision(),
    };
    await col().insertOne(doc);
    send(ctx, 201, await showSession(s, doc, now), { revision: doc.pvt_rev });
  };
  router.put(base, s.auth, s.access, create);
  router.post(base, s.auth, s.access, create);

  router.get(base, s.auth, s.access, async (ctx) => {
    const filter: Record<string, unknown> = { account_id: accountOf(ctx) };
    if (ctx.query.active === 'true') filter.expires_at = { $gt: new Date() };
    if (typeof ctx.query.pool_id === 'string') filter.pool_id = ctx.query.pool_id;
    const docs = await col().find(filter as never).sort({ created_at: -1 }).limit(1000).toArray();
    const now = new Date();
    send(ctx, 200, await Promise.all(docs.map((d) => showSession(s, d, now))), { page_size: docs.length });
  });

  router.get(`${base}/:id`, s.auth, s.access, async (ctx) => {
    const doc = await loadOwn(s, ctx, VISITOR_SESSIONS);
    send(ctx, 200, await showSession(s, doc), { revision: doc.pvt_rev });
  });

  router.post(`${base}/:id`, s.auth, s.access, async (ctx) => {
    const { data } = await readEnvelope(ctx.req);
    check(sessionUpdateSchema, data);
    const current = await loadOwn(s, ctx, VISITOR_SESSIONS);
    const now = new Date();
    const set: Record<string, unknown> = { updated_at: now, pvt_modified: gregorianNow(), pvt_rev: nextRevision(current.pvt_rev) };
    const update: Record<string, unknown> = { $set: set };
    if (typeof data.active_page === 'string') {
      set.active_page = data.active_page;
      update.$push = { pages: { page: data.active_page, at: now.toISOString() } };
    }
    if (Array.isArray(data.tags)) set.tags = addTags({ tags: current.tags }, data.tags as string[]);
    if (data.extend !== false) {
      const ttl = Number(data.ttl_s ?? current.ttl_s ?? DEFAULT_SESSION_TTL_S);
      const until = new Date(now.getTime() + ttl * 1000);
      // Only while the session still holds its number: once another visitor has it, the window is over.
      if (await extendHold(dbOf(s), current.account_id, String(current.pool_id), String(current.number), current._id, until)) set.expires_at = until;
    }
    const doc = await col().findOneAndUpdate({ _id: current._id, account_id: current.account_id }, update, { returnDocument: 'after' });
    if (!doc) throw new NotFoundError();
    send(ctx, 200, await showSession(s, doc, now), { revision: doc.pvt_rev });
  });
}

/** Seconds from year 0 (Kazoo's timestamps) to the Unix epoch. */
const GREGORIAN_OFFSET_S = 62_167_219_200;

/** `from`/`to`: ISO 8601, or seconds (Gregorian as Kazoo's, or Unix: the two ranges do not overlap). */
export function parseInstant(name: string, raw: unknown): Date | undefined {
  if (raw === undefined) return undefined;
  const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  if (typeof value !== 'string' || value === '') invalid(name, 'format', 'must be an ISO 8601 date or seconds', value);
  let date: Date;
  if (/^\d{1,13}$/.test(value)) {
    const n = Number(value);
    date = new Date((n >= GREGORIAN_OFFSET_S ? n - GREGORIAN_OFFSET_S : n) * 1000);
  } else {
    date = new Date(value);
  }
  if (Number.isNaN(date.getTime())) invalid(name, 'format', 'must be an ISO 8601 date or seconds', value);
  return date;
}

export function registerTrackingRoutes(router: ApiRouter, s: ApiServices): void {
  registerNumberCollection(router, s, TRACKING_NUMBERS);
  registerNumberCollection(router, s, NUMBER_POOLS);
  registerVisitorSessions(router, s);

  router.post('/accounts/:account_id/calls/:id/tags', s.auth, s.access, async (ctx) => {
    const { data } = await readEnvelope(ctx.req);
    check(tagsBodySchema, data);
    const add = (data.tags as string[] | undefined) ?? [];
    const remove = (data.remove as string[] | undefined) ?? [];
    if (!add.length && !remove.length) invalid('tags', 'required', 'give tags to add (or remove)');
    const accountId = accountOf(ctx);
    const id = idParam(ctx);
    const attributes = liveCall(accountId, id);
    let result: string[];
    if (attributes) {
      if (remove.length) removeTags(attributes, remove);
      result = addTags(attributes, add);
    } else {
      const calls = dbOf(s).collection<StoredDoc>('calls');
      const rec = await calls.findOne({ _id: id, account_id: accountId }, { projection: { 'attributes.tags': 1 } });
      if (!rec) throw new NotFoundError();
      const attrs = { tags: (rec.attributes as { tags?: unknown } | undefined)?.tags };
      if (remove.length) removeTags(attrs, remove);
      result = addTags(attrs, add);
      await calls.updateOne({ _id: id, account_id: accountId }, { $set: { 'attributes.tags': result } });
    }
    send(ctx, 200, { id, live: !!attributes, tags: result });
  });

  router.get('/accounts/:account_id/callflows/:id/stats', s.auth, s.access, async (ctx) => {
    const to = parseInstant('to', ctx.query.to) ?? new Date();
    const from = parseInstant('from', ctx.query.from) ?? new Date(to.getTime() - 30 * 86_400_000);
    if (from > to) throw new BadRequestError('validation error', { to: { minimum: { message: 'must not be before from', value: ctx.query.to } } });
    const callflow = await requireDocs(ctx).get('callflows', idParam(ctx), { fresh: true });
    if (!callflow) throw new NotFoundError();
    send(ctx, 200, await callflowStats(dbOf(s), accountOf(ctx), callflow, from, to));
  });
}

