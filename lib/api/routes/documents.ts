// The Crossbar verbs on every account document collection:
//   GET    /v2/accounts/{account_id}/{collection}        list (summaries, paginated, filtered)
//   PUT    /v2/accounts/{account_id}/{collection}        create (POST accepted too)
//   GET    /v2/accounts/{account_id}/{collection}/{id}   read
//   POST   /v2/accounts/{account_id}/{collection}/{id}   replace
//   PATCH  /v2/accounts/{account_id}/{collection}/{id}   merge (RFC 7396: null removes a key)
//   DELETE /v2/accounts/{account_id}/{collection}/{id}   delete
// Optimistic concurrency: a client that sends the revision it read (If-Match header, or `_rev` in
// data) gets 409 when the document changed since; one that does not simply overwrites.
import { readEnvelope } from '../body.ts';
import { requireDocs, send, type ApiContext } from '../context.ts';
import { DOCUMENT_COLLECTIONS, toApi, type DocCollection, type StoredDoc } from '../documents.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { filtersOf, pageOf, encodeStartKey, type Query } from '../query.ts';
import { summarise, summaryProjection } from '../summaries.ts';
import { DOC_ID, writerFor, type ApiRouter, type ApiServices } from '../services.ts';

/** The revision the client based its change on, if it said. */
export function expectedRevision(ctx: ApiContext, data: Record<string, unknown>): string | undefined {
  const header = ctx.get('if-match').trim();
  if (header && header !== '*') return header.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
  return typeof data._rev === 'string' ? data._rev : undefined;
}

export function checkRevision(current: StoredDoc, expected: string | undefined): void {
  if (expected !== undefined && expected !== current.pvt_rev) {
    throw new ConflictError('the document was changed since the revision you sent; fetch it again and retry', { revision: current.pvt_rev });
  }
}

/** RFC 7396 JSON merge patch. Keys were checked by the body reader (no __proto__ & co.). */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const base: Record<string, unknown> = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete base[k];
    else base[k] = mergePatch(base[k], v);
  }
  return base;
}

export async function loadDocument(ctx: ApiContext, collection: string, opts: { fresh?: boolean } = {}): Promise<StoredDoc> {
  const id = ctx.params.id;
  if (!id || !DOC_ID.test(id)) throw new NotFoundError();
  const doc = await requireDocs(ctx).get(collection, id, opts);
  if (!doc) throw new NotFoundError();
  return doc;
}

export function registerDocumentRoutes(router: ApiRouter, s: ApiServices): void {
  for (const collection of DOCUMENT_COLLECTIONS) registerCollection(router, s, collection);
}

function registerCollection(router: ApiRouter, s: ApiServices, collection: DocCollection): void {
  const base = `/accounts/:account_id/${collection}`;
  const item = `${base}/:id`;

  router.get(base, s.auth, s.access, async (ctx) => {
    const q = ctx.query as Query;
    const page = pageOf(q);
    const docs = await requireDocs(ctx).list(collection, {
      filter: filtersOf(q),
      startAfter: page.startAfter,
      limit: page.limit + 1,
      projection: summaryProjection(collection),
    });
    const more = docs.length > page.limit;
    const items = (more ? docs.slice(0, page.limit) : docs).map(summarise[collection]);
    send(ctx, 200, items, {
      page_size: items.length,
      ...(page.startKey ? { start_key: page.startKey } : {}),
      ...(more && page.paginated ? { next_start_key: encodeStartKey(String(items[items.length - 1].id)) } : {}),
    });
  });

  const create = async (ctx: ApiContext) => {
    const { data } = await readEnvelope(ctx.req);
    const { doc, warnings } = await writerFor(ctx, s).create(collection, data);
    send(ctx, 201, toApi(collection, doc), { revision: doc.pvt_rev, ...(warnings.length ? { warnings } : {}) });
  };
  router.put(base, s.auth, s.access, create);
  router.post(base, s.auth, s.access, create);

  router.get(item, s.auth, s.access, async (ctx) => {
    const doc = await loadDocument(ctx, collection);
    const inm = ctx.get('if-none-match').replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
    if (inm && inm === doc.pvt_rev) {
      ctx.status = 304;
      ctx.set('ETag', `"${doc.pvt_rev}"`);
      return;
    }
    send(ctx, 200, toApi(collection, doc), { revision: doc.pvt_rev });
  });

  router.post(item, s.auth, s.access, async (ctx) => {
    const { data } = await readEnvelope(ctx.req);
    const current = await loadDocument(ctx, collection, { fresh: true });
    checkRevision(current, expectedRevision(ctx, data));
    const { doc, warnings } = await writerFor(ctx, s).update(collection, current, data);
    send(ctx, 200, toApi(collection, doc), { revision: doc.pvt_rev, ...(warnings.length ? { warnings } : {}) });
  });

  router.patch(item, s.auth, s.access, async (ctx) => {
    const { data } = await readEnvelope(ctx.req);
    const current = await loadDocument(ctx, collection, { fresh: true });
    checkRevision(current, expectedRevision(ctx, data));
    const merged = mergePatch(toApi(collection, current), data) as Record<string, unknown>;
    const { doc, warnings } = await writerFor(ctx, s).update(collection, current, merged);
    send(ctx, 200, toApi(collection, doc), { revision: doc.pvt_rev, ...(warnings.length ? { warnings } : {}) });
  });

  router.delete(item, s.auth, s.access, async (ctx) => {
    const current = await loadDocument(ctx, collection, { fresh: true });
    checkRevision(current, expectedRevision(ctx, {}));
    const deleted = await writerFor(ctx, s).remove(collection, current);
    send(ctx, 200, { ...toApi(collection, deleted), _read_only: { deleted: true } });
  });
}
