// Multi-document transactions: one PostgreSQL connection is pinned to a
// (session, txnNumber) from its `startTransaction` command until commit or
// abort, so the transaction gets PostgreSQL's isolation for real.
import type pg from 'pg';
import { CommandError, errors, fromBackendError, TRANSIENT_TRANSACTION_ERROR } from './errors.ts';

type State = 'starting' | 'active' | 'committed' | 'aborted';

interface Txn {
  lsid: string;
  txnNumber: bigint;
  state: State;
  client: pg.PoolClient | null;
  /** Sockets that have sent commands for it; when all are gone, so is the client. */
  sockets: Set<number>;
  lastUsed: number;
  busy: number;
  /** Serializes commands of one transaction even if they come on different sockets. */
  chain: Promise<unknown>;
  ready: Promise<void>;
}

export interface TransactionOptions {
  /** An active transaction idle this long is rolled back (like Mongo's transactionLifetimeLimitSeconds, 60). */
  idleTimeoutMs: number;
  /**
   * How long a write in a transaction waits for a row lock held by another
   * transaction before failing with WriteConflict. Mongo gives up after a few
   * milliseconds and the driver's withTransaction retries, so keep it short.
   */
  lockTimeoutMs: number;
}

/** What a command running inside a transaction gets. */
export interface TxnHandle {
  client: pg.PoolClient;
  /** Roll the transaction back when the command returns (Mongo aborts on write errors). */
  fail(): void;
}

const FINISHED_RETENTION_MS = 30 * 60_000;

// Read through a function so TypeScript does not narrow across awaits that change it.
const stateOf = (txn: Txn): State => txn.state;

