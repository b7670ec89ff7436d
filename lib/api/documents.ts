// Account documents in MongoDB, always scoped to one account: every query built here carries
// `account_id`, so no route can read or change another account's documents by forgetting it.
// Also the one place that knows how a stored document differs from what the API shows:
//   stored  {_id, account_id, pvt_type, pvt_created, pvt_modified, pvt_rev, ...user fields}
//   shown   {...user fields, id}            (revision goes in the envelope)
import type { Db, Document, Filter } from 'mongodb';
import type { Collection as DocCollectionName } from '../validation/documents/index.ts';
import { TtlCache } from '../accounts/ttl-cache.ts';
import { gregorianNow, nextRevision } from '../accounts/secrets.ts';
import { hideSecrets } from './write-only.ts';

/** The collections of account documents served under /v2/accounts/{id}/ (accounts excluded). */
export const DOCUMENT_COLLECTIONS = [
  'callflows',
  'devices',
  'users',
  'groups',
  'menus',
  'temporal_rules',
  'temporal_rules_sets',
  'vmboxes',
  'media',
  'directories',
  'conferences',
  'resources',
  'faxboxes',
] as const satisfies readonly DocCollectionName[];

export type DocCollection = (typeof DOCUMENT_COLLECTIONS)[number];

export function isDocCollection(name: string): name is DocCollection {
  return (DOCUMENT_COLLECTIONS as readonly string[]).includes(name);
}

/** Kazoo's `pvt_type` of each collection's documents (also accepted in import bundles). */
export const PVT_TYPE: Readonly<Record<DocCollection, string>> = {
  callflows: 'callflow',
  devices: 'device',
  users: 'user',
  groups: 'group',
  menus: 'menu',
  temporal_rules: 'temporal_rule',
  temporal_rules_sets: 'temporal_rule_set',
  vmboxes: 'vmbox',
  media: 'media',
  directories: 'directory',
  conferences: 'conference',
  resources: 'resource',
  faxboxes: 'faxbox',
};

export interface StoredDoc {
  _id: string;
  account_id: string;
  pvt_type: string;
  pvt_created: number;
  pvt_modified: number;
  pvt_rev: string;
  [field: string]: unknown;
}

const COMMON_SERVER_FIELDS = new Set(['_id', 'id', '_rev', '_read_only', 'account_id', 'revision']);
/** Per-collection fields the server sets (media: the stored audio's path, read by lib/media/resolver.ts). */
const EXTRA_SERVER_FIELDS: Partial<Record<string, ReadonlySet<string>>> = {
  media: new Set(['file']),
  accounts: new Set(['parent_id', 'tree']),
};

/** Fields clients never set and exports never carry: ids, revisions, `pvt_*` and per-collection ones. */
export function isServerField(collection: string, key: string): boolean {
  return key.startsWith('pvt_') || COMMON_SERVER_FIELDS.has(key) || EXTRA_SERVER_FIELDS[collection]?.has(key) === true;
}

/** The client-visible fields of a document (a shallow copy; server fields dropped). */
export function userFields(collection: string, doc: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(doc)) {
    // defineProperty semantics via assignment are safe here: keys were checked by the body reader.
    if (!isServerField(collection, key)) out[key] = doc[key];
  }
  return out;
}

/** What GET shows: user fields plus `id`. */
export function toApi(collection: string, doc: StoredDoc | Record<string, unknown>): Record<string, unknown> {
  // Gateway passwords and webhook secrets are write-only (lib/api/write-only.ts keeps them across updates).
  return { ...hideSecrets(collection, userFields(collection, doc)), id: doc._id };
}

export interface ListOptions {
  filter?: Filter<Document>;
  /** Exclusive lower bound on `_id` (pagination). */
  startAfter?: string;
  limit: number;
  projection?: Document;
}

export interface Reference {
  collection: DocCollectionName;
  id: string;
  alternatives?: DocCollectionName[];
}

