// Hot routing data, cached per account: the RouteTable of its callflows and the callflow documents
// themselves. The API invalidates an account on every callflow change; a TTL covers other processes.
import type { Db } from 'mongodb';
import { RouteTable } from './matcher.ts';
import type { CallflowNode } from './module.ts';

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
      return doc ?? undefined;
    });
  }

  invalidate(accountId: string) {
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