export class Transactions {
  private readonly byLsid = new Map<string, Txn>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly pool: pg.Pool,
    private readonly opts: TransactionOptions,
    private readonly log: (line: string) => void,
  ) {
    this.sweeper = setInterval(() => this.sweep(), Math.min(5_000, opts.idleTimeoutMs)).unref();
  }

  /** Runs `fn` inside the transaction named by the command's session fields. */
  async run<T>(
    lsid: string,
    txnNumber: bigint,
    startTransaction: boolean,
    socketId: number,
    fn: (h: TxnHandle) => Promise<T>,
  ): Promise<T> {
    const txn = startTransaction ? this.begin(lsid, txnNumber) : this.lookup(lsid, txnNumber);
    txn.sockets.add(socketId);
    txn.busy++;
    txn.lastUsed = Date.now();
    const result = txn.chain.then(async () => {
      await txn.ready;
      if (txn.state !== 'active' || !txn.client) {
        throw errors.noSuchTransaction(`Transaction ${txnNumber} has been aborted.`);
      }
      let failed = false;
      try {
        const out = await fn({ client: txn.client, fail: () => (failed = true) });
        if (failed) await this.finish(txn, 'ROLLBACK');
        return out;
      } catch (err) {
        const mapped = fromBackendError(err, true);
        // PostgreSQL refuses everything after a failed statement, and Mongo
        // aborts a transaction on any error, so the two agree here.
        await this.finish(txn, 'ROLLBACK');
        throw mapped;
      }
    });
    txn.chain = result.catch(() => undefined);
    try {
      return await result;
    } finally {
      txn.busy--;
      txn.lastUsed = Date.now();
    }
  }

  async commit(lsid: string, txnNumber: bigint): Promise<void> {
    const txn = this.existing(lsid, txnNumber);
    await this.settle(txn);
    // Committed already: the driver retries commits whose reply it lost.
    if (stateOf(txn) === 'committed') return;
    if (stateOf(txn) !== 'active') throw errors.noSuchTransaction(`Transaction ${txnNumber} has been aborted.`);
    txn.busy++;
    try {
      await this.finish(txn, 'COMMIT');
    } finally {
      txn.busy--;
    }
    if (stateOf(txn) !== 'committed') {
      throw new CommandError(112, 'WriteConflict', `Transaction ${txnNumber} could not be committed`, [
        TRANSIENT_TRANSACTION_ERROR,
      ]);
    }
  }

  async abort(lsid: string, txnNumber: bigint): Promise<void> {
    const txn = this.existing(lsid, txnNumber);
    await this.settle(txn);
    if (stateOf(txn) === 'committed') {
      throw new CommandError(256, 'TransactionCommitted', `Transaction ${txnNumber} has been committed.`);
    }
    if (txn.state !== 'active') throw errors.noSuchTransaction(`Transaction ${txnNumber} has been aborted.`);
    await this.finish(txn, 'ROLLBACK');
  }

  /** A client socket went away: roll back what only that socket was using. */
  socketClosed(socketId: number): void {
    for (const txn of this.byLsid.values()) {
      if (!txn.sockets.delete(socketId) || txn.sockets.size > 0) continue;
      if (txn.state === 'active' || txn.state === 'starting') {
        this.log(`rolling back transaction ${txn.txnNumber} of a closed connection`);
        void this.settle(txn).then(() => this.finish(txn, 'ROLLBACK'));
      }
    }
  }

  endSessions(lsids: string[]): void {
    for (const lsid of lsids) {
      const txn = this.byLsid.get(lsid);
      if (!txn) continue;
      this.byLsid.delete(lsid);
      void this.settle(txn).then(() => this.finish(txn, 'ROLLBACK'));
    }
  }

  activeCount(): number {
    let n = 0;
    for (const t of this.byLsid.values()) if (t.state === 'active' || t.state === 'starting') n++;
    return n;
  }

  /**
   * Shutdown: drops every pinned connection at once rather than queueing a
   * ROLLBACK behind whatever it is running. PostgreSQL rolls back a
   * transaction whose connection closes.
   */
  close(): void {
    clearInterval(this.sweeper);
    const shutdown = new Error('gateway shutting down');
    for (const txn of this.byLsid.values()) {
      const client = txn.client;
      txn.client = null;
      if (txn.state === 'active' || txn.state === 'starting') txn.state = 'aborted';
      client?.release(shutdown);
    }
    this.byLsid.clear();
  }

  private begin(lsid: string, txnNumber: bigint): Txn {
    const prior = this.byLsid.get(lsid);
    if (prior) {
      if (prior.txnNumber > txnNumber) {
        throw new CommandError(225, 'TransactionTooOld', `txnNumber ${txnNumber} is older than ${prior.txnNumber}`);
      }
      if (prior.txnNumber === txnNumber) {
        throw errors.noSuchTransaction(`Transaction ${txnNumber} has already been started.`);
      }
      // Starting a newer transaction on a session aborts the older one.
      void this.settle(prior).then(() => this.finish(prior, 'ROLLBACK'));
    }
    const txn: Txn = {
      lsid,
      txnNumber,
      state: 'starting',
      client: null,
      sockets: new Set(),
      lastUsed: Date.now(),
      busy: 0,
      chain: Promise.resolve(),
      ready: Promise.resolve(),
    };
    txn.ready = this.open(txn);
    txn.chain = txn.ready.catch(() => undefined);
    this.byLsid.set(lsid, txn);
    return txn;
  }

  private async open(txn: Txn): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      txn.state = 'aborted';
      throw fromBackendError(err, true);
    }
    try {
      // Mongo transactions read from one snapshot: REPEATABLE READ is that.
      await client.query(
        `BEGIN ISOLATION LEVEL REPEATABLE READ; SET LOCAL lock_timeout = ${Math.max(1, Math.floor(this.opts.lockTimeoutMs))}`,
      );
    } catch (err) {
      client.release(err as Error);
      txn.state = 'aborted';
      throw fromBackendError(err, true);
    }
    if (txn.state !== 'starting') {
      // Aborted (socket closed, session ended) while the connection was being set up.
      await client.query('ROLLBACK').then(
        () => client.release(),
        (e: Error) => client.release(e),
      );
      return;
    }
    txn.client = client;
    txn.state = 'active';
  }

  private lookup(lsid: string, txnNumber: bigint): Txn {
    const txn = this.existing(lsid, txnNumber);
    if (txn.state !== 'active' && txn.state !== 'starting') {
      throw errors.noSuchTransaction(
        `Transaction ${txnNumber} has been ${txn.state === 'committed' ? 'committed' : 'aborted'}.`,
      );
    }
    return txn;
  }

  private existing(lsid: string, txnNumber: bigint): Txn {
    const txn = this.byLsid.get(lsid);
    if (!txn || txn.txnNumber < txnNumber) {
      throw errors.noSuchTransaction(`Given transaction number ${txnNumber} does not match any in-progress transactions.`);
    }
    if (txn.txnNumber > txnNumber) {
      throw new CommandError(225, 'TransactionTooOld', `txnNumber ${txnNumber} is older than ${txn.txnNumber}`);
    }
    return txn;
  }

  /** Waits for commands already queued on the transaction. */
  private async settle(txn: Txn): Promise<void> {
    await txn.ready.catch(() => undefined);
    await txn.chain;
  }

  private async finish(txn: Txn, verb: 'COMMIT' | 'ROLLBACK'): Promise<void> {
    if (txn.state === 'starting') {
      txn.state = 'aborted'; // open() sees this and rolls back
      return;
    }
    const client = txn.client;
    if (txn.state !== 'active' || !client) return;
    txn.client = null;
    txn.state = verb === 'COMMIT' ? 'committed' : 'aborted';
    try {
      await client.query(verb);
      client.release();
    } catch (err) {
      txn.state = 'aborted';
      // A connection whose COMMIT/ROLLBACK failed is not trusted back in the pool.
      client.release(err as Error);
      this.log(`${verb} failed: ${(err as Error).message}`);
    }
  }

  private sweep(): void {
    const now = Date.now();
    for (const [lsid, txn] of this.byLsid) {
      const idle = now - txn.lastUsed;
      if (txn.state === 'active' && txn.busy === 0 && idle > this.opts.idleTimeoutMs) {
        this.log(`rolling back transaction ${txn.txnNumber} idle for ${Math.round(idle / 1000)} s`);
        void this.finish(txn, 'ROLLBACK');
      } else if ((txn.state === 'committed' || txn.state === 'aborted') && idle > FINISHED_RETENTION_MS) {
        this.byLsid.delete(lsid);
      }
    }
  }
}
