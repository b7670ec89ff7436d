// Command dispatch, and the commands DocumentDB executes.
import type pg from 'pg';
import { BSON, Int32, Long } from 'bson';
import { bsonFromText, run, SQL, type Queryable, type Row, type Statement } from './backend.ts';
import type { Invocation, Reply, Services } from './context.ts';
import { CommandError, errors, fromBackendError, mongoCodeOfWriteError } from './errors.ts';
import { LOCAL_COMMANDS, lsidKey } from './local-commands.ts';
import { arrayElement, fieldNames, rewriteDocument } from './raw-bson.ts';

/** Where a command runs: the shared pool, or the connection pinned to its transaction. */
interface Target {
  inTransaction: boolean;
  query(statement: Statement, values: unknown[]): Promise<Row[]>;
  /**
   * A connection for a cursor's first page. `owned` is the pooled client the
   * cursor may keep (null in a transaction: the transaction owns it).
   */
  checkout(): Promise<{ client: Queryable; owned: pg.PoolClient | null; release(): void }>;
  /** Roll the transaction back after replying (no-op outside one). */
  fail(): void;
}

type BackendHandler = (inv: Invocation, t: Target, s: Services) => Promise<Reply>;

// Session, transaction and routing fields are the gateway's business; the
// SQL functions either reject them or have no use for them.
const STRIPPED_FIELDS = new Set([
  '$db',
  'lsid',
  'txnNumber',
  'autocommit',
  'startTransaction',
  '$clusterTime',
  '$readPreference',
  'readConcern',
  'writeConcern',
  'apiVersion',
  'apiStrict',
  'apiDeprecationErrors',
  'commitQuorum',
  'mayBypassWriteBlocking',
  '$audit',
  '$client',
]);

/** The command as DocumentDB should see it: stripped, with document sequences folded in as arrays. */
function forwardBody(inv: Invocation): Buffer {
  const extra: Buffer[] = [];
  for (const [name, docs] of inv.sequences) extra.push(arrayElement(name, docs));
  return rewriteDocument(inv.body, STRIPPED_FIELDS, extra);
}

function collectionName(inv: Invocation): string {
  const v = inv.cmd[inv.name];
  if (typeof v !== 'string' || v === '') {
    throw errors.badValue(`collection name for ${inv.name} must be a non-empty string`);
  }
  return v;
}

function toCursorId(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (v instanceof Long) return v.toBigInt();
  throw new CommandError(14, 'TypeMismatch', 'cursor id must be a 64-bit integer');
}

/** DocumentDB answers some commands with `ok: true` or without `ok`; drivers want a number. */
function normalized(raw: Buffer): Record<string, unknown> {
  const doc = BSON.deserialize(raw);
  const okValue = doc.ok;
  if (okValue === false || okValue === 0) {
    throw new CommandError(
      typeof doc.code === 'number' ? doc.code : 1,
      typeof doc.codeName === 'string' ? doc.codeName : 'InternalError',
      typeof doc.errmsg === 'string' ? doc.errmsg : 'command failed',
    );
  }
  return { ...doc, ok: 1 };
}

// Write errors that mean "another transaction got there first".
const CONFLICT_CODES = new Set([24, 112]);

/**
 * DocumentDB reports per-document failures in `writeErrors` with PostgreSQL
 * error numbers as codes. Everything else in the reply (upserted ids of any
 * BSON type) is kept as encoded.
 */
function writeReply(raw: Buffer, t: Target): Buffer {
  if (!fieldNames(raw).includes('writeErrors')) return raw;
  // Mongo aborts a transaction on a write error; PostgreSQL has kept the
  // writes that succeeded before it, so roll back to match.
  t.fail();
  // Unpromoted, so re-serializing keeps every value's BSON type.
  const doc = BSON.deserialize(raw, {
    promoteValues: false,
    promoteLongs: false,
    promoteBuffers: false,
    bsonRegExp: true,
  });
  for (const we of doc.writeErrors as Array<Record<string, unknown>>) {
    const mapped = mongoCodeOfWriteError(Number((we.code as { valueOf(): number }).valueOf()));
    // Conflicts with another transaction are not a property of the document:
    // Mongo reports them as a command error (labelled transient in a transaction).
    if (CONFLICT_CODES.has(mapped.code)) {
      throw fromBackendError(
        new CommandError(mapped.code, mapped.codeName ?? 'WriteConflict', String(we.errmsg)),
        t.inTransaction,
      );
    }
    we.code = new Int32(mapped.code);
    if (mapped.codeName) we.codeName = mapped.codeName;
  }
  return Buffer.from(BSON.serialize(doc));
}

