// Uniqueness enforced by the database: a value that must be unique (a callflow number or pattern in
// an account, a SIP user name across all accounts) is "claimed" by inserting a document whose _id is
// the value; MongoDB's _id index lets exactly one of two concurrent inserts succeed.
//
// Why claim documents instead of a unique multikey index on `callflows.numbers`: such an index
// indexes an empty array as null, so two callflows without numbers would collide, and it cannot
// say "unique per account" for patterns stored as long regexes. Why no transaction: real MongoDB only
// has them on replica sets; this works on a standalone server too.
//
// Crash safety without a transaction — the write order keeps one invariant: a value listed in an
// owner document is always claimed by that owner.
//   create/update: 1. claim the new values  2. write the document  3. release values it no longer lists
//   delete:        1. delete the document   2. release its claims
// A crash between the steps can only leave a claim whose owner does not list the value. Such a
// claim is stale; it is taken over (deleted and claimed again) once it is older than `graceMs` and
// the owner document is confirmed not to list the value. The grace period protects a write that is
// between steps 1 and 2 right now.
import type { Collection, Db } from 'mongodb';
import { MongoBulkWriteError, MongoServerError } from 'mongodb';

const DUPLICATE_KEY = 11000;
const WRITE_CONFLICT = 112;

export interface ClaimDoc {
  _id: string;
  account_id: string;
  kind: string;
  value: string;
  /** The owner document's id (the field name is kept per collection, e.g. `callflow_id`). */
  [ownerField: string]: unknown;
  claimed_at: Date;
}

export interface ClaimSpec {
  /** Unique key (becomes _id). */
  key: string;
  kind: string;
  value: string;
}

export interface ClaimConflict {
  kind: string;
  value: string;
  holder: string;
}

export interface ClaimsOptions {
  collection: string;
  /** Field holding the owner id, e.g. `callflow_id`. */
  ownerField: string;
  /** Does the owner document still list this value? (checked before taking over an old claim) */
  ownerStillHolds(claim: ClaimDoc): Promise<boolean>;
  graceMs?: number;
}

export class Claims {
  private readonly col: Collection<ClaimDoc>;
  private readonly graceMs: number;

  constructor(
    db: Db,
    private readonly opts: ClaimsOptions,
  ) {
    this.col = db.collection<ClaimDoc>(opts.collection);
    this.graceMs = opts.graceMs ?? 30_000;
  }

  /**
   * Claims every value for `ownerId`. All or nothing: when some value is held by another owner,
   * the claims made by this call are released again and the conflicts are returned.
   */
  async acquire(accountId: string, ownerId: string, specs: readonly ClaimSpec[]): Promise<ClaimConflict[]> {
    const unique = [...new Map(specs.map((s) => [s.key, s])).values()];
    const inserted: string[] = [];
    let pending = unique;
    const conflicts: ClaimConflict[] = [];
    // Two rounds at most: the second one only retries keys whose stale claim was just removed.
    for (let round = 0; round < 2 && pending.length > 0; round++) {
      const failed = await this.insertAll(accountId, ownerId, pending, inserted);
      if (failed.length === 0) break;
      const existing = new Map((await this.col.find({ _id: { $in: failed.map((s) => s.key) } }).toArray()).map((c) => [c._id, c]));
      const retry: ClaimSpec[] = [];
      for (const spec of failed) {
        const claim = existing.get(spec.key);
        if (!claim) {
          retry.push(spec); // released meanwhile
          continue;
        }
        const holder = String(claim[this.opts.ownerField]);
        if (holder === ownerId && claim.account_id === accountId) continue; // already ours
        if (round === 0 && (await this.isStale(claim))) {
          await this.col.deleteOne({ _id: claim._id, [this.opts.ownerField]: claim[this.opts.ownerField], claimed_at: claim.claimed_at });
          retry.push(spec);
          continue;
        }
        conflicts.push({ kind: spec.kind, value: spec.value, holder });
      }
      pending = retry;
      if (round === 1) for (const spec of retry) conflicts.push({ kind: spec.kind, value: spec.value, holder: 'unknown' });
    }
    if (conflicts.length > 0 && inserted.length > 0) await this.releaseKeys(ownerId, inserted);
    return conflicts;
  }

  /** Releases the owner's claims except those in `keep` (keys). */
  async releaseExcept(accountId: string, ownerId: string, keep: readonly string[]): Promise<void> {
    await this.col.deleteMany({ account_id: accountId, [this.opts.ownerField]: ownerId, _id: { $nin: [...keep] } });
  }

  async releaseKeys(ownerId: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.col.deleteMany({ _id: { $in: [...keys] }, [this.opts.ownerField]: ownerId });
  }

  async releaseAccount(accountId: string): Promise<void> {
    await this.col.deleteMany({ account_id: accountId });
  }

  /** Inserts claims; returns the specs that hit an existing key. Successful keys are appended to `inserted`. */
  private async insertAll(accountId: string, ownerId: string, specs: readonly ClaimSpec[], inserted: string[]): Promise<ClaimSpec[]> {
    const now = new Date();
    const doc = (s: ClaimSpec): ClaimDoc => ({ _id: s.key, account_id: accountId, kind: s.kind, value: s.value, [this.opts.ownerField]: ownerId, claimed_at: now });
    const failed: ClaimSpec[] = [];
    const retry: ClaimSpec[] = [];
    try {
      await this.col.insertMany(specs.map(doc), { ordered: false });
      inserted.push(...specs.map((s) => s.key));
      return [];
    } catch (err) {
      if (err instanceof MongoBulkWriteError) {
        const byIndex = new Map<number, number | undefined>();
        for (const w of Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors]) byIndex.set(w.index, w.code);
        specs.forEach((s, i) => {
          const code = byIndex.get(i);
          if (!byIndex.has(i)) inserted.push(s.key);
          else if (code === DUPLICATE_KEY) failed.push(s);
          else if (code === WRITE_CONFLICT) retry.push(s);
          else throw err;
        });
      } else if (err instanceof MongoServerError && (err.code === DUPLICATE_KEY || err.code === WRITE_CONFLICT)) {
        // Which documents of the batch made it is unknown: settle them one by one.
        retry.push(...specs);
      } else {
        throw err;
      }
    }
    for (const s of retry) {
      const outcome = await this.insertOne(doc(s));
      if (outcome === 'inserted') inserted.push(s.key);
      else if (outcome === 'duplicate') failed.push(s);
    }
    return failed;
  }

  /**
   * One claim. A WriteConflict (112) — which some MongoDB-compatible servers answer instead of a
   * duplicate key when two inserts of one key race — is retried until the key is settled.
   */
  private async insertOne(d: ClaimDoc): Promise<'inserted' | 'duplicate'> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.col.insertOne(d);
        return 'inserted';
      } catch (err) {
        if (!(err instanceof MongoServerError)) throw err;
        if (err.code === DUPLICATE_KEY) {
          // Our own earlier attempt (a batch that failed as a whole) may have written it.
          const existing = await this.col.findOne({ _id: d._id });
          const ours = existing && existing[this.opts.ownerField] === d[this.opts.ownerField] && existing.account_id === d.account_id;
          return ours ? 'inserted' : 'duplicate';
        }
        if (err.code !== WRITE_CONFLICT || attempt >= 8) throw err;
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
      }
    }
  }

  private async isStale(claim: ClaimDoc): Promise<boolean> {
    if (Date.now() - new Date(claim.claimed_at).getTime() < this.graceMs) return false;
    return !(await this.opts.ownerStillHolds(claim));
  }
}
