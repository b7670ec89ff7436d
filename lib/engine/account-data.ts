// AccountData over MongoDB: every read and write a module makes is scoped to the call's account.
import type { Db } from 'mongodb';
import type { AccountData } from './module.ts';

export function accountData(db: Db, accountId: string): AccountData {
  return {
    async get(collection, id) {
      const doc = await db.collection(collection).findOne({ _id: id as never, account_id: accountId });
      return (doc ?? undefined) as never;
    },
    async find(collection, filter, limit = 1000) {
      return (await db.collection(collection).find({ ...filter, account_id: accountId }).limit(limit).toArray()) as never;
    },
    async update(collection, id, set) {
      const res = await db.collection(collection).updateOne({ _id: id as never, account_id: accountId }, { $set: set });
      return res.matchedCount === 1;
    },
  };
}
