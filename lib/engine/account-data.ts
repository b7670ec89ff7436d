// AccountData over MongoDB: every read and write a module makes is scoped to the call's account.
import type { Db } from 'mongodb';
import { gregorianNow, nextRevision } from '../accounts/secrets.ts';
import type { AccountData } from './module.ts';
import { withCompiledSteps } from '../steps/compile.ts';

export function accountData(db: Db, accountId: string): AccountData {
  return {
    async get(collection, id) {
      // Account documents carry no account_id: a call may read its own account and no other.
      if (collection === 'accounts') {
        return (id === accountId ? ((await db.collection(collection).findOne({ _id: id as never })) ?? undefined) : undefined) as never;
      }
      const doc = await db.collection(collection).findOne({ _id: id as never, account_id: accountId });
      // Callflows written as `steps` (lib/steps) are read as the tree they compile to (callflow, hunts...).
      if (doc && collection === 'callflows') return withCompiledSteps(doc) as never;
      return (doc ?? undefined) as never;
    },
    async find(collection, filter, limit = 1000) {
      const docs = await db.collection(collection).find({ ...filter, account_id: accountId }).limit(limit).toArray();
      return (collection === 'callflows' ? docs.map((d) => withCompiledSteps(d)) : docs) as never;
    },
    async push(collection, id, field, item) {
      const res = await db
        .collection(collection)
        .updateOne({ _id: id as never, account_id: accountId }, { $push: { [field]: item }, $set: { pvt_modified: gregorianNow() } } as never);
      return res.matchedCount === 1;
    },
    async increment(collection, id, field, by = 1) {
      const filter = { _id: id as never, account_id: accountId };
      const update = { $inc: { [field]: by }, $setOnInsert: { account_id: accountId } } as never;
      // Two first callers may both try the insert: the loser's duplicate key (11000) retries as an update.
      for (let attempt = 0; ; attempt++) {
        try {
          const doc = await db.collection(collection).findOneAndUpdate(filter, update, { upsert: true, returnDocument: 'after' });
          return Number((doc as Record<string, unknown> | null)?.[field] ?? 0);
        } catch (err) {
          if ((err as { code?: number }).code !== 11000 || attempt > 0) throw err;
        }
      }
    },
    async insert(collection, id, doc) {
      const now = gregorianNow();
      await db.collection(collection).insertOne({ ...doc, _id: id as never, account_id: accountId, pvt_created: now, pvt_modified: now, pvt_rev: nextRevision() });
    },
    async update(collection, id, set, where = {}) {
      // An account document has no account_id: a call may update its own account (pivot's secret) only.
      if (collection === 'accounts' && id !== accountId) return false;
      const owner = collection === 'accounts' ? {} : { account_id: accountId };
      // `undefined` means "remove the field" (e.g. temporal_route's reset removes `enabled`).
      const $set: Record<string, unknown> = {};
      const $unset: Record<string, ''> = {};
      for (const [k, v] of Object.entries(set)) {
        if (v === undefined) $unset[k] = '';
        else $set[k] = v;
      }
      const ops: Record<string, unknown> = {};
      if (Object.keys($set).length) ops.$set = $set;
      if (Object.keys($unset).length) ops.$unset = $unset;
      if (!Object.keys(ops).length) return (await db.collection(collection).countDocuments({ ...where, _id: id as never, ...owner }, { limit: 1 })) === 1;
      const res = await db.collection(collection).updateOne({ ...where, _id: id as never, ...owner }, ops);
      return res.matchedCount === 1;
    },
  };
}
