// Commands the gateway answers itself: handshake, diagnostics, sessions and
// transaction control. DocumentDB has no notion of any of these.
import os from 'node:os';
import { Binary, UUID } from 'bson';
import {
  GATEWAY_VERSION,
  LOGICAL_SESSION_TIMEOUT_MINUTES,
  MAX_WIRE_VERSION,
  type Invocation,
  type Reply,
  type Services,
} from './context.ts';
import { CommandError } from './errors.ts';
import { MAX_BSON_OBJECT_SIZE, MAX_MESSAGE_SIZE } from './wire.ts';

export type LocalHandler = (inv: Invocation, s: Services) => Reply | Promise<Reply>;

/**
 * The handshake reply. It describes a standalone server (no setName, no
 * msg:'isdbgrid'): node driver 7 does not itself refuse transactions on a
 * standalone, only a real mongod does, so this gateway can accept them. A
 * standalone also needs no host list that must match the address the client
 * dialled, and turns off retryable writes (no txnNumber outside transactions).
 * `logicalSessionTimeoutMinutes` makes the driver send `lsid`, which
 * transactions need. `topologyVersion` is left out on purpose: with it the
 * driver switches to streaming (awaitable) hello, which the gateway does not
 * implement, and polls it in a tight loop.
 */
export function helloReply(inv: Pick<Invocation, 'cmd' | 'conn'>): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    isWritablePrimary: true,
    ismaster: true,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: LOGICAL_SESSION_TIMEOUT_MINUTES,
    connectionId: inv.conn.id,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  };
  if (inv.cmd.helloOk === true) doc.helloOk = true;
  return doc;
}

/** The session id of a command, as a map key. */
export function lsidKey(cmd: Record<string, unknown>): string | null {
  const lsid = cmd.lsid as { id?: unknown } | undefined;
  const id = lsid?.id;
  if (id instanceof Binary) return Buffer.from(id.buffer).toString('hex');
  return null;
}

function requireTxnFields(inv: Invocation): { lsid: string; txnNumber: bigint } {
  const lsid = lsidKey(inv.cmd);
  const txnNumber = inv.cmd.txnNumber;
  if (!lsid || typeof txnNumber !== 'bigint') {
    throw new CommandError(50768, 'NotARetryableWriteCommand', `${inv.name} requires lsid and txnNumber`);
  }
  if (inv.db !== 'admin') {
    throw new CommandError(13, 'Unauthorized', `${inv.name} may only be run against the admin database.`);
  }
  return { lsid, txnNumber };
}

function sessionKeys(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((l) => lsidKey({ lsid: l })).filter((k): k is string => k !== null);
}

const ok = () => ({ ok: 1 });

export const LOCAL_COMMANDS: Record<string, LocalHandler> = {
  hello: (inv) => helloReply(inv),
  isMaster: (inv) => helloReply(inv),
  ismaster: (inv) => helloReply(inv),
  ping: ok,
  buildInfo: () => buildInfo(),
  buildinfo: () => buildInfo(),
  getParameter: (inv) => {
    const doc: Record<string, unknown> = { ok: 1 };
    if (inv.cmd.featureCompatibilityVersion !== undefined || inv.cmd.getParameter === '*') {
      doc.featureCompatibilityVersion = { version: '7.0' };
    }
    return doc;
  },
  getCmdLineOpts: () => ({ argv: [], parsed: {}, ok: 1 }),
  whatsmyuri: (inv) => ({ you: inv.conn.remote, ok: 1 }),
  getLog: () => ({ totalLinesWritten: 0, log: [], ok: 1 }),
  hostInfo: () => ({
    system: {
      currentTime: new Date(),
      hostname: os.hostname(),
      numCores: os.cpus().length,
      memSizeMB: Math.round(os.totalmem() / 2 ** 20),
    },
    os: { type: os.type(), name: os.platform(), version: os.release() },
    ok: 1,
  }),
  serverStatus: (_inv, s) => ({
    host: os.hostname(),
    version: GATEWAY_VERSION,
    process: 'mongo-gateway',
    pid: process.pid,
    uptime: Math.floor((Date.now() - s.startedAt) / 1000),
    uptimeMillis: Date.now() - s.startedAt,
    localTime: new Date(),
    connections: { current: s.connections.current(), totalCreated: s.connections.totalCreated() },
    transactions: { currentActive: s.txns.activeCount() },
    metrics: { cursor: { open: { total: s.cursors.size() } } },
    ok: 1,
  }),
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
  getLastError: () => ({ err: null, n: 0, ok: 1 }),
  getlasterror: () => ({ err: null, n: 0, ok: 1 }),
  currentOp: () => ({ inprog: [], ok: 1 }),
  logout: ok,
  startSession: () => ({ id: { id: new UUID() }, timeoutMinutes: LOGICAL_SESSION_TIMEOUT_MINUTES, ok: 1 }),
  refreshSessions: ok,
  endSessions: (inv, s) => {
    s.txns.endSessions(sessionKeys(inv.cmd.endSessions));
    return { ok: 1 };
  },
  killSessions: (inv, s) => {
    s.txns.endSessions(sessionKeys(inv.cmd.killSessions));
    return { ok: 1 };
  },
  commitTransaction: async (inv, s) => {
    const { lsid, txnNumber } = requireTxnFields(inv);
    await s.txns.commit(lsid, txnNumber);
    return { ok: 1 };
  },
  abortTransaction: async (inv, s) => {
    const { lsid, txnNumber } = requireTxnFields(inv);
    await s.txns.abort(lsid, txnNumber);
    return { ok: 1 };
  },
  saslStart: () => noAuth(),
  authenticate: () => noAuth(),
  replSetGetStatus: () => {
    throw new CommandError(76, 'NoReplicationEnabled', 'not running with --replSet');
  },
  explain: () => {
    throw new CommandError(115, 'CommandNotSupported', 'explain is not supported by the gateway');
  },
};

function buildInfo(): Record<string, unknown> {
  return {
    version: GATEWAY_VERSION,
    gitVersion: 'mongo-gateway (PostgreSQL + DocumentDB)',
    versionArray: [7, 0, 0, 0],
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    storageEngines: ['documentdb'],
    javascriptEngine: 'none',
    ok: 1,
  };
}

function noAuth(): never {
  throw new CommandError(18, 'AuthenticationFailed', 'the gateway has no authentication: connect without credentials');
}

