// Import bundles: Kazoo documents with their ids, in either of two shapes —
//   {"data": {"callflows": [{...}, ...], "users": [...], ...}}           (what export returns)
//   {"data": [{"pvt_type": "callflow", "_id": "...", ...}, ...]}         (raw Kazoo documents)
// Each document is identified by `id` or `_id`; one without an id gets a new one.
import { DOCUMENT_COLLECTIONS, PVT_TYPE, isDocCollection, type DocCollection } from './documents.ts';
import { BadRequestError } from './errors.ts';
import { DOC_ID } from './services.ts';
import { newId } from '../accounts/secrets.ts';

export const MAX_BUNDLE_DOCUMENTS = 10_000;

export interface BundleEntry {
  collection: DocCollection;
  id: string;
  doc: Record<string, unknown>;
  /** Where it was in the bundle, for error reports (e.g. `callflows.3`, `12`). */
  at: string;
}

export interface BundleProblem {
  at: string;
  collection?: string;
  id?: string;
  status: 'failed';
  errors: Record<string, unknown>;
}

const TYPE_TO_COLLECTION = new Map<string, DocCollection>(DOCUMENT_COLLECTIONS.map((c) => [PVT_TYPE[c], c]));

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function problem(at: string, rule: string, message: string, extra: Partial<BundleProblem> = {}): BundleProblem {
  return { at, status: 'failed', ...extra, errors: { [extra.id ? 'id' : 'document']: { [rule]: { message } } } };
}

/** Splits a bundle into entries and per-document problems (never throws for one bad document). */
export function readBundle(data: unknown): { entries: BundleEntry[]; problems: BundleProblem[] } {
  const raw: Array<{ collection?: string; doc: unknown; at: string }> = [];
  if (Array.isArray(data)) {
    data.forEach((doc, i) => {
      const type = isObject(doc) && typeof doc.pvt_type === 'string' ? doc.pvt_type : undefined;
      raw.push({ collection: type ? TYPE_TO_COLLECTION.get(type) ?? `pvt_type:${type}` : undefined, doc, at: String(i) });
    });
  } else if (isObject(data)) {
    for (const [collection, docs] of Object.entries(data)) {
      if (!Array.isArray(docs)) {
        raw.push({ collection, doc: docs, at: collection });
        continue;
      }
      docs.forEach((doc, i) => raw.push({ collection, doc, at: `${collection}.${i}` }));
    }
  } else {
    throw new BadRequestError('validation error', { data: { type: { message: 'a bundle is an object of collections or an array of documents' } } });
  }
  if (raw.length > MAX_BUNDLE_DOCUMENTS) {
    throw new BadRequestError('validation error', { data: { maxItems: { message: `a bundle holds at most ${MAX_BUNDLE_DOCUMENTS} documents`, target: MAX_BUNDLE_DOCUMENTS } } });
  }
  const entries: BundleEntry[] = [];
  const problems: BundleProblem[] = [];
  const seen = new Set<string>();
  for (const { collection, doc, at } of raw) {
    if (!collection || !isDocCollection(collection)) {
      problems.push(problem(at, 'enum', collection ? `unknown collection ${JSON.stringify(collection)}` : 'a document in an array bundle needs a pvt_type', { collection }));
      continue;
    }
    if (!isObject(doc)) {
      problems.push(problem(at, 'type', 'a document must be an object', { collection }));
      continue;
    }
    const given = typeof doc.id === 'string' ? doc.id : typeof doc._id === 'string' ? doc._id : undefined;
    if (given !== undefined && !DOC_ID.test(given)) {
      problems.push(problem(at, 'pattern', 'ids are 1 to 128 letters, digits or _ . ~ : @ + -', { collection, id: given }));
      continue;
    }
    const id = given ?? newId();
    const key = `${collection}/${id}`;
    if (seen.has(key)) {
      problems.push(problem(at, 'unique', `the bundle holds ${collection} ${id} more than once`, { collection, id }));
      continue;
    }
    seen.add(key);
    entries.push({ collection, id, doc, at });
  }
  return { entries, problems };
}
