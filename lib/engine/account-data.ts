// AccountData over MongoDB: every read and write a module makes is scoped to the call's account.
import type { Db } from 'mongodb';
import type { AccountData } from './module.ts';

export function accountData(db: Db, accountId: string): AccountData {
  return {
    async get(collection, id) {
      // Account documents carry no account_id: a call may read its own account and no other.
      if (collection === 'accounts') {
        return (id === accountId ? ((await db.collection(collection).findOne({ _id: id as never })) ?? undefined) : undefined) as never;
      }
      const doc = await db.collection(collection).findOne({ _id: id as never, account_id: accountId });
      return (doc ?? undefined) as never;
    },
    async find(collection, filter, limit = 1000) {
      return (await db.collection(collection).find({ ...filter, account_id: accountId }).limit(limit).toArray()) as never;
    },
    async update(collection, id, set) {
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
      if (!Object.keys(ops).length) return (await db.collection(collection).countDocuments({ _id: id as never, account_id: accountId }, { limit: 1 })) === 1;
      const res = await db.collection(collection).updateOne({ _id: id as never, account_id: accountId }, ops);
      return res.matchedCount === 1;
    },
  };
}
