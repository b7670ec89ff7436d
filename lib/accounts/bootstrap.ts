// The master account, created at first start with the API key from ARIFLOW_MASTER_API_KEY.
//
// Changing the variable later: the key given by the variable is applied again only when the
// variable's value changes (its hash is remembered), so
//   - restarting with the same value never undoes a key re-created through PUT .../api_key;
//   - setting a new value and restarting replaces the master key: the recovery path for a lost key.
// Two instances starting together agree on one master account: a marker document with a fixed _id
// is inserted first (insertOne is atomic), the loser reads the winner's marker.
import type { Db } from 'mongodb';
import type { Logger } from '../log.ts';
import { AccountService, type AccountDoc } from './accounts.ts';
import { newId, sha256 } from './secrets.ts';

interface MasterMarker {
  _id: 'master_account';
  account_id: string;
  /** sha256 of the ARIFLOW_MASTER_API_KEY value last applied. */
  env_key_hash?: string;
}

export const SYSTEM_COLLECTION = 'system_settings';

export async function ensureMasterAccount(
  db: Db,
  opts: { masterApiKey?: string; name?: string; logger: Logger; accounts?: AccountService },
): Promise<AccountDoc> {
  const { masterApiKey, logger } = opts;
  const accounts = opts.accounts ?? new AccountService(db, { cacheTtlMs: 0 });
  const system = db.collection<MasterMarker>(SYSTEM_COLLECTION);
  let marker = await system.findOne({ _id: 'master_account' });
  if (!marker) {
    try {
      await system.insertOne({ _id: 'master_account', account_id: newId() });
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err; // another instance won the race
    }
    marker = (await system.findOne({ _id: 'master_account' }))!;
  }
  let master = await accounts.getFresh(marker.account_id);
  if (!master) {
    try {
      master = await accounts.create(null, { name: opts.name ?? 'master' }, { _id: marker.account_id, pvt_master: true });
      logger.info({ account_id: master._id }, 'master account created');
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      master = (await accounts.getFresh(marker.account_id))!;
    }
  }
  if (masterApiKey) {
    const envHash = sha256(masterApiKey);
    if (marker.env_key_hash !== envHash) {
      await accounts.setApiKey(master._id, masterApiKey);
      await system.updateOne({ _id: 'master_account' }, { $set: { env_key_hash: envHash } });
      logger.info({ account_id: master._id }, marker.env_key_hash ? 'master API key replaced from ARIFLOW_MASTER_API_KEY' : 'master API key set from ARIFLOW_MASTER_API_KEY');
    }
  } else if (!master.pvt_api_key_hash) {
    logger.warn({ account_id: master._id }, 'ARIFLOW_MASTER_API_KEY is not set and the master account has no API key: the API cannot be used');
  }
  return (await accounts.getFresh(master._id))!;
}
