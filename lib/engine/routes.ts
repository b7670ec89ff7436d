// Hot routing data, cached per account: the RouteTable of its callflows and the callflow documents
// themselves. The API invalidates an account on every callflow change; a TTL covers other processes.
import type { Db } from 'mongodb';
import { RouteTable } from './matcher.ts';
import type { CallflowNode } from './module.ts';
import { withCompiledSteps } from '../steps/compile.ts';

export interface StoredCallflow {
  _id: string;
  account_id: string;
  name?: string;
  numbers?: string[];
  patterns?: string[];
  flow: CallflowNode;
  [field: string]: unknown;
}

interface Entry<T> {
  value: Promise<T>;
  expires: number;
}

export class RouteCache {
  private readonly tables = new Map<string, Entry<RouteTable>>();
  private readonly callflows = new Map<string, Entry<StoredCallflow | undefined>>();
  private readonly numberOwners = new Map<string, Entry<string | undefined>>();

  constructor(private readonly db: Db, private readonly ttlMs = 60_000) {}

  table(accountId: string): Promise<RouteTable> {
    return this.cached(this.tables, accountId, async () => {
      const docs = await this.db
        .collection<StoredCallflow>('callflows')
        .find({ account_id: accountId }, { projection: { _id: 1, numbers: 1, patterns: 1 } })
        .toArray();
      return new RouteTable(docs.map((d) => ({ callflowId: String(d._id), numbers: d.numbers ?? [], patterns: d.patterns ?? [] })));
    });
  }

  callflow(accountId: string, id: string): Promise<StoredCallflow | undefined> {
    return this.cached(this.callflows, `${accountId}/${id}`, async () => {
      const doc = await this.db.collection<StoredCallflow>('callflows').findOne({ _id: id, account_id: accountId });
      // A callflow written as `steps` (lib/steps) runs as the tree they compile to.
      return doc ? withCompiledSteps(doc) : undefined;
    });
  }

  /**
   * The account whose callflow holds `number` exactly, for inbound calls that name no account; undefined
   * when none or several do (the same extension in two accounts cannot route an unpinned inbound call).
   */
  accountForNumber(number: string): Promise<string | undefined> {
    return this.cached(this.numberOwners, number, async () => {
      const owners = await this.db
        .collection('callflows')
        .find({ numbers: number }, { projection: { account_id: 1 } })
        .limit(2)
        .toArray();
      return owners.length === 1 ? String(owners[0].account_id) : undefined;
    });
  }

  invalidate(accountId: string) {
    // A number may have moved between accounts: forget every owner, it is one query per number to refill.
    this.numberOwners.clear();
    this.tables.delete(accountId);
    for (const key of this.callflows.keys()) if (key.startsWith(`${accountId}/`)) this.callflows.delete(key);
  }

  private cached<T>(map: Map<string, Entry<T>>, key: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = map.get(key);
    if (hit && hit.expires > now) return hit.value;
    const value = load();
    map.set(key, { value, expires: now + this.ttlMs });
    // A failed load must not stay cached.
    value.catch(() => map.delete(key));
    return value;
  }
}
