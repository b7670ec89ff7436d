// Claims against a scripted collection: the WriteConflict (112) some MongoDB-compatible servers
// answer when two inserts of one key race is retried until the key is settled, never a 5xx.
import { expect } from 'chai';
import { MongoServerError, type Db } from 'mongodb';
import { Claims, type ClaimDoc } from '../../lib/api/claims.ts';

function fakeDb(conflicts: number) {
  const docs = new Map<string, ClaimDoc>();
  let left = conflicts;
  const conflict = () => new MongoServerError({ message: 'WriteConflict', code: 112, errmsg: 'WriteConflict' } as never);
  const dup = () => new MongoServerError({ message: 'E11000', code: 11000, errmsg: 'E11000' } as never);
  const col = {
    async insertMany(list: ClaimDoc[]) {
      if (left-- > 0) throw conflict();
      for (const d of list) if (docs.has(d._id)) throw dup();
      for (const d of list) docs.set(d._id, d);
    },
    async insertOne(d: ClaimDoc) {
      if (left-- > 0) throw conflict();
      if (docs.has(d._id)) throw dup();
      docs.set(d._id, d);
    },
    async findOne(q: { _id: string }) {
      return docs.get(q._id) ?? null;
    },
    find(q: { _id: { $in: string[] } }) {
      return { toArray: async () => q._id.$in.map((k) => docs.get(k)).filter(Boolean) };
    },
    async deleteMany() {
      return { deletedCount: 0 };
    },
    async deleteOne() {
      return { deletedCount: 0 };
    },
  };
  return { db: { collection: () => col } as unknown as Db, docs };
}

describe('claims', () => {
  const opts = { collection: 'c', ownerField: 'callflow_id', ownerStillHolds: async () => true };

  it('retries write conflicts and then claims', async () => {
    const { db, docs } = fakeDb(3);
    const claims = new Claims(db, opts);
    const conflicts = await claims.acquire('acct', 'cf1', [
      { key: 'acct:n:1', kind: 'number', value: '1' },
      { key: 'acct:n:2', kind: 'number', value: '2' },
    ]);
    expect(conflicts).to.deep.equal([]);
    expect([...docs.keys()].sort()).to.deep.equal(['acct:n:1', 'acct:n:2']);
  });

  it('reports the holder when the key belongs to someone else, after conflicts', async () => {
    const { db, docs } = fakeDb(2);
    docs.set('acct:n:1', { _id: 'acct:n:1', account_id: 'acct', kind: 'number', value: '1', callflow_id: 'other', claimed_at: new Date() });
    const conflicts = await new Claims(db, opts).acquire('acct', 'cf1', [{ key: 'acct:n:1', kind: 'number', value: '1' }]);
    expect(conflicts).to.deep.equal([{ kind: 'number', value: '1', holder: 'other' }]);
  });
});
