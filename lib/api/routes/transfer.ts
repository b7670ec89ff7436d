// Moving an account's configuration in and out:
//   PUT /v2/accounts/{account_id}/import   a bundle of Kazoo documents (see bundle.ts), ids kept;
//       every document gets its own result (created / updated / failed with Crossbar-keyed errors),
//       one failure never stops the others. POST accepted too. Body limit 16 MiB.
//   GET /v2/accounts/{account_id}/export   the account's documents in the bundle shape, with ids and
//       without server-managed fields, so importing an export reproduces the same documents.
//       `?collections=callflows,users` limits it. Media audio is not in the bundle (JSON only).
import { readJson } from '../body.ts';
import { requireDocs, send, type ApiContext } from '../context.ts';
import { DOCUMENT_COLLECTIONS, isDocCollection, toApi, type DocCollection } from '../documents.ts';
import { BadRequestError, ConflictError } from '../errors.ts';
import { readBundle, type BundleEntry, type BundleProblem } from '../bundle.ts';
import { writerFor, type ApiRouter, type ApiServices } from '../services.ts';
import { ValidationError } from '../../validation/errors.ts';
import type { Warning } from '../writer.ts';

export const IMPORT_LIMIT = 16 * 1024 * 1024;
/** Rounds of re-validation when documents fail and others referred to them. */
const MAX_ROUNDS = 5;

interface ImportResult {
  at: string;
  collection: string;
  id: string;
  status: 'created' | 'updated' | 'failed';
  errors?: unknown;
  warnings?: Warning[];
}

function errorsOf(err: unknown): unknown {
  if (err instanceof ValidationError) return err.errors;
  if (err instanceof ConflictError) return { id: { conflict: { message: err.data.message } } };
  throw err;
}

export function registerTransferRoutes(router: ApiRouter, s: ApiServices): void {
  const importBundle = async (ctx: ApiContext) => {
    const body = await readJson(ctx.req, IMPORT_LIMIT);
    if (body === null || typeof body !== 'object' || Array.isArray(body) || !Object.hasOwn(body, 'data')) {
      throw new BadRequestError('validation error', { data: { required: { message: 'the bundle goes in "data"' } } });
    }
    const { entries, problems } = readBundle((body as { data: unknown }).data);
    const docs = requireDocs(ctx);
    const writer = writerFor(ctx, s);
    const results: Array<ImportResult | BundleProblem> = [...problems];

    // Validate everything first. References may point at other documents of the bundle; when one
    // fails, documents that referred to it are checked again (and fail with a dangling reference).
    const valid = new Map<string, BundleEntry>(entries.map((e) => [`${e.collection}/${e.id}`, e]));
    const known = (c: string, id: string) => valid.has(`${c}/${id}`);
    const failed = new Map<string, ImportResult>();
    for (let round = 0; round < MAX_ROUNDS; round++) {
      let changed = false;
      for (const [key, e] of [...valid]) {
        try {
          await writer.prepare(e.collection, e.doc, { alsoKnown: known });
        } catch (err) {
          failed.set(key, { at: e.at, collection: e.collection, id: e.id, status: 'failed', errors: errorsOf(err) });
          valid.delete(key);
          changed = true;
        }
      }
      if (!changed) break;
    }

    // Then write, collection by collection (the order of DOCUMENT_COLLECTIONS), each in bundle order.
    const order = new Map<string, number>(DOCUMENT_COLLECTIONS.map((c, i) => [c, i]));
    const toWrite = [...valid.values()].sort((a, b) => order.get(a.collection)! - order.get(b.collection)!);
    for (const e of toWrite) {
      const base = { at: e.at, collection: e.collection, id: e.id };
      try {
        const current = await docs.get(e.collection, e.id, { fresh: true });
        if (current) {
          const { warnings } = await writer.update(e.collection, current, e.doc, { alsoKnown: known });
          results.push({ ...base, status: 'updated', ...(warnings.length ? { warnings } : {}) });
        } else if (await docs.idTakenElsewhere(e.collection, e.id)) {
          results.push({ ...base, status: 'failed', errors: { id: { unique: { message: `the id ${e.id} is already used by a ${e.collection} document of another account`, value: e.id } } } });
        } else {
          const { warnings } = await writer.create(e.collection, e.doc, { id: e.id, alsoKnown: known });
          results.push({ ...base, status: 'created', ...(warnings.length ? { warnings } : {}) });
        }
      } catch (err) {
        results.push({ ...base, status: 'failed', errors: errorsOf(err) });
      }
    }
    results.push(...failed.values());
    const count = (st: string) => results.filter((r) => r.status === st).length;
    send(ctx, 200, { summary: { created: count('created'), updated: count('updated'), failed: count('failed') }, results });
  };
  router.put('/accounts/:account_id/import', s.auth, s.access, importBundle);
  router.post('/accounts/:account_id/import', s.auth, s.access, importBundle);

  router.get('/accounts/:account_id/export', s.auth, s.access, async (ctx) => {
    const wanted = typeof ctx.query.collections === 'string' ? ctx.query.collections.split(',').map((c) => c.trim()).filter(Boolean) : [...DOCUMENT_COLLECTIONS];
    const unknown = wanted.filter((c) => !isDocCollection(c));
    if (unknown.length) throw new BadRequestError('validation error', { collections: { enum: { message: `unknown collections: ${unknown.join(', ')}`, target: DOCUMENT_COLLECTIONS } } });
    const docs = requireDocs(ctx);
    const out: Record<string, unknown[]> = {};
    for (const c of wanted as DocCollection[]) {
      out[c] = (await docs.list(c, { limit: 0 })).map((d) => toApi(c, d));
    }
    send(ctx, 200, out);
  });
}
