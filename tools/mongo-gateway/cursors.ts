// Open cursors between getMore calls. DocumentDB is stateless here: it hands
// back a continuation document that the next cursor_get_more needs, and the
// gateway keeps it under the cursor id it gave the client.
import type pg from 'pg';
import { errors } from './errors.ts';

interface Entry {
  id: bigint;
  db: string;
  continuation: Buffer;
  /**
   * Set when DocumentDB said the cursor lives on its backend connection
   * (persistConnection): that connection is kept out of the pool for it.
   */
  owned: pg.PoolClient | null;
  inUse: boolean;
  timer: NodeJS.Timeout;
}

export interface CursorLease {
  db: string;
  continuation: Buffer;
  owned: pg.PoolClient | null;
  /** Store the next continuation, or drop the cursor when there is none. */
  done(next: Buffer | null): void;
  /** The getMore failed: drop the cursor. */
  fail(err?: Error): void;
}

export class Cursors {
  private readonly entries = new Map<bigint, Entry>();

  constructor(
    /** Mongo's own default for idle cursors is 10 minutes. */
    private readonly idleMs = 10 * 60_000,
    /** A cursor holding a backend connection gives it back sooner; DocumentDB expires its state after 60 s anyway. */
    private readonly ownedIdleMs = 60_000,
  ) {}

  add(id: bigint, db: string, continuation: Buffer, owned: pg.PoolClient | null): void {
    this.remove(id);
    const timer = setTimeout(() => this.remove(id), owned ? this.ownedIdleMs : this.idleMs).unref();
    this.entries.set(id, { id, db, continuation, owned, inUse: false, timer });
  }

  lease(id: bigint): CursorLease {
    const e = this.entries.get(id);
    if (!e) throw errors.cursorNotFound(id);
    if (e.inUse) throw errors.cursorInUse(id);
    e.inUse = true;
    return {
      db: e.db,
      continuation: e.continuation,
      owned: e.owned,
      done: (next) => {
        e.inUse = false;
        if (this.entries.get(id) !== e) e.owned?.release(); // killed or expired meanwhile
        else if (next) {
          e.continuation = next;
          e.timer.refresh();
        } else this.remove(id);
      },
      fail: (err) => {
        e.inUse = false;
        if (this.entries.get(id) !== e) e.owned?.release(err);
        else this.remove(id, err);
      },
    };
  }

  /** Returns the ids that were open. */
  kill(ids: bigint[]): { killed: bigint[]; notFound: bigint[] } {
    const killed: bigint[] = [];
    const notFound: bigint[] = [];
    for (const id of ids) (this.remove(id) ? killed : notFound).push(id);
    return { killed, notFound };
  }

  size(): number {
    return this.entries.size;
  }

  close(): void {
    for (const id of [...this.entries.keys()]) this.remove(id);
  }

  private remove(id: bigint, err?: Error): boolean {
    const e = this.entries.get(id);
    if (!e) return false;
    this.entries.delete(id);
    clearTimeout(e.timer);
    // With a getMore in flight, the lease releases the connection when it ends.
    if (!e.inUse) e.owned?.release(err);
    return true;
  }
}
