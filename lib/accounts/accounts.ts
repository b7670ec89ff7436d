// Accounts: a tree (master → resellers → customers). Each account document keeps its ancestors in
// `tree`, so "this account or one of its descendants" is a single indexed query and a token's reach
// is a membership test. Account documents also carry the account-wide call settings (caller_id,
// timezone, preflow…) the engine reads, as user fields at the top level like Kazoo's.
import type { Collection, Db } from 'mongodb';
import { TtlCache } from './ttl-cache.ts';
import { gregorianNow, newId, newSecret, nextRevision, sha256 } from './secrets.ts';

export interface AccountDoc {
  _id: string;
  name: string;
  parent_id: string | null;
  /** Ancestor ids, root first (empty for the master account). */
  tree: string[];
  pvt_type: 'account';
  pvt_created: number;
  pvt_modified: number;
  pvt_rev: string;
  pvt_master?: boolean;
  pvt_api_key_hash?: string;
  pvt_api_key_created?: number;
  [field: string]: unknown;
}

/** Fields of an account document that the server manages (never taken from, nor shown to, clients). */
export const ACCOUNT_SERVER_FIELDS = new Set(['parent_id', 'tree']);

export interface AccountServiceOptions {
  /** How long an account read is reused in-process (0: never). Writes here invalidate at once. */
  cacheTtlMs?: number;
}

export class AccountService {
  readonly col: Collection<AccountDoc>;
  private readonly cache: TtlCache<AccountDoc | null>;

  constructor(db: Db, opts: AccountServiceOptions = {}) {
    this.col = db.collection<AccountDoc>('accounts');
    this.cache = new TtlCache(opts.cacheTtlMs ?? 5_000);
  }

  async get(id: string): Promise<AccountDoc | undefined> {
    const cached = this.cache.get(id);
    if (cached !== undefined) return cached ?? undefined;
    const doc = await this.col.findOne({ _id: id });
    this.cache.set(id, doc);
    return doc ?? undefined;
  }

  /** A fresh read, bypassing the cache (before a conditional write). */
  async getFresh(id: string): Promise<AccountDoc | undefined> {
    return (await this.col.findOne({ _id: id })) ?? undefined;
  }

  invalidate(id: string): void {
    this.cache.delete(id);
  }

  /** true when `target` is `ancestorId` itself or one of its descendants. */
  static reaches(ancestorId: string, target: AccountDoc): boolean {
    return target._id === ancestorId || target.tree.includes(ancestorId);
  }

  async create(parent: AccountDoc | null, fields: Record<string, unknown>, extra: Partial<AccountDoc> = {}): Promise<AccountDoc> {
    const now = gregorianNow();
    const doc: AccountDoc = {
      ...fields,
      name: String(fields.name ?? ''),
      _id: extra._id ?? newId(),
      parent_id: parent?._id ?? null,
      tree: parent ? [...parent.tree, parent._id] : [],
      pvt_type: 'account',
      pvt_created: now,
      pvt_modified: now,
      pvt_rev: nextRevision(),
      ...extra,
    };
    await this.col.insertOne(doc);
    this.cache.delete(doc._id);
    return doc;
  }

  /**
   * Replaces the user fields of an account if its revision is still `expectedRev`; server fields
   * (tree, parent, keys) are kept. Resolves to undefined when the revision changed meanwhile.
   */
  async replaceFields(current: AccountDoc, fields: Record<string, unknown>): Promise<AccountDoc | undefined> {
    const kept: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(current)) if (k.startsWith('pvt_') || ACCOUNT_SERVER_FIELDS.has(k)) kept[k] = v;
    const next = { ...fields, ...kept, pvt_modified: gregorianNow(), pvt_rev: nextRevision(current.pvt_rev) } as AccountDoc;
    delete (next as { _id?: string })._id;
    const res = await this.col.findOneAndReplace({ _id: current._id, pvt_rev: current.pvt_rev }, next, { returnDocument: 'after' });
    this.cache.delete(current._id);
    return res ?? undefined;
  }

  async remove(id: string): Promise<boolean> {
    const res = await this.col.deleteOne({ _id: id });
    this.cache.delete(id);
    return res.deletedCount === 1;
  }

  async hasChildren(id: string): Promise<boolean> {
    return (await this.col.countDocuments({ parent_id: id }, { limit: 1 })) > 0;
  }

  /** Direct children (`descendants: false`) or the whole subtree below `id`, ordered by id. */
  async below(id: string, { descendants, startAfter, limit }: { descendants: boolean; startAfter?: string; limit: number }): Promise<AccountDoc[]> {
    const filter: Record<string, unknown> = descendants ? { tree: id } : { parent_id: id };
    if (startAfter) filter._id = { $gt: startAfter };
    return this.col.find(filter as never).sort({ _id: 1 }).limit(limit).toArray();
  }

  /** Makes a new API key for the account; only its hash is stored. Returns the key (shown once). */
  async regenerateApiKey(id: string): Promise<string> {
    const key = newSecret();
    await this.setApiKey(id, key);
    return key;
  }

  async setApiKey(id: string, key: string): Promise<void> {
    await this.col.updateOne({ _id: id }, { $set: { pvt_api_key_hash: sha256(key), pvt_api_key_created: gregorianNow() } });
    this.cache.delete(id);
  }

  async findByApiKey(key: string): Promise<AccountDoc | undefined> {
    if (!key) return undefined;
    return (await this.col.findOne({ pvt_api_key_hash: sha256(key) })) ?? undefined;
  }
}
