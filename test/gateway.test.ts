// Conformance of the MongoDB gateway (tools/mongo-gateway) with the official
// driver: what the application relies on must behave as on a real MongoDB.
// Needs MONGO_URL (set by the suite's global setup, or by hand).
import net from 'node:net';
import { expect } from 'chai';
import {
  Binary,
  BSON,
  Decimal128,
  Long,
  MongoBulkWriteError,
  MongoClient,
  MongoServerError,
  ObjectId,
  UUID,
  type CommandStartedEvent,
  type Db,
  type Document,
} from 'mongodb';

const MONGO_URL = process.env.MONGO_URL;

function gatewayAddress(url: string): { host: string; port: number } {
  const m = /^mongodb:\/\/(?:[^@/]*@)?([^/?,:]+)(?::(\d+))?/.exec(url);
  if (!m) throw new Error(`cannot read host:port from MONGO_URL ${url}`);
  return { host: m[1]!, port: Number(m[2] ?? 27017) };
}

function withOption(url: string, option: string): string {
  const [key] = option.split('=');
  const [base, query = ''] = url.split('?');
  const path = /^mongodb:\/\/[^/]+\//.test(base!) ? base! : `${base}/`;
  const kept = query.split('&').filter((p) => p && p.split('=')[0] !== key);
  return `${path}?${[...kept, option].join('&')}`;
}

/** Sends raw bytes; resolves with the first reply, or with what came before the socket closed or went quiet. */
function rawExchange(bytes: Buffer, quietMs = 500): Promise<{ closed: boolean; data: Buffer }> {
  const { host, port } = gatewayAddress(MONGO_URL!);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, host);
    let timer: NodeJS.Timeout | undefined;
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ closed, data: Buffer.concat(chunks) });
    };
    socket.on('connect', () => {
      socket.write(bytes);
      timer = setTimeout(() => finish(false), quietMs);
    });
    socket.on('data', (d) => {
      chunks.push(d);
      const got = Buffer.concat(chunks);
      if (got.length >= 4 && got.length >= got.readInt32LE(0)) finish(false); // one whole reply
    });
    socket.on('close', () => finish(true));
    socket.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? finish(true) : reject(e)));
  });
}

function opMsg(body: Buffer, requestId = 7): Buffer {
  const msg = Buffer.alloc(21 + body.length);
  msg.writeInt32LE(msg.length, 0);
  msg.writeInt32LE(requestId, 4);
  msg.writeInt32LE(2013, 12);
  body.copy(msg, 21);
  return msg;
}

/** A bare wire-protocol connection, for what the driver would never do (like vanishing mid-transaction). */
class RawConnection {
  private readonly socket: net.Socket;
  private buffered = Buffer.alloc(0);
  private waiting: ((reply: Document) => void) | null = null;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (d) => {
      this.buffered = Buffer.concat([this.buffered, d]);
      if (this.buffered.length >= 4 && this.buffered.length >= this.buffered.readInt32LE(0)) {
        const reply = replyBody(this.buffered.subarray(0, this.buffered.readInt32LE(0)));
        this.buffered = this.buffered.subarray(this.buffered.readInt32LE(0));
        this.waiting?.(reply);
      }
    });
  }

  static open(): Promise<RawConnection> {
    const { host, port } = gatewayAddress(MONGO_URL!);
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, host, () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  command(doc: Document): Promise<Document> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.socket.write(opMsg(Buffer.from(BSON.serialize(doc))));
    });
  }

  destroy(): void {
    this.socket.destroy();
  }
}

function replyBody(data: Buffer): Document {
  // OP_MSG reply: 16-byte header, 4-byte flags, section kind 0.
  return BSON.deserialize(data.subarray(21));
}

