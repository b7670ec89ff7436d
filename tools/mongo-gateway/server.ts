// A MongoDB wire-protocol server in front of PostgreSQL + DocumentDB, so the
// official driver can be tested against a real database on machines that
// cannot run mongod.
import net from 'node:net';
import { BSON, type Document } from 'bson';
import { createPool, type PgSettings } from './backend.ts';
import { dispatch } from './commands.ts';
import type { ConnectionInfo, Invocation, Reply, Services } from './context.ts';
import { CommandError, errors } from './errors.ts';
import { Cursors } from './cursors.ts';
import { helloReply } from './local-commands.ts';
import { Transactions } from './transactions.ts';
import {
  encodeOpMsg,
  encodeOpReply,
  MessageFramer,
  OP_MSG,
  parseMessage,
  ProtocolError,
  type MsgRequest,
  type QueryRequest,
} from './wire.ts';

export interface GatewayOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  pg: PgSettings;
  /** Connections for everything outside transactions. */
  poolSize?: number;
  /** Upper bound on transactions open at once (each pins a connection). */
  maxTransactions?: number;
  transactionIdleTimeoutMs?: number;
  transactionLockTimeoutMs?: number;
  /** Wait for WAL flush before acknowledging writes (default false, like Mongo's w:1 without j). */
  synchronousCommit?: boolean;
  log?: (line: string) => void;
}

export interface Gateway {
  port: number;
  close(): Promise<void>;
}

// Messages read ahead of the one being answered before the socket is paused.
const MAX_QUEUED_MESSAGES = 64;

function toBuffer(reply: Reply): Buffer {
  return Buffer.isBuffer(reply) ? reply : Buffer.from(BSON.serialize(reply));
}

function parseBody(body: Buffer): Document {
  // int64 as bigint: cursor ids and txnNumbers must survive exactly.
  return BSON.deserialize(body, { useBigInt64: true });
}

export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const log = opts.log ?? (() => undefined);
  const onPgError = (err: Error) => log(`postgres connection error: ${err.message}`);
  const synchronousCommit = opts.synchronousCommit ?? true;
  const pool = createPool(opts.pg, { max: opts.poolSize ?? 10, synchronousCommit }, onPgError);
  const txPool = createPool(opts.pg, { max: opts.maxTransactions ?? 20, synchronousCommit }, onPgError);
  const sockets = new Set<net.Socket>();
  let totalCreated = 0;
  const services: Services = {
    pool,
    txns: new Transactions(
      txPool,
      { idleTimeoutMs: opts.transactionIdleTimeoutMs ?? 60_000, lockTimeoutMs: opts.transactionLockTimeoutMs ?? 50 },
      log,
    ),
    cursors: new Cursors(),
    startedAt: Date.now(),
    connections: { current: () => sockets.size, totalCreated: () => totalCreated },
    log,
  };

  async function answerMsg(req: MsgRequest, conn: ConnectionInfo): Promise<Buffer> {
    let cmd: Document;
    try {
      cmd = parseBody(req.body);
    } catch (err) {
      return toBuffer(new CommandError(22, 'InvalidBSON', `invalid command body: ${(err as Error).message}`).reply());
    }
    const name = Object.keys(cmd)[0];
    const db = cmd.$db;
    if (!name) return toBuffer(errors.failedToParse('empty command').reply());
    if (typeof db !== 'string' || db === '') return toBuffer(errors.badValue('command has no $db').reply());
    const inv: Invocation = { name, db, cmd, body: req.body, sequences: req.sequences, conn };
    return toBuffer(await dispatch(inv, services));
  }

  function answerQuery(req: QueryRequest, conn: ConnectionInfo): Buffer {
    let cmd: Document;
    try {
      cmd = parseBody(req.query);
    } catch (err) {
      return toBuffer(new CommandError(22, 'InvalidBSON', (err as Error).message).reply());
    }
    if (cmd.$query && typeof cmd.$query === 'object') cmd = cmd.$query as Document;
    const name = Object.keys(cmd)[0] ?? '';
    // Like mongod 6+: OP_QUERY only for the handshake.
    if (req.fullCollectionName.endsWith('.$cmd') && ['hello', 'isMaster', 'ismaster'].includes(name)) {
      return toBuffer(helloReply({ cmd, conn }));
    }
    return toBuffer(errors.unsupportedOpQuery(name || req.fullCollectionName).reply());
  }

  function onConnection(socket: net.Socket): void {
    totalCreated++;
    const conn: ConnectionInfo = { id: totalCreated, remote: `${socket.remoteAddress}:${socket.remotePort}` };
    sockets.add(socket);
    socket.setNoDelay(true);
    const framer = new MessageFramer();
    let queue: Promise<void> = Promise.resolve();
    let queued = 0;

    const drop = (why: string) => {
      log(`closing connection ${conn.id} (${conn.remote}): ${why}`);
      socket.destroy();
    };

    const handle = async (raw: Buffer): Promise<void> => {
      if (socket.destroyed) return;
      const req = parseMessage(raw);
      let reply: Buffer[] | null;
      if (req.opCode === OP_MSG) {
        const body = await answerMsg(req, conn);
        // moreToCome: the client (w:0 writes) does not read a reply.
        reply = req.moreToCome ? null : encodeOpMsg(req.requestId, body);
      } else {
        reply = encodeOpReply(req.requestId, answerQuery(req, conn));
      }
      if (reply && !socket.destroyed) socket.write(Buffer.concat(reply));
    };

    socket.on('data', (chunk: Buffer) => {
      let messages: Buffer[];
      try {
        messages = framer.push(chunk);
      } catch (err) {
        drop((err as Error).message);
        return;
      }
      for (const raw of messages) {
        queued++;
        if (queued > MAX_QUEUED_MESSAGES) socket.pause();
        queue = queue
          .then(() => handle(raw))
          .catch((err: unknown) => {
            // Framing errors mean the stream can no longer be trusted; anything
            // else is a gateway bug, which must not take the process down.
            drop(err instanceof ProtocolError ? err.message : `internal error: ${(err as Error)?.stack ?? String(err)}`);
          })
          .finally(() => {
            queued--;
            if (queued <= MAX_QUEUED_MESSAGES / 4 && socket.isPaused() && !socket.destroyed) socket.resume();
          });
      }
    });
    socket.on('error', () => undefined); // 'close' follows; resets from clients are routine
    socket.on('close', () => {
      sockets.delete(socket);
      services.txns.socketClosed(conn.id);
    });
  }

  // Fail at start, not at the first command, when PostgreSQL or the
  // extension is missing.
  try {
    const { rows } = await pool.query(`SELECT 1 FROM pg_extension WHERE extname = 'documentdb'`);
    if (rows.length === 0) throw new Error(`extension documentdb is not installed in database ${opts.pg.database}`);
  } catch (err) {
    await Promise.all([pool.end(), txPool.end()]);
    services.txns.close();
    throw err;
  }

  const server = net.createServer(onConnection);
  server.on('error', (err) => log(`server error: ${err.message}`));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;

  let closing: Promise<void> | null = null;
  return {
    port,
    close: () =>
      (closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const s of sockets) s.destroy();
        await stopped;
        services.txns.close();
        services.cursors.close();
        await Promise.all([pool.end(), txPool.end()]);
      })()),
  };
}
