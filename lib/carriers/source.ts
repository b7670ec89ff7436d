// Where a call's carriers come from (Kazoo: local resources in the account's database, global ones in the
// system's `offnet` database). Here global carriers are the `resources` documents of the master account;
// `hunt_account_id` may name the calling account itself or one of its ancestors (a reseller), never a
// sibling — Kazoo's resellers hunt their sub-accounts' calls over their own carriers.
import type { Db } from 'mongodb';
import type { Doc } from './select.ts';

export type CarrierScope = { kind: 'local'; huntAccountId?: string } | { kind: 'global' };

export type CarrierSource = (scope: CarrierScope) => Promise<Doc[]>;

const LIMIT = 500;

export function carrierSource(db: Db, accountId: string): CarrierSource {
  const resourcesOf = async (account: string) =>
    (await db.collection('resources').find({ account_id: account, pvt_deleted: { $ne: true } }).limit(LIMIT).toArray()) as Doc[];
  return async (scope) => {
    if (scope.kind === 'global') {
      const master = await db.collection('system_settings').findOne({ _id: 'master_account' as never });
      return master?.account_id ? resourcesOf(String(master.account_id)) : [];
    }
    const hunt = scope.huntAccountId;
    if (!hunt || hunt === accountId) return resourcesOf(accountId);
    const account = await db.collection('accounts').findOne({ _id: accountId as never }, { projection: { tree: 1 } });
    const tree = Array.isArray(account?.tree) ? account.tree.map(String) : [];
    return tree.includes(hunt) ? resourcesOf(hunt) : [];
  };
}