describe('mongo gateway (official driver against PostgreSQL + DocumentDB)', function () {
  this.timeout(30_000);

  const dbName = `gwtest_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  let client: MongoClient;
  let db: Db;
  const started: CommandStartedEvent[] = [];

  before(async () => {
    if (!MONGO_URL) throw new Error('MONGO_URL is not set: start the gateway (tools/mongo-gateway) and point MONGO_URL at it');
    client = new MongoClient(MONGO_URL, { monitorCommands: true, serverSelectionTimeoutMS: 5_000 });
    client.on('commandStarted', (e) => started.push(e));
    await client.connect();
    db = client.db(dbName);
  });

  after(async () => {
    if (!client) return;
    await db.dropDatabase().catch(() => undefined);
    const left = await client.db('admin').admin().listDatabases({ nameOnly: true });
    expect(left.databases.map((d) => d.name)).to.not.include(dbName);
    await client.close();
  });

  describe('handshake', () => {
    it('looks like a writable server with sessions and no topologyVersion', async () => {
      const hello = await client.db('admin').command({ hello: 1 });
      expect(hello.isWritablePrimary).to.equal(true);
      expect(hello.logicalSessionTimeoutMinutes).to.equal(30);
      expect(hello.maxWireVersion).to.equal(21);
      expect(hello).to.not.have.property('topologyVersion');
      expect(hello).to.not.have.property('compression');
      expect(await client.db('admin').command({ ping: 1 })).to.include({ ok: 1 });
    });

    it('answers the legacy OP_QUERY handshake with OP_REPLY, and only that', async () => {
      const opQuery = (ns: string, query: Document) => {
        const q = Buffer.from(BSON.serialize(query));
        const name = Buffer.from(`${ns}\0`);
        const msg = Buffer.alloc(16 + 4 + name.length + 8 + q.length);
        msg.writeInt32LE(msg.length, 0);
        msg.writeInt32LE(99, 4);
        msg.writeInt32LE(2004, 12);
        name.copy(msg, 20);
        msg.writeInt32LE(-1, 20 + name.length + 4); // numberToReturn
        q.copy(msg, 20 + name.length + 8);
        return msg;
      };
      const parseReply = (data: Buffer) => {
        expect(data.readInt32LE(12)).to.equal(1); // OP_REPLY
        expect(data.readInt32LE(8)).to.equal(99); // responseTo
        expect(data.readInt32LE(32)).to.equal(1); // numberReturned
        return BSON.deserialize(data.subarray(36));
      };
      const hello = parseReply((await rawExchange(opQuery('admin.$cmd', { isMaster: 1, helloOk: true }))).data);
      expect(hello).to.include({ ismaster: true, helloOk: true, maxWireVersion: 21, ok: 1 });
      const find = parseReply((await rawExchange(opQuery(`${dbName}.$cmd`, { find: 'x' }))).data);
      expect(find).to.include({ ok: 0, code: 352 });
    });

    it('answers unknown commands with CommandNotFound', async () => {
      const err = await db.command({ noSuchCommandHere: 1 }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(MongoServerError);
      expect((err as MongoServerError).code).to.equal(59);
    });
  });

  describe('documents and _id types', () => {
    it('stores and finds ObjectId, string and number _id', async () => {
      const c = db.collection('ids');
      const { insertedId } = await c.insertOne({ kind: 'oid' });
      expect(insertedId).to.be.instanceOf(ObjectId);
      await c.insertOne({ _id: 'alpha' as never, kind: 'string' });
      await c.insertOne({ _id: 42 as never, kind: 'number' });

      const byOid = await c.findOne({ _id: insertedId });
      expect(byOid?.kind).to.equal('oid');
      expect((byOid?._id as ObjectId).equals(insertedId)).to.equal(true);
      expect((await c.findOne({ _id: 'alpha' as never }))?.kind).to.equal('string');
      expect((await c.findOne({ _id: 42 as never }))?.kind).to.equal('number');
      expect(await c.findOne({ _id: '42' as never })).to.equal(null);

      const dup = await c.insertOne({ _id: 'alpha' as never }).catch((e: unknown) => e);
      expect((dup as MongoServerError).code).to.equal(11000);
    });

    it('keeps BSON types exactly (Long beyond 2^53, Decimal128, Date, Binary, nested)', async () => {
      const c = db.collection('types');
      const big = Long.fromString('9007199254740993');
      const when = new Date('2024-02-29T12:34:56.789Z');
      await c.insertOne({
        _id: 1 as never,
        big,
        dec: Decimal128.fromString('12345.6789'),
        when,
        bin: new Binary(Buffer.from([1, 2, 3]), 0),
        nested: { a: [1, { b: 'x' }] },
        dbl: 1.5,
      });
      const doc = await c.findOne({ _id: 1 as never }, { promoteLongs: false });
      expect((doc!.big as Long).toString()).to.equal('9007199254740993');
      expect(doc!.dec.toString()).to.equal('12345.6789');
      expect((doc!.when as Date).getTime()).to.equal(when.getTime());
      expect(Buffer.from((doc!.bin as Binary).buffer).equals(Buffer.from([1, 2, 3]))).to.equal(true);
      expect(doc!.nested).to.deep.equal({ a: [1, { b: 'x' }] });
      expect(doc!.dbl).to.equal(1.5);
      expect(await c.countDocuments({ big })).to.equal(1);
    });

    it('inserts large batches sent as document sequences', async () => {
      const c = db.collection('many');
      const docs = Array.from({ length: 5000 }, (_, i) => ({ i, pad: 'x'.repeat(100) }));
      const res = await c.insertMany(docs);
      expect(res.insertedCount).to.equal(5000);
      expect(await c.countDocuments()).to.equal(5000);
      expect(await c.countDocuments({ i: { $gte: 4990 } })).to.equal(10);
    });

    it('performs unacknowledged (w:0) writes', async () => {
      const c = db.collection('w0');
      const res = await c.insertOne({ fireAndForget: true }, { writeConcern: { w: 0 } });
      expect(res.acknowledged).to.equal(false);
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline && (await c.countDocuments({ fireAndForget: true })) === 0) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(await c.countDocuments({ fireAndForget: true })).to.equal(1);
    });
  });

  describe('queries', () => {
    before(async () => {
      await db.collection('people').insertMany([
        {
          _id: 1 as never,
          name: 'Ann',
          age: 31,
          tags: ['a', 'b'],
          addr: { city: 'Oslo', zip: '0150' },
          pets: [{ kind: 'cat', age: 3 }],
        },
        {
          _id: 2 as never,
          name: 'bob',
          age: 25,
          tags: ['b'],
          addr: { city: 'Bergen' },
          pets: [{ kind: 'dog', age: 9 }, { kind: 'cat', age: 1 }],
        },
        { _id: 3 as never, name: 'Cid', age: 47, tags: [], addr: { city: 'Oslo' } },
        { _id: 4 as never, name: 'Dee', age: 25, nick: null, addr: { city: 'Tromsø' }, pets: [] },
      ]);
    });
    const ids = async (filter: Document, sort: Document = { _id: 1 }) =>
      (await db.collection('people').find(filter).sort(sort).toArray()).map((d) => d._id as unknown as number);

    it('$in, $gt/$lte, $ne', async () => {
      expect(await ids({ age: { $in: [25, 47] } })).to.deep.equal([2, 3, 4]);
      expect(await ids({ age: { $gt: 25, $lte: 40 } })).to.deep.equal([1]);
      expect(await ids({ name: { $ne: 'Ann' } })).to.deep.equal([2, 3, 4]);
    });

    it('$regex with and without options', async () => {
      expect(await ids({ name: { $regex: '^[A-C]' } })).to.deep.equal([1, 3]);
      expect(await ids({ name: { $regex: '^b', $options: 'i' } })).to.deep.equal([2]);
      expect(await ids({ name: /^d/i })).to.deep.equal([4]);
    });

    it('$elemMatch, $exists, $or, dotted paths, array membership', async () => {
      expect(await ids({ pets: { $elemMatch: { kind: 'cat', age: { $lt: 2 } } } })).to.deep.equal([2]);
      expect(await ids({ 'pets.kind': 'cat' })).to.deep.equal([1, 2]);
      expect(await ids({ 'addr.zip': { $exists: true } })).to.deep.equal([1]);
      expect(await ids({ pets: { $exists: false } })).to.deep.equal([3]);
      expect(await ids({ nick: null })).to.deep.equal([1, 2, 3, 4]);
      expect(await ids({ nick: { $exists: true } })).to.deep.equal([4]);
      expect(await ids({ $or: [{ 'addr.city': 'Bergen' }, { age: { $gt: 40 } }] })).to.deep.equal([2, 3]);
      expect(await ids({ tags: 'b' })).to.deep.equal([1, 2]);
      expect(await ids({ tags: { $size: 0 } })).to.deep.equal([3]);
    });

    it('rejects an invalid query with a Mongo error code', async () => {
      const err = await db.collection('people').find({ $bogus: 1 }).toArray().catch((e: unknown) => e);
      expect(err).to.be.instanceOf(MongoServerError);
      expect((err as MongoServerError).code).to.equal(2);
      expect((err as MongoServerError).message).to.match(/\$bogus/);
    });

    it('projections: inclusion, exclusion, nested, _id suppression', async () => {
      const c = db.collection('people');
      expect(await c.findOne({ _id: 1 as never }, { projection: { name: 1 } })).to.deep.equal({ _id: 1, name: 'Ann' });
      expect(await c.findOne({ _id: 1 as never }, { projection: { _id: 0, 'addr.city': 1 } })).to.deep.equal({
        addr: { city: 'Oslo' },
      });
      const excl = await c.findOne({ _id: 1 as never }, { projection: { pets: 0, tags: 0, addr: 0 } });
      expect(excl).to.deep.equal({ _id: 1, name: 'Ann', age: 31 });
    });

    it('sort on several keys, skip and limit', async () => {
      const c = db.collection('people');
      // Binary string order, as in MongoDB without a collation: 'bob' > 'Dee'.
      const sorted = await c.find({}).sort({ age: 1, name: -1 }).toArray();
      expect(sorted.map((d) => d._id)).to.deep.equal([2, 4, 1, 3]);
      const page = await c.find({}).sort({ age: -1, _id: 1 }).skip(1).limit(2).toArray();
      expect(page.map((d) => d._id)).to.deep.equal([1, 2]);
      expect(await c.find({}).sort({ _id: 1 }).skip(3).toArray()).to.have.length(1);
    });

    it('countDocuments, estimatedDocumentCount and distinct', async () => {
      const c = db.collection('people');
      expect(await c.countDocuments({ age: 25 })).to.equal(2);
      expect(await c.countDocuments({}, { skip: 1, limit: 2 })).to.equal(2);
      expect(await c.estimatedDocumentCount()).to.equal(4);
      expect((await c.distinct('age')).sort()).to.deep.equal([25, 31, 47]);
      expect((await c.distinct('addr.city', { age: { $lt: 40 } })).sort()).to.deep.equal(['Bergen', 'Oslo', 'Tromsø']);
      expect((await c.distinct('tags')).sort()).to.deep.equal(['a', 'b']);
    });
  });

  describe('cursors', () => {
    before(async () => {
      await db.collection('seq').insertMany(Array.from({ length: 25 }, (_, i) => ({ _id: i as never, n: i, g: i % 3 })));
    });

    const getMores = () => started.filter((e) => e.commandName === 'getMore');

    for (const [label, sort] of [
      ['natural order', undefined],
      ['a sort', { n: -1 }],
    ] as const) {
      it(`pages through getMore with ${label}, cursor ids as Long`, async () => {
        const before = getMores().length;
        const cursor = db.collection('seq').find({}, { batchSize: 4, ...(sort ? { sort } : {}) });
        const docs = await cursor.toArray();
        expect(docs).to.have.length(25);
        expect(new Set(docs.map((d) => d._id)).size).to.equal(25);
        if (sort) expect(docs.map((d) => d.n)).to.deep.equal([...Array(25).keys()].reverse());
        const ours = getMores().slice(before);
        expect(ours.length).to.be.at.least(6);
        const id = ours[0]!.command.getMore as unknown;
        expect(id).to.be.instanceOf(Long);
        expect((id as Long).isZero()).to.equal(false);
      });
    }

    it('pages an aggregation through getMore', async () => {
      const before = getMores().length;
      const docs = await db
        .collection('seq')
        .aggregate([{ $match: { n: { $gte: 5 } } }, { $sort: { n: 1 } }], { batchSize: 3 })
        .toArray();
      expect(docs.map((d) => d.n)).to.deep.equal([...Array(20).keys()].map((i) => i + 5));
      expect(getMores().length - before).to.be.at.least(6);
    });

    it('kills a cursor: a later getMore on its id is CursorNotFound', async () => {
      const cursor = db.collection('seq').find({}, { batchSize: 2 });
      await cursor.next();
      const id = cursor.id!;
      expect(id).to.be.instanceOf(Long);
      expect(id.isZero()).to.equal(false);
      await cursor.close();
      expect(started.some((e) => e.commandName === 'killCursors')).to.equal(true);
      const err = await db.command({ getMore: id, collection: 'seq' }).catch((e: unknown) => e);
      expect((err as MongoServerError).code).to.equal(43);
    });

    it('answers getMore on an unknown cursor id with CursorNotFound', async () => {
      const err = await db.command({ getMore: Long.fromString('123456789012345'), collection: 'seq' }).catch((e: unknown) => e);
      expect((err as MongoServerError).code).to.equal(43);
    });
  });

  describe('updates', () => {
    it('$set, $unset, $inc, $push, $pull, $addToSet', async () => {
      interface Upd {
        _id: number;
        a?: number;
        b: string;
        list: number[];
        set: string[];
        sub: { n: number; m?: number };
      }
      const c = db.collection<Upd>('upd');
      await c.insertOne({ _id: 1, a: 1, b: 'x', list: [1, 2, 3], set: ['p'], sub: { n: 1 } });
      const r = await c.updateOne(
        { _id: 1 },
        { $set: { b: 'y', 'sub.m': 2 }, $unset: { a: '' }, $inc: { 'sub.n': 5 }, $push: { list: 4 } },
      );
      expect(r.matchedCount).to.equal(1);
      expect(r.modifiedCount).to.equal(1);
      await c.updateOne({ _id: 1 }, { $pull: { list: { $lt: 3 } }, $addToSet: { set: { $each: ['p', 'q'] } } });
      expect(await c.findOne({ _id: 1 })).to.deep.equal({
        _id: 1,
        b: 'y',
        list: [3, 4],
        set: ['p', 'q'],
        sub: { n: 6, m: 2 },
      });
      const none = await c.updateOne({ _id: 2 }, { $set: { b: 'z' } });
      expect(none.matchedCount).to.equal(0);
    });

    it('updateMany and upserts', async () => {
      const c = db.collection('ups');
      await c.insertMany([{ k: 1, v: 0 }, { k: 1, v: 0 }, { k: 2, v: 0 }]);
      const many = await c.updateMany({ k: 1 }, { $inc: { v: 1 } });
      expect(many.modifiedCount).to.equal(2);
      const up = await c.updateOne({ k: 3 }, { $set: { v: 9 }, $setOnInsert: { created: true } }, { upsert: true });
      expect(up.upsertedCount).to.equal(1);
      expect(up.upsertedId).to.be.instanceOf(ObjectId);
      expect(await c.findOne({ k: 3 }, { projection: { _id: 0 } })).to.deep.equal({ k: 3, v: 9, created: true });
      const again = await c.updateOne({ k: 3 }, { $set: { v: 10 } }, { upsert: true });
      expect(again.upsertedCount).to.equal(0);
      expect(again.modifiedCount).to.equal(1);
      const rep = await c.replaceOne({ _id: 'custom' as never }, { k: 4 }, { upsert: true });
      expect(rep.upsertedId).to.equal('custom');
      expect(await c.countDocuments()).to.equal(5);
    });

    it('reports an impossible update as a write error', async () => {
      const c = db.collection('upderr');
      await c.insertOne({ _id: 1 as never, a: 1 });
      const err = await c.updateOne({ _id: 1 as never }, { $set: { 'a.b': 1 } }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(MongoServerError);
      expect((err as MongoServerError).code).to.equal(28); // PathNotViable
    });

    it('findOneAndUpdate / findOneAndDelete / findOneAndReplace with returnDocument', async () => {
      const c = db.collection('fam');
      await c.insertMany([{ _id: 1 as never, n: 1 }, { _id: 2 as never, n: 2 }]);
      const beforeDoc = await c.findOneAndUpdate({ _id: 1 as never }, { $inc: { n: 10 } }, { returnDocument: 'before' });
      expect(beforeDoc).to.deep.equal({ _id: 1, n: 1 });
      const afterDoc = await c.findOneAndUpdate({ _id: 1 as never }, { $inc: { n: 10 } }, { returnDocument: 'after' });
      expect(afterDoc).to.deep.equal({ _id: 1, n: 21 });
      const upserted = await c.findOneAndUpdate({ _id: 3 as never }, { $set: { n: 3 } }, { upsert: true, returnDocument: 'after' });
      expect(upserted).to.deep.equal({ _id: 3, n: 3 });
      const replaced = await c.findOneAndReplace({ _id: 2 as never }, { m: 1 }, { returnDocument: 'after' });
      expect(replaced).to.deep.equal({ _id: 2, m: 1 });
      const deleted = await c.findOneAndDelete({ n: { $gt: 2 } }, { sort: { n: -1 } });
      expect(deleted).to.deep.equal({ _id: 1, n: 21 });
      expect(await c.findOneAndDelete({ _id: 99 as never })).to.equal(null);
      expect(await c.countDocuments()).to.equal(2);
    });

    it('deleteOne / deleteMany', async () => {
      const c = db.collection('del');
      await c.insertMany([{ k: 1 }, { k: 1 }, { k: 1 }, { k: 2 }]);
      expect((await c.deleteOne({ k: 1 })).deletedCount).to.equal(1);
      expect((await c.deleteMany({ k: 1 })).deletedCount).to.equal(2);
      expect(await c.countDocuments()).to.equal(1);
    });
  });

  describe('aggregation', () => {
    it('$group with accumulators and $lookup', async () => {
      const orders = db.collection('orders');
      const customers = db.collection('customers');
      await customers.insertMany([{ _id: 'c1' as never, name: 'Ann' }, { _id: 'c2' as never, name: 'Bob' }]);
      await orders.insertMany([
        { cust: 'c1', total: 10 },
        { cust: 'c1', total: 5 },
        { cust: 'c2', total: 7 },
      ]);
      const grouped = await orders
        .aggregate([
          { $group: { _id: '$cust', sum: { $sum: '$total' }, n: { $sum: 1 }, avg: { $avg: '$total' } } },
          { $sort: { _id: 1 } },
        ])
        .toArray();
      expect(grouped).to.deep.equal([
        { _id: 'c1', sum: 15, n: 2, avg: 7.5 },
        { _id: 'c2', sum: 7, n: 1, avg: 7 },
      ]);
      const joined = await customers
        .aggregate([
          { $lookup: { from: 'orders', localField: '_id', foreignField: 'cust', as: 'orders' } },
          { $project: { name: 1, count: { $size: '$orders' } } },
          { $sort: { _id: 1 } },
        ])
        .toArray();
      expect(joined).to.deep.equal([
        { _id: 'c1', name: 'Ann', count: 2 },
        { _id: 'c2', name: 'Bob', count: 1 },
      ]);
    });
  });

  describe('indexes', () => {
    it('unique index rejects a duplicate with code 11000', async () => {
      const c = db.collection('uniq');
      expect(await c.createIndex({ email: 1 }, { unique: true })).to.equal('email_1');
      await c.insertOne({ email: 'a@x' });
      const err = await c.insertOne({ email: 'a@x' }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(MongoServerError);
      expect((err as MongoServerError).code).to.equal(11000);
      expect(await c.countDocuments({ email: 'a@x' })).to.equal(1);
    });

    it('of concurrent inserts of one key exactly one succeeds', async () => {
      const c = db.collection('uniq');
      for (let round = 0; round < 3; round++) {
        const key = `race-${round}@x`;
        const results = await Promise.allSettled(Array.from({ length: 6 }, () => c.insertOne({ email: key })));
        const ok = results.filter((r) => r.status === 'fulfilled');
        const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(ok).to.have.length(1);
        expect(failed.map((f) => (f.reason as MongoServerError).code)).to.deep.equal(Array(5).fill(11000));
        expect(await c.countDocuments({ email: key })).to.equal(1);
      }
    });

    it('refuses to build a unique index over existing duplicates', async () => {
      const c = db.collection('uniqlate');
      await c.insertMany([{ k: 1 }, { k: 1 }]);
      const err = await c.createIndex({ k: 1 }, { unique: true }).catch((e: unknown) => e);
      expect((err as MongoServerError).code).to.equal(11000);
      expect((await c.indexes()).map((i) => i.name)).to.deep.equal(['_id_']);
    });

    it('compound unique index with partialFilterExpression', async () => {
      const c = db.collection('partial');
      await c.createIndex(
        { tenant: 1, name: 1 },
        { unique: true, name: 'tenant_name_active', partialFilterExpression: { active: { $eq: true } } },
      );
      await c.insertOne({ tenant: 't', name: 'n', active: true });
      await c.insertOne({ tenant: 't', name: 'n', active: false }); // outside the filter
      await c.insertOne({ tenant: 't', name: 'n' });
      await c.insertOne({ tenant: 'u', name: 'n', active: true }); // other tenant
      const err = await c.insertOne({ tenant: 't', name: 'n', active: true }).catch((e: unknown) => e);
      expect((err as MongoServerError).code).to.equal(11000);
      const idx = (await c.indexes()).find((i) => i.name === 'tenant_name_active');
      expect(idx?.unique).to.equal(true);
      expect(idx?.partialFilterExpression).to.deep.equal({ active: { $eq: true } });
    });

    it('listIndexes and dropIndex / dropIndexes', async () => {
      const c = db.collection('idx');
      await c.insertOne({ a: 1, b: 1 });
      await c.createIndexes([{ key: { a: 1 } }, { key: { b: -1 }, name: 'b_desc' }]);
      expect((await c.indexes()).map((i) => i.name).sort()).to.deep.equal(['_id_', 'a_1', 'b_desc']);
      await c.dropIndex('a_1');
      expect((await c.listIndexes().toArray()).map((i) => i.name).sort()).to.deep.equal(['_id_', 'b_desc']);
      const missing = await c.dropIndex('nope').catch((e: unknown) => e);
      expect((missing as MongoServerError).code).to.equal(27);
      await c.dropIndexes();
      expect((await c.indexes()).map((i) => i.name)).to.deep.equal(['_id_']);
    });
  });

  describe('bulkWrite', () => {
    it('mixes operations and reports counts', async () => {
      const c = db.collection('bulk');
      await c.insertMany([{ _id: 1 as never, v: 1 }, { _id: 2 as never, v: 2 }, { _id: 3 as never, v: 3 }]);
      const r = await c.bulkWrite([
        { insertOne: { document: { _id: 4 as never, v: 4 } } },
        { updateOne: { filter: { _id: 1 as never }, update: { $set: { v: 10 } } } },
        { updateMany: { filter: { v: { $lte: 3 } }, update: { $inc: { v: 100 } } } },
        { deleteOne: { filter: { _id: 3 as never } } },
        { replaceOne: { filter: { _id: 5 as never }, replacement: { v: 5 }, upsert: true } },
      ]);
      expect(r.insertedCount).to.equal(1);
      expect(r.matchedCount).to.equal(3);
      expect(r.modifiedCount).to.equal(3);
      expect(r.deletedCount).to.equal(1);
      expect(r.upsertedCount).to.equal(1);
      const all = await c.find({}).sort({ _id: 1 }).toArray();
      expect(all).to.deep.equal([
        { _id: 1, v: 10 },
        { _id: 2, v: 102 },
        { _id: 4, v: 4 },
        { _id: 5, v: 5 },
      ]);
    });

    it('stops an ordered bulk at a duplicate and reports it', async () => {
      const c = db.collection('bulkdup');
      const err = await c
        .bulkWrite([
          { insertOne: { document: { _id: 1 as never } } },
          { insertOne: { document: { _id: 1 as never } } },
          { insertOne: { document: { _id: 2 as never } } },
        ])
        .catch((e: unknown) => e);
      expect(err).to.be.instanceOf(MongoBulkWriteError);
      const bulk = err as MongoBulkWriteError;
      expect(bulk.code).to.equal(11000);
      expect(bulk.writeErrors).to.satisfy((w: unknown) => (Array.isArray(w) ? w.length === 1 : w !== undefined));
      expect(bulk.insertedCount).to.equal(1);
      expect(await c.countDocuments()).to.equal(1);

      const unordered = await c
        .insertMany([{ _id: 1 as never }, { _id: 3 as never }, { _id: 4 as never }], { ordered: false })
        .catch((e: unknown) => e);
      expect((unordered as MongoBulkWriteError).insertedCount).to.equal(2);
      expect(await c.countDocuments()).to.equal(3);
    });
  });

  describe('transactions', () => {
    let other: MongoClient;
    before(async () => {
      other = new MongoClient(MONGO_URL!);
      await other.connect();
      await db.collection('acct').insertMany([{ _id: 'a' as never, bal: 100 }, { _id: 'b' as never, bal: 0 }]);
      await db.collection('log').insertOne({ init: true });
    });
    after(async () => {
      await other?.close();
    });

    it('commits all writes of withTransaction together', async () => {
      const session = client.startSession();
      try {
        await session.withTransaction(async () => {
          const acct = db.collection('acct');
          await acct.updateOne({ _id: 'a' as never }, { $inc: { bal: -30 } }, { session });
          await acct.updateOne({ _id: 'b' as never }, { $inc: { bal: 30 } }, { session });
          await db.collection('log').insertOne({ moved: 30 }, { session });
        });
      } finally {
        await session.endSession();
      }
      expect((await db.collection('acct').find({}).sort({ _id: 1 }).toArray()).map((d) => d.bal)).to.deep.equal([70, 30]);
      expect(await db.collection('log').countDocuments({ moved: 30 })).to.equal(1);
    });

    it('hides uncommitted writes from other clients until commit, and reads its own writes', async () => {
      const session = client.startSession();
      try {
        session.startTransaction();
        await db.collection('log').insertOne({ pending: 1 }, { session });
        await db.collection('acct').updateOne({ _id: 'a' as never }, { $set: { flag: 'pending' } }, { session });
        expect(await db.collection('log').countDocuments({ pending: 1 }, { session })).to.equal(1);
        const otherDb = other.db(dbName);
        expect(await otherDb.collection('log').countDocuments({ pending: 1 })).to.equal(0);
        expect((await otherDb.collection('acct').findOne({ _id: 'a' as never }))?.flag).to.equal(undefined);
        await session.commitTransaction();
        expect(await otherDb.collection('log').countDocuments({ pending: 1 })).to.equal(1);
        expect((await otherDb.collection('acct').findOne({ _id: 'a' as never }))?.flag).to.equal('pending');
      } finally {
        await session.endSession();
      }
    });

    it('discards the writes of an aborted transaction', async () => {
      const session = client.startSession();
      try {
        session.startTransaction();
        await db.collection('log').insertOne({ aborted: 1 }, { session });
        await db.collection('acct').deleteOne({ _id: 'b' as never }, { session });
        expect(await db.collection('acct').countDocuments({}, { session })).to.equal(1);
        await session.abortTransaction();
      } finally {
        await session.endSession();
      }
      expect(await db.collection('log').countDocuments({ aborted: 1 })).to.equal(0);
      expect(await db.collection('acct').countDocuments()).to.equal(2);
    });

    it('rolls back when the callback of withTransaction throws', async () => {
      const session = client.startSession();
      const err = await session
        .withTransaction(async () => {
          await db.collection('log').insertOne({ thrown: 1 }, { session });
          throw new Error('boom');
        })
        .catch((e: unknown) => e)
        .finally(() => session.endSession());
      expect((err as Error).message).to.equal('boom');
      expect(await db.collection('log').countDocuments({ thrown: 1 })).to.equal(0);
    });

    it('reads from one snapshot', async () => {
      const session = client.startSession();
      try {
        session.startTransaction();
        expect((await db.collection('acct').findOne({ _id: 'b' as never }, { session }))?.bal).to.equal(30);
        await other.db(dbName).collection('acct').updateOne({ _id: 'b' as never }, { $set: { bal: 31 } });
        expect((await db.collection('acct').findOne({ _id: 'b' as never }, { session }))?.bal).to.equal(30);
        await session.commitTransaction();
      } finally {
        await session.endSession();
      }
      expect((await db.collection('acct').findOne({ _id: 'b' as never }))?.bal).to.equal(31);
    });

    it('fails a conflicting write with a transient WriteConflict', async () => {
      const s1 = client.startSession();
      const s2 = other.startSession();
      try {
        s1.startTransaction();
        s2.startTransaction();
        await db.collection('acct').updateOne({ _id: 'a' as never }, { $inc: { bal: 1 } }, { session: s1 });
        const err = await other
          .db(dbName)
          .collection('acct')
          .updateOne({ _id: 'a' as never }, { $inc: { bal: 1000 } }, { session: s2 })
          .catch((e: unknown) => e);
        expect(err).to.be.instanceOf(MongoServerError);
        expect((err as MongoServerError).code).to.equal(112);
        expect((err as MongoServerError).hasErrorLabel('TransientTransactionError')).to.equal(true);
        await s2.abortTransaction();
        await s1.commitTransaction();
      } finally {
        await s1.endSession();
        await s2.endSession();
      }
      expect((await db.collection('acct').findOne({ _id: 'a' as never }))?.bal).to.equal(71);
    });

    it('aborts on a duplicate key inside a transaction', async () => {
      const session = client.startSession();
      try {
        session.startTransaction();
        await db.collection('log').insertOne({ _id: 'dupintx' as never, first: true }, { session });
        const err = await db.collection('log').insertOne({ _id: 'dupintx' as never }, { session }).catch((e: unknown) => e);
        expect((err as MongoServerError).code).to.equal(11000);
        await session.abortTransaction().catch(() => undefined);
      } finally {
        await session.endSession();
      }
      expect(await db.collection('log').countDocuments({ _id: 'dupintx' as never })).to.equal(0);
    });

    it('works with directConnection=true', async () => {
      const direct = new MongoClient(withOption(MONGO_URL!, 'directConnection=true'));
      await direct.connect();
      const session = direct.startSession();
      try {
        await session.withTransaction(async () => {
          await direct.db(dbName).collection('log').insertOne({ direct: 1 }, { session });
        });
        session.startTransaction();
        await direct.db(dbName).collection('log').insertOne({ direct: 2 }, { session });
        await session.abortTransaction();
      } finally {
        await session.endSession();
        await direct.close();
      }
      expect(await db.collection('log').countDocuments({ direct: 1 })).to.equal(1);
      expect(await db.collection('log').countDocuments({ direct: 2 })).to.equal(0);
    });

    it('rolls back a transaction whose client closes, releasing its locks', async () => {
      const quitter = new MongoClient(MONGO_URL!);
      await quitter.connect();
      const session = quitter.startSession();
      session.startTransaction();
      await quitter.db(dbName).collection('acct').updateOne({ _id: 'b' as never }, { $set: { bal: -1 } }, { session });
      await quitter.db(dbName).collection('log').insertOne({ abandoned: 1 }, { session });
      await quitter.close(true);
      // Without the rollback this update would wait on the abandoned row lock.
      const res = await db
        .collection('acct')
        .updateOne({ _id: 'b' as never }, { $inc: { bal: 1 } }, { maxTimeMS: 5_000 });
      expect(res.modifiedCount).to.equal(1);
      expect((await db.collection('acct').findOne({ _id: 'b' as never }))?.bal).to.equal(32);
      expect(await db.collection('log').countDocuments({ abandoned: 1 })).to.equal(0);
    });

    it('rolls back a transaction whose connection drops without a word', async () => {
      const raw = await RawConnection.open();
      const txn = { lsid: { id: new UUID() }, txnNumber: Long.fromNumber(1), autocommit: false, $db: dbName };
      const upd = await raw.command({
        update: 'acct',
        updates: [{ q: { _id: 'b' }, u: { $set: { bal: -1 } } }],
        startTransaction: true,
        ...txn,
      });
      expect(upd).to.include({ ok: 1, nModified: 1 });
      expect(await raw.command({ insert: 'log', documents: [{ dropped: 1 }], ...txn })).to.include({ ok: 1, n: 1 });
      raw.destroy();
      const res = await db
        .collection('acct')
        .updateOne({ _id: 'b' as never }, { $inc: { bal: 1 } }, { maxTimeMS: 5_000 });
      expect(res.modifiedCount).to.equal(1);
      expect((await db.collection('acct').findOne({ _id: 'b' as never }))?.bal).to.equal(33);
      expect(await db.collection('log').countDocuments({ dropped: 1 })).to.equal(0);
    });

    it('rejects commands for a transaction it does not know', async () => {
      const err = await client
        .db('admin')
        .command({ commitTransaction: 1, lsid: { id: new UUID() }, txnNumber: Long.fromNumber(5), autocommit: false })
        .catch((e: unknown) => e);
      expect((err as MongoServerError).code).to.equal(251);
    });
  });

  describe('collections and databases', () => {
    it('create, listCollections, rename, drop', async () => {
      await db.createCollection('made');
      await db.collection('made').insertOne({ x: 1 });
      let names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
      expect(names).to.include('made');
      await db.collection('made').rename('renamed');
      names = (await db.listCollections().toArray()).map((c) => c.name);
      expect(names).to.include('renamed').and.not.include('made');
      expect(await db.collection('renamed').countDocuments()).to.equal(1);
      expect(await db.collection('renamed').drop()).to.equal(true);
      names = (await db.listCollections().toArray()).map((c) => c.name);
      expect(names).to.not.include('renamed');
      expect(await db.collection('renamed').countDocuments()).to.equal(0);
    });

    it('lists this database', async () => {
      const { databases } = await client.db('admin').admin().listDatabases();
      expect(databases.map((d) => d.name)).to.include(dbName);
    });
  });

  describe('robustness', () => {
    const alive = async () => {
      expect(await client.db('admin').command({ ping: 1 })).to.include({ ok: 1 });
      expect(await db.collection('seq').countDocuments()).to.equal(25);
    };

    it('closes a connection that sends an impossible message length', async () => {
      const bad = Buffer.alloc(16);
      bad.writeInt32LE(3, 0);
      expect((await rawExchange(bad)).closed).to.equal(true);
      const huge = Buffer.alloc(16);
      huge.writeInt32LE(1 << 30, 0);
      expect((await rawExchange(huge)).closed).to.equal(true);
      await alive();
    });

    it('closes a connection that sends an unknown opcode or broken sections', async () => {
      const unknownOp = Buffer.alloc(32);
      unknownOp.writeInt32LE(32, 0);
      unknownOp.writeInt32LE(9999, 12);
      expect((await rawExchange(unknownOp)).closed).to.equal(true);

      const brokenBody = opMsg(Buffer.from([0xff, 0, 0, 0, 1, 2, 3]));
      expect((await rawExchange(brokenBody)).closed).to.equal(true);

      const badSection = opMsg(Buffer.from(BSON.serialize({ ping: 1, $db: 'admin' })));
      badSection[20] = 9; // section kind 9 does not exist
      expect((await rawExchange(badSection)).closed).to.equal(true);
      await alive();
    });

    it('answers a structurally valid but meaningless command with an error', async () => {
      const res = await rawExchange(opMsg(Buffer.from(BSON.serialize({ ping: 1 })))); // no $db
      expect(res.closed).to.equal(false);
      const body = replyBody(res.data);
      expect(body.ok).to.equal(0);
      expect(body.errmsg).to.match(/\$db/);

      const wrongTypes = await rawExchange(opMsg(Buffer.from(BSON.serialize({ insert: 5, documents: 'x', $db: dbName }))));
      expect(wrongTypes.closed).to.equal(false);
      expect(replyBody(wrongTypes.data).ok).to.equal(0);
      await alive();
    });

    it('survives a client that disconnects in the middle of a message', async () => {
      const msg = opMsg(Buffer.from(BSON.serialize({ find: 'seq', filter: {}, $db: dbName })));
      const res = await rawExchange(msg.subarray(0, msg.length - 5), 200);
      expect(res.data.length).to.equal(0);
      await alive();
    });
  });
});