/** One per API instance: holds the read cache shared by every account scope. */
export class DocumentStore {
  private readonly cache: TtlCache<StoredDoc | null>;

  constructor(
    readonly db: Db,
    opts: { cacheTtlMs?: number } = {},
  ) {
    this.cache = new TtlCache(opts.cacheTtlMs ?? 2_000, 20_000);
  }

  scope(accountId: string): AccountDocuments {
    return new AccountDocuments(this.db, accountId, this.cache);
  }
}

export class AccountDocuments {
  constructor(
    private readonly db: Db,
    readonly accountId: string,
    private readonly cache: TtlCache<StoredDoc | null>,
  ) {}

  private col(collection: string) {
    return this.db.collection<StoredDoc>(collection);
  }

  /** Adds the account to a filter; every query of this class goes through here. */
  private scoped(filter: Record<string, unknown> = {}): Filter<StoredDoc> {
    return { ...filter, account_id: this.accountId } as Filter<StoredDoc>;
  }

  private key(collection: string, id: string) {
    return `${collection}/${this.accountId}/${id}`;
  }

  /** One document, or undefined (also when it belongs to another account). `fresh` skips the cache. */
  async get(collection: string, id: string, { fresh = false } = {}): Promise<StoredDoc | undefined> {
    const key = this.key(collection, id);
    if (!fresh) {
      const hit = this.cache.get(key);
      if (hit !== undefined) return hit ?? undefined;
    }
    const doc = await this.col(collection).findOne(this.scoped({ _id: id }));
    this.cache.set(key, doc);
    return doc ?? undefined;
  }

  async list(collection: string, { filter = {}, startAfter, limit, projection }: ListOptions): Promise<StoredDoc[]> {
    const f: Record<string, unknown> = { ...filter };
    if (startAfter !== undefined) f._id = { $gt: startAfter };
    const cursor = this.col(collection).find(this.scoped(f), projection ? { projection } : {}).sort({ _id: 1 });
    return (limit > 0 ? cursor.limit(limit) : cursor).toArray();
  }

  /**
   * Newest first by a date field (call records by `started_at`), ties broken by `_id` descending.
   * `before` is the (date, id) of the last item of the previous page: the page continues after it.
   */
  async listNewest(
    collection: string,
    { field, filter = {}, before, limit, projection }: { field: string; filter?: Filter<Document>; before?: { at: Date; id: string }; limit: number; projection?: Document },
  ): Promise<StoredDoc[]> {
    const and: Filter<Document>[] = [filter];
    if (before) and.push({ $or: [{ [field]: { $lt: before.at } }, { [field]: before.at, _id: { $lt: before.id as never } }] });
    const cursor = this.col(collection)
      .find(this.scoped({ $and: and }), projection ? { projection } : {})
      .sort({ [field]: -1, _id: -1 });
    return (limit > 0 ? cursor.limit(limit) : cursor).toArray();
  }

  async count(collection: string, filter: Filter<Document> = {}): Promise<number> {
    return this.col(collection).countDocuments(this.scoped(filter));
  }

  /** Inserts a new document with the given id and user fields; throws MongoServerError 11000 if the id exists. */
  async insert(collection: DocCollection, id: string, fields: Record<string, unknown>, serverFields: Record<string, unknown> = {}): Promise<StoredDoc> {
    const now = gregorianNow();
    const doc: StoredDoc = {
      ...fields,
      ...serverFields,
      _id: id,
      account_id: this.accountId,
      pvt_type: PVT_TYPE[collection],
      pvt_created: now,
      pvt_modified: now,
      pvt_rev: nextRevision(),
    };
    try {
      await this.col(collection).insertOne(doc);
    } finally {
      this.cache.delete(this.key(collection, id));
    }
    return doc;
  }

