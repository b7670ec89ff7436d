// Types shared by the command handlers.
import type pg from 'pg';
import type { Document } from 'bson';
import type { Cursors } from './cursors.ts';
import type { Transactions } from './transactions.ts';

export interface ConnectionInfo {
  id: number;
  remote: string;
}

/** Long-lived state of one gateway instance. */
export interface Services {
  pool: pg.Pool;
  txns: Transactions;
  cursors: Cursors;
  startedAt: number;
  connections: { current(): number; totalCreated(): number };
  log(line: string): void;
}

/** One command as received. */
export interface Invocation {
  name: string;
  db: string;
  /** Parsed body, int64 values as bigint. Only read; the raw bytes are what is forwarded. */
  cmd: Document;
  body: Buffer;
  sequences: Map<string, Buffer[]>;
  conn: ConnectionInfo;
}

/** A reply: raw BSON straight from DocumentDB, or a document to serialize. */
export type Reply = Buffer | Record<string, unknown>;

export const GATEWAY_VERSION = '7.0.0';
export const MAX_WIRE_VERSION = 21;
export const LOGICAL_SESSION_TIMEOUT_MINUTES = 30;
