// Received faxes, as Kazoo's Crossbar serves them (written by the receive_fax and faxbox callflow modules,
// lib/fax/receive.ts; the TIFF lives in the media folder, <mediaDir>/<account>/faxes/<id>.tiff):
//   GET    /v2/accounts/{account_id}/faxes/inbox                   received faxes, newest first
//          (`?faxbox_id=` / Kazoo's `?filter_faxbox_id=`, `?owner_id=` narrow the list)
//   GET    /v2/accounts/{account_id}/faxes/inbox/{fax_id}          one fax's metadata
//   GET    /v2/accounts/{account_id}/faxes/inbox/{fax_id}/attachment   the document (image/tiff)
//   DELETE /v2/accounts/{account_id}/faxes/inbox/{fax_id}          removes the fax and its document
// `incoming` is accepted for `inbox` (Kazoo's older name).
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { requireDocs, send, type ApiContext } from '../context.ts';
import { toApi, type StoredDoc } from '../documents.ts';
import { ApiError, NotFoundError } from '../errors.ts';
import type { ApiRouter, ApiServices } from '../services.ts';
import { DOC_ID } from '../services.ts';

const COLLECTION = 'faxes';
const LIST_LIMIT = 1000;

function summary(doc: StoredDoc): Record<string, unknown> {
  const rx = (doc.rx_result ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = { id: doc._id };
  for (const f of ['folder', 'faxbox_id', 'owner_id', 'from_name', 'from_number', 'to_number', 'timestamp', 'received_at', 'call_id']) {
    if (doc[f] !== undefined) out[f] = doc[f];
  }
  out.pages = rx.pages_transferred;
  return out;
}

async function faxOf(ctx: ApiContext): Promise<StoredDoc> {
  const id = ctx.params.fax_id;
  if (!id || !DOC_ID.test(id)) throw new NotFoundError();
  // Fresh: faxes are written by calls, outside the API's cache.
  const doc = await requireDocs(ctx).get(COLLECTION, id, { fresh: true });
  if (!doc || doc.folder !== 'inbox') throw new NotFoundError();
  return doc;
}

/** What GET shows of a fax: its fields without the server's storage path. */
function shown(doc: StoredDoc): Record<string, unknown> {
  const { file: _file, ...out } = toApi(COLLECTION, doc);
  return out;
}

function fileOf(s: ApiServices, doc: StoredDoc): string | undefined {
  if (typeof doc.file !== 'string' || typeof doc.pvt_media_ext !== 'string') return undefined;
  const full = path.resolve(s.mediaDir, `${doc.file}.${doc.pvt_media_ext}`);
  // Never outside the media folder, whatever a stored document says.
  return full.startsWith(path.resolve(s.mediaDir) + path.sep) ? full : undefined;
}

export function registerFaxRoutes(router: ApiRouter, s: ApiServices): void {
  for (const folder of ['inbox', 'incoming']) {
    const base = `/accounts/:account_id/faxes/${folder}`;

    router.get(base, s.auth, s.access, async (ctx) => {
      const filter: Record<string, unknown> = { folder: 'inbox' };
      const q = ctx.query;
      const faxbox = q.faxbox_id ?? q.filter_faxbox_id;
      if (typeof faxbox === 'string') filter.faxbox_id = faxbox;
      if (typeof q.owner_id === 'string') filter.owner_id = q.owner_id;
      const docs = await requireDocs(ctx).list(COLLECTION, { filter, limit: 0 });
      docs.sort((a, b) => Number(b.timestamp ?? 0) - Number(a.timestamp ?? 0) || (a._id < b._id ? 1 : -1));
      send(ctx, 200, docs.slice(0, LIST_LIMIT).map(summary));
    });

    router.get(`${base}/:fax_id`, s.auth, s.access, async (ctx) => {
      const doc = await faxOf(ctx);
      send(ctx, 200, shown(doc), { revision: doc.pvt_rev });
    });

    router.get(`${base}/:fax_id/attachment`, s.auth, s.access, async (ctx) => {
      const doc = await faxOf(ctx);
      const full = fileOf(s, doc);
      const info = full ? await stat(full).catch(() => undefined) : undefined;
      if (!full || !info) throw new ApiError(404, 'bad identifier', { message: 'the document of this fax is missing' });
      ctx.status = 200;
      ctx.type = typeof doc.pvt_content_type === 'string' ? doc.pvt_content_type : 'image/tiff';
      ctx.length = info.size;
      ctx.set('Content-Disposition', `attachment; filename="${doc._id}.${doc.pvt_media_ext}"`);
      ctx.body = createReadStream(full);
    });

    router.delete(`${base}/:fax_id`, s.auth, s.access, async (ctx) => {
      const doc = await faxOf(ctx);
      await requireDocs(ctx).remove(COLLECTION, doc._id);
      const full = fileOf(s, doc);
      if (full) await rm(full, { force: true });
      send(ctx, 200, shown(doc));
    });
  }
}