  /**
   * Replaces the user fields of `current` if its revision is unchanged; `pvt_*` and other server
   * fields are carried over (and `serverFields` set). Undefined when another write got there first.
   */
  async replace(collection: string, current: StoredDoc, fields: Record<string, unknown>, serverFields: Record<string, unknown> = {}): Promise<StoredDoc | undefined> {
    const kept: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(current)) if (k !== '_id' && isServerField(collection, k)) kept[k] = v;
    const next = { ...fields, ...kept, ...serverFields, pvt_modified: gregorianNow(), pvt_rev: nextRevision(current.pvt_rev) };
    try {
      const res = await this.col(collection).findOneAndReplace(this.scoped({ _id: current._id, pvt_rev: current.pvt_rev }), next, {
        returnDocument: 'after',
      });
      return res ?? undefined;
    } finally {
      this.cache.delete(this.key(collection, current._id));
    }
  }

  /** Sets server fields on a document (no revision check: used for server-owned state like media files). */
  async setServerFields(collection: string, id: string, set: Record<string, unknown>, unset: string[] = []): Promise<StoredDoc | undefined> {
    const update: Document = { $set: { ...set, pvt_modified: gregorianNow() } };
    if (unset.length) update.$unset = Object.fromEntries(unset.map((k) => [k, '']));
    try {
      return (await this.col(collection).findOneAndUpdate(this.scoped({ _id: id }), update, { returnDocument: 'after' })) ?? undefined;
    } finally {
      this.cache.delete(this.key(collection, id));
    }
  }

  /** Deletes a document (at `rev` when given); resolves to the deleted document. */
  async remove(collection: string, id: string, rev?: string): Promise<StoredDoc | undefined> {
    try {
      const filter: Record<string, unknown> = { _id: id };
      if (rev !== undefined) filter.pvt_rev = rev;
      return (await this.col(collection).findOneAndDelete(this.scoped(filter))) ?? undefined;
    } finally {
      this.cache.delete(this.key(collection, id));
    }
  }

  /** Deletes every document of the account in `collection` (account deletion). */
  async removeAll(collection: string): Promise<number> {
    this.cache.deletePrefix(`${collection}/${this.accountId}/`);
    return (await this.col(collection).deleteMany(this.scoped())).deletedCount;
  }

  /** Ids among `ids` that exist in `collection` for this account. */
  async existing(collection: string, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const docs = await this.col(collection)
      .find(this.scoped({ _id: { $in: [...new Set(ids)] } }), { projection: { _id: 1 } })
      .toArray();
    return new Set(docs.map((d) => String(d._id)));
  }

  /** The references (from lib/validation/references.ts) that resolve neither here nor in `alsoKnown`. */
  async missing<R extends Reference>(refs: readonly R[], alsoKnown?: (collection: string, id: string) => boolean): Promise<R[]> {
    const known = (r: R) => !!alsoKnown && [r.collection, ...(r.alternatives ?? [])].some((c) => alsoKnown(c, r.id));
    const open = refs.filter((r) => !known(r));
    const wanted = new Map<string, Set<string>>();
    for (const r of open) {
      for (const c of [r.collection, ...(r.alternatives ?? [])]) {
        if (!wanted.has(c)) wanted.set(c, new Set());
        wanted.get(c)!.add(r.id);
      }
    }
    const found = new Map<string, Set<string>>();
    await Promise.all(
      [...wanted].map(async ([c, ids]) => {
        found.set(c, c === 'accounts' ? new Set() : await this.existing(c, [...ids]));
      }),
    );
    return open.filter((r) => ![r.collection, ...(r.alternatives ?? [])].some((c) => found.get(c)?.has(r.id)));
  }

  /**
   * Whether `id` is used by a document of ANOTHER account. The only unscoped read: ids are global
   * per collection (MongoDB `_id`), so an import that reuses one must be refused, not merged.
   */
  async idTakenElsewhere(collection: string, id: string): Promise<boolean> {
    const doc = await this.col(collection).findOne({ _id: id }, { projection: { account_id: 1 } });
    return !!doc && doc.account_id !== this.accountId;
  }
}