const write =
  (statement: Statement): BackendHandler =>
  async (inv, t) => {
    const rows = await t.query(statement, [inv.db, forwardBody(inv)]);
    return writeReply(rows[0]!.r as Buffer, t);
  };

const single =
  (statement: Statement): BackendHandler =>
  async (inv, t) => {
    const rows = await t.query(statement, [inv.db, forwardBody(inv)]);
    return rows[0]!.r as Buffer;
  };

/** find / aggregate / listIndexes / listCollections: first page now, the rest by getMore. */
const cursorFirstPage =
  (statement: Statement): BackendHandler =>
  async (inv, t, s) => {
    const { client, owned, release } = await t.checkout();
    let kept = false;
    try {
      const row = (await run(client, statement, [inv.db, forwardBody(inv)]))[0]!;
      const id = BigInt(row.id as string);
      const cont = row.cont as Buffer | null;
      if (cont && id !== 0n) {
        kept = row.persist === true && owned !== null;
        s.cursors.add(id, inv.db, cont, kept ? owned : null);
      }
      return row.page as Buffer;
    } finally {
      if (!kept) release();
    }
  };

const getMore: BackendHandler = async (inv, t, s) => {
  const id = toCursorId(inv.cmd.getMore);
  const lease = s.cursors.lease(id);
  try {
    const values = [lease.db, forwardBody(inv), lease.continuation];
    const rows = lease.owned ? await run(lease.owned, SQL.getMore, values) : await t.query(SQL.getMore, values);
    const row = rows[0]!;
    lease.done((row.cont as Buffer | null) ?? null);
    return row.page as Buffer;
  } catch (err) {
    lease.fail(err instanceof Error ? err : undefined);
    throw err;
  }
};

const killCursors: BackendHandler = async (inv, _t, s) => {
  const list = inv.cmd.cursors;
  if (!Array.isArray(list)) throw errors.badValue('killCursors requires a cursors array');
  const { killed, notFound } = s.cursors.kill(list.map(toCursorId));
  if (killed.length) {
    // Removes spilled cursor files early; DocumentDB expires them anyway.
    void run(s.pool, SQL.deleteCursors, [killed.map(String)]).catch(() => undefined);
  }
  const longs = (ids: bigint[]) => ids.map((i) => Long.fromBigInt(i));
  return {
    cursorsKilled: longs(killed),
    cursorsNotFound: longs(notFound),
    cursorsAlive: [],
    cursorsUnknown: [],
    ok: 1,
  };
};

const createIndexes: BackendHandler = async (inv, t) => {
  const rows = await t.query(SQL.createIndexes, [inv.db, forwardBody(inv)]);
  const doc = BSON.deserialize(rows[0]!.r as Buffer);
  // Results come wrapped per shard; a single node has one.
  const shard = (doc.raw as Record<string, Record<string, unknown>> | undefined)?.defaultShard ?? doc;
  if (shard.ok === 0 || shard.ok === false) {
    throw new CommandError(
      typeof shard.code === 'number' ? shard.code : 67,
      typeof shard.codeName === 'string' ? shard.codeName : 'CannotCreateIndex',
      typeof shard.errmsg === 'string' ? shard.errmsg : 'index creation failed',
    );
  }
  return { ...shard, ok: 1 };
};

const dropIndexes: BackendHandler = async (inv, t) => {
  if (t.inTransaction) {
    throw new CommandError(263, 'OperationNotSupportedInTransaction', 'dropIndexes cannot run in a transaction');
  }
  const rows = await t.query(SQL.dropIndexes, [inv.db, forwardBody(inv)]);
  return normalized(bsonFromText(rows[0]!.retval));
};

