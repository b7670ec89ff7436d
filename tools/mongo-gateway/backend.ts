// PostgreSQL side: connection pools and the DocumentDB calls the gateway makes.
import pg from 'pg';

export interface PgSettings {
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string;
}

export interface Statement {
  name: string;
  text: string;
}

export type Row = Record<string, unknown>;

/** Something that can run a statement: the pool, or a pinned client. */
export interface Queryable {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: Row[] }>;
}

// Named, so node-postgres prepares each once per connection. BSON travels as
// bytea both ways: node-postgres sends Buffers in binary and parses bytea
// results into Buffers, while DocumentDB's own text form is hex with a prefix.
const bson = (n: number) => `$${n}::bytea::documentdb_core.bson`;
const cursorCols =
  'cursorpage::bytea AS page, continuation::bytea AS cont, persistconnection AS persist, cursorid::text AS id';

function stmt(name: string, text: string): Statement {
  return { name: `gw_${name}`, text };
}

export const SQL = {
  insert: stmt('insert', `SELECT p_result::bytea AS r FROM documentdb_api.insert($1, ${bson(2)})`),
  update: stmt('update', `SELECT p_result::bytea AS r FROM documentdb_api.update($1, ${bson(2)})`),
  delete: stmt('delete', `SELECT p_result::bytea AS r FROM documentdb_api.delete($1, ${bson(2)})`),
  findAndModify: stmt(
    'find_and_modify',
    `SELECT p_result::bytea AS r FROM documentdb_api.find_and_modify($1, ${bson(2)})`,
  ),
  find: stmt('find', `SELECT ${cursorCols} FROM documentdb_api.find_cursor_first_page($1, ${bson(2)})`),
  aggregate: stmt(
    'aggregate',
    `SELECT ${cursorCols} FROM documentdb_api.aggregate_cursor_first_page($1, ${bson(2)})`,
  ),
  listIndexes: stmt(
    'list_indexes',
    `SELECT ${cursorCols} FROM documentdb_api.list_indexes_cursor_first_page($1, ${bson(2)})`,
  ),
  listCollections: stmt(
    'list_collections',
    `SELECT ${cursorCols} FROM documentdb_api.list_collections_cursor_first_page($1, ${bson(2)})`,
  ),
  getMore: stmt(
    'get_more',
    `SELECT cursorpage::bytea AS page, continuation::bytea AS cont FROM documentdb_api.cursor_get_more($1, ${bson(2)}, ${bson(3)})`,
  ),
  deleteCursors: stmt('delete_cursors', `SELECT documentdb_api_internal.delete_cursors($1::bigint[])`),
  count: stmt('count', `SELECT document::bytea AS r FROM documentdb_api.count_query($1, ${bson(2)})`),
  distinct: stmt('distinct', `SELECT document::bytea AS r FROM documentdb_api.distinct_query($1, ${bson(2)})`),
  // The background variant returns before a unique index is enforced; this
  // one builds it in the statement. The trailing `true` skips a check that
  // treats any call from inside a SQL function as "in a transaction".
  createIndexes: stmt(
    'create_indexes',
    `SELECT documentdb_api_internal.create_indexes_non_concurrently($1, ${bson(2)}, true)::bytea AS r`,
  ),
  // A procedure: its INOUT result comes back in DocumentDB's text form.
  dropIndexes: stmt('drop_indexes', `CALL documentdb_api.drop_indexes($1, ${bson(2)})`),
  create: stmt('create', `SELECT documentdb_api.create_collection_view($1, ${bson(2)})::bytea AS r`),
  drop: stmt('drop', `SELECT documentdb_api.drop_collection($1, $2) AS dropped`),
  dropDatabase: stmt('drop_database', `SELECT documentdb_api.drop_database($1)`),
  collMod: stmt('coll_mod', `SELECT documentdb_api.coll_mod($1, $2, ${bson(3)})::bytea AS r`),
  renameCollection: stmt('rename_collection', `SELECT documentdb_api.rename_collection(${bson(1)})::bytea AS r`),
  dbStats: stmt('db_stats', `SELECT documentdb_api.db_stats($1, $2)::bytea AS r`),
  collStats: stmt('coll_stats', `SELECT documentdb_api.coll_stats($1, $2, $3)::bytea AS r`),
  validate: stmt('validate', `SELECT documentdb_api.validate($1, ${bson(2)})::bytea AS r`),
  listDatabases: stmt(
    'list_databases',
    `SELECT DISTINCT database_name AS name FROM documentdb_api_catalog.collections ORDER BY 1`,
  ),
};

export function run(target: Queryable, statement: Statement, values: unknown[]): Promise<Row[]> {
  return target.query({ name: statement.name, text: statement.text, values }).then((r) => r.rows);
}

/** DocumentDB's text output for a bson value: 'BSONHEX' + hex bytes. */
export function bsonFromText(text: unknown): Buffer {
  if (typeof text !== 'string' || !text.startsWith('BSONHEX')) {
    throw new Error(`unexpected bson text from DocumentDB: ${String(text).slice(0, 40)}`);
  }
  return Buffer.from(text.slice(7), 'hex');
}

export interface PoolOptions {
  max: number;
  /**
   * false acknowledges a commit before its WAL reaches disk, which is what
   * MongoDB's default write concern (w:1 without j) does too, and doubles
   * single-write throughput. A crash can lose the last fraction of a second
   * of acknowledged writes, never corrupt data.
   */
  synchronousCommit: boolean;
}

export function createPool(settings: PgSettings, opts: PoolOptions, onError: (err: Error) => void): pg.Pool {
  const pool = new pg.Pool({
    host: settings.host,
    port: settings.port,
    database: settings.database,
    user: settings.user,
    password: settings.password,
    max: opts.max,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
    application_name: 'mongo-gateway',
    // Cursors that would otherwise be held open on one backend (sorted finds,
    // $group) are spilled to files, so any pooled connection can serve their
    // getMore and no connection stays reserved for an unfinished cursor.
    options: `-c documentdb.useFileBasedPersistedCursors=on -c synchronous_commit=${opts.synchronousCommit ? 'on' : 'off'}`,
  });
  // A backend dying while its client sits idle in the pool, or pinned to a
  // transaction between commands, is reported as an 'error' event; without a
  // listener node would treat it as an uncaught exception.
  pool.on('error', onError);
  pool.on('connect', (client) => client.on('error', onError));
  return pool;
}
