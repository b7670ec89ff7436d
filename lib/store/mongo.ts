// MongoDB connection for the engine and the API: one client, explicit timeouts, collections and indexes
// created at start. Production points MONGO_URL at MongoDB; development at the local stack's gateway.
import { MongoClient, type Db, type IndexDescription } from 'mongodb';
import type { Logger } from '../log.ts';

export class DatabaseUnreachableError extends Error {
  constructor(readonly url: string, cause: string) {
    super(`MongoDB unreachable at ${url}: ${cause}`);
    this.name = 'DatabaseUnreachableError';
  }
}

/** Collections and their indexes. Every document belongs to an account, so most indexes lead with it. */
export const collectionIndexes: Record<string, IndexDescription[]> = {
  accounts: [{ key: { parent_id: 1 } }, { key: { tree: 1 } }, { key: { pvt_api_key_hash: 1 } }],
  auth_tokens: [{ key: { expires_at: 1 } }, { key: { account_id: 1 } }],
  callflows: [{ key: { account_id: 1, _id: 1 } }, { key: { numbers: 1 } }],
  callflow_numbers: [{ key: { account_id: 1, callflow_id: 1 } }],
  // SIP user names claimed by devices (_id = lower-cased name, unique across accounts): lib/api/claims.ts.
  sip_usernames: [{ key: { account_id: 1, device_id: 1 } }],
  devices: [{ key: { account_id: 1, _id: 1 } }, { key: { 'sip.username': 1 } }, { key: { account_id: 1, owner_id: 1 } }],
  users: [{ key: { account_id: 1, _id: 1 } }],
  groups: [{ key: { account_id: 1, _id: 1 } }],
  menus: [{ key: { account_id: 1, _id: 1 } }],
  temporal_rules: [{ key: { account_id: 1, _id: 1 } }],
  temporal_rules_sets: [{ key: { account_id: 1, _id: 1 } }],
  vmboxes: [{ key: { account_id: 1, _id: 1 } }],
  media: [{ key: { account_id: 1, _id: 1 } }],
  directories: [{ key: { account_id: 1, _id: 1 } }],
  conferences: [{ key: { account_id: 1, _id: 1 } }],
  resources: [{ key: { account_id: 1, _id: 1 } }],
  faxboxes: [{ key: { account_id: 1, _id: 1 } }],
  faxes: [{ key: { account_id: 1, _id: 1 } }],
  // responsive_route's first-time / repeat caller looks up the caller's earlier calls.
  calls: [{ key: { account_id: 1, started_at: -1 } }, { key: { account_id: 1, caller_id_number: 1, started_at: -1 } }],
  // Per-call attribution (lib/tracking/attribution.ts) looks up the dialled number.
  tracking_numbers: [{ key: { account_id: 1, number: 1 } }],
  number_pools: [{ key: { account_id: 1, _id: 1 } }],
  pool_numbers: [{ key: { account_id: 1, number: 1 } }],
  visitor_sessions: [{ key: { account_id: 1, pool_id: 1 } }],
};

export interface Store {
  client: MongoClient;
  db: Db;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Hide credentials when a URL is logged or put in an error. */
export function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password) u.password = 'xxxxx';
    return u.toString();
  } catch {
    return '(invalid url)';
  }
}

export interface OpenStoreOptions {
  url: string;
  /** Keep retrying the first connection for this long, then fail naming the database. */
  startupTimeoutMs: number;
  logger: Logger;
  dbName?: string;
}

export async function openStore({ url, startupTimeoutMs, logger, dbName }: OpenStoreOptions): Promise<Store> {
  const deadline = Date.now() + startupTimeoutMs;
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: Math.min(5_000, Math.max(500, startupTimeoutMs)),
    connectTimeoutMS: 5_000,
    maxPoolSize: 50,
  });
  let lastError = '';
  for (let attempt = 1; ; attempt++) {
    try {
      await client.connect();
      await client.db(dbName).command({ ping: 1 });
      break;
    } catch (err) {
      lastError = (err as Error).message;
      if (Date.now() >= deadline) {
        await client.close().catch(() => {});
        throw new DatabaseUnreachableError(redactUrl(url), lastError);
      }
      logger.warn({ attempt, url: redactUrl(url), err: lastError }, 'database not reachable yet, retrying');
      await new Promise((r) => setTimeout(r, Math.min(1_000 * attempt, 3_000, Math.max(0, deadline - Date.now()))));
    }
  }
  const db = client.db(dbName);
  await ensureIndexes(db);
  return {
    client,
    db,
    async ping() {
      try {
        await db.command({ ping: 1 }, { timeoutMS: 2_000 });
        return true;
      } catch {
        return false;
      }
    },
    close: () => client.close(),
  };
}

async function ensureIndexes(db: Db) {
  const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  for (const [name, indexes] of Object.entries(collectionIndexes)) {
    if (!existing.has(name)) await db.createCollection(name).catch(ignoreExists);
    if (indexes.length) await db.collection(name).createIndexes(indexes);
  }
}

function ignoreExists(err: { code?: number }) {
  if (err.code !== 48) throw err; // NamespaceExists: a concurrent start created it first
}