const BACKEND_COMMANDS: Record<string, BackendHandler> = {
  insert: write(SQL.insert),
  update: write(SQL.update),
  delete: write(SQL.delete),
  findAndModify: single(SQL.findAndModify),
  findandmodify: single(SQL.findAndModify), // the legacy spelling some tools still send
  count: single(SQL.count),
  distinct: single(SQL.distinct),
  find: cursorFirstPage(SQL.find),
  aggregate: cursorFirstPage(SQL.aggregate),
  listIndexes: cursorFirstPage(SQL.listIndexes),
  listCollections: cursorFirstPage(SQL.listCollections),
  getMore,
  killCursors,
  createIndexes,
  dropIndexes,
  deleteIndexes: dropIndexes, // legacy alias
  create: async (inv, t) => {
    const rows = await t.query(SQL.create, [inv.db, forwardBody(inv)]);
    return normalized(rows[0]!.r as Buffer);
  },
  drop: async (inv, t) => {
    const coll = collectionName(inv);
    // Like MongoDB 7, dropping a missing collection is not an error.
    await t.query(SQL.drop, [inv.db, coll]);
    return { ns: `${inv.db}.${coll}`, ok: 1 };
  },
  dropDatabase: async (inv, t) => {
    await t.query(SQL.dropDatabase, [inv.db]);
    return { dropped: inv.db, ok: 1 };
  },
  collMod: async (inv, t) => {
    const rows = await t.query(SQL.collMod, [inv.db, collectionName(inv), forwardBody(inv)]);
    return normalized(rows[0]!.r as Buffer);
  },
  renameCollection: async (inv, t) => {
    const rows = await t.query(SQL.renameCollection, [forwardBody(inv)]);
    return normalized(rows[0]!.r as Buffer);
  },
  dbStats: async (inv, t) => {
    const rows = await t.query(SQL.dbStats, [inv.db, Number(inv.cmd.scale ?? 1)]);
    return rows[0]!.r as Buffer;
  },
  collStats: async (inv, t) => {
    const rows = await t.query(SQL.collStats, [inv.db, collectionName(inv), Number(inv.cmd.scale ?? 1)]);
    return rows[0]!.r as Buffer;
  },
  validate: single(SQL.validate),
  listDatabases: async (inv, t) => {
    const filter = inv.cmd.filter as Record<string, unknown> | undefined;
    const keys = filter ? Object.keys(filter) : [];
    if (keys.some((k) => k !== 'name') || (filter && typeof filter.name !== 'string')) {
      throw errors.badValue('the gateway supports listDatabases filters on an exact name only');
    }
    const rows = await t.query(SQL.listDatabases, []);
    const names = rows.map((r) => r.name as string).filter((n) => !filter || n === filter.name);
    const nameOnly = inv.cmd.nameOnly === true;
    return {
      databases: names.map((name) => (nameOnly ? { name } : { name, sizeOnDisk: 0, empty: false })),
      ...(nameOnly ? {} : { totalSize: 0, totalSizeMb: 0 }),
      ok: 1,
    };
  },
};

function poolTarget(pool: pg.Pool): Target {
  return {
    inTransaction: false,
    query: (statement, values) => run(pool, statement, values),
    checkout: async () => {
      const client = await pool.connect();
      return { client, owned: client, release: () => client.release() };
    },
    fail: () => undefined,
  };
}

function transactionTarget(client: pg.PoolClient, fail: () => void): Target {
  return {
    inTransaction: true,
    query: (statement, values) => run(client, statement, values),
    checkout: async () => ({ client, owned: null, release: () => undefined }),
    fail,
  };
}

/** Runs one command; never throws, failures become `ok: 0` replies. */
export async function dispatch(inv: Invocation, s: Services): Promise<Reply> {
  const inTransaction = inv.cmd.autocommit === false;
  try {
    if (inv.name === 'listCommands') {
      const names = [...Object.keys(LOCAL_COMMANDS), ...Object.keys(BACKEND_COMMANDS)];
      return { commands: Object.fromEntries(names.map((n) => [n, {}])), ok: 1 };
    }
    const local = LOCAL_COMMANDS[inv.name];
    if (local) return await local(inv, s);
    const handler = BACKEND_COMMANDS[inv.name];
    if (!handler) throw errors.commandNotFound(inv.name);
    if (!inTransaction) return await handler(inv, poolTarget(s.pool), s);

    const lsid = lsidKey(inv.cmd);
    const txnNumber = inv.cmd.txnNumber;
    if (!lsid || typeof txnNumber !== 'bigint') {
      throw errors.badValue('autocommit:false requires lsid and txnNumber');
    }
    return await s.txns.run(lsid, txnNumber, inv.cmd.startTransaction === true, inv.conn.id, (h) =>
      handler(inv, transactionTarget(h.client, h.fail), s),
    );
  } catch (err) {
    const mapped = fromBackendError(err, inTransaction);
    if (mapped.code === 1) s.log(`${inv.name} failed: ${(err as Error)?.stack ?? String(err)}`);
    return mapped.reply();
  }
}
