// Shared set-up of the ARI integration tests: an ariflow connection under its own Stasis app name (the
// driver's calls reach it through __ARIFLOW_APP), a queue of the calls it receives, and captured logs.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../lib/config.ts';
import type { Logger } from '../../lib/log.ts';
import { AriConnection, type AriConnectionOptions, type ConnectedInfo, type IncomingCall } from '../../lib/asterisk/connection.ts';
import type { AriCall } from '../../lib/asterisk/call.ts';

export interface ReceivedCall {
  call: AriCall;
  incoming: IncomingCall;
}

export interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}

/** A pino logger that keeps its lines in memory (LOG_LEVEL=debug ARIFLOW_TEST_LOGS=1 also prints them). */
export function captureLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const print = process.env.ARIFLOW_TEST_LOGS === '1';
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n')) {
        if (!l) continue;
        lines.push(JSON.parse(l) as LogLine);
        if (print) process.stderr.write(`${l}\n`);
      }
      cb();
    },
  });
  return { logger: pino({ level: process.env.LOG_LEVEL ?? 'debug' }, stream), lines };
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig(),
    ariApp: `ariflow-it-${randomUUID().slice(0, 8)}`,
    ariRequestTimeoutMs: 3000,
    startupTimeoutMs: 5000,
    ...overrides,
  };
}

export class Ariflow {
  readonly received: ReceivedCall[] = [];
  readonly connected: ConnectedInfo[] = [];
  private waiting: ((c: ReceivedCall) => void)[] = [];
  private taken = 0;

  constructor(readonly conn: AriConnection, readonly lines: LogLine[]) {}

  get app(): string {
    return this.conn.app;
  }

  push(c: ReceivedCall): void {
    this.received.push(c);
    const w = this.waiting.shift();
    if (w) {
      this.taken++;
      w(c);
    }
  }

  /** The next call onCall received (in order), waiting up to timeoutMs. */
  nextCall(timeoutMs = 5000): Promise<ReceivedCall> {
    if (this.taken < this.received.length) return Promise.resolve(this.received[this.taken++]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = this.waiting.filter((w) => w !== got);
        reject(new Error(`no call reached onCall within ${timeoutMs} ms`));
      }, timeoutMs);
      const got = (c: ReceivedCall) => {
        clearTimeout(timer);
        resolve(c);
      };
      this.waiting.push(got);
    });
  }

  /** The call of a given channel (the driver's caller.peerId), whenever it reached onCall. */
  async callFor(channelId: string, timeoutMs = 5000): Promise<ReceivedCall> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find((c) => c.call.id === channelId);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`call ${channelId} did not reach onCall within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(opts?: { hangupCalls?: boolean }): Promise<void> {
    return this.conn.close(opts);
  }
}

/** Starts an AriConnection (not connectAri, so `connected` of the first connect is seen too). */
export async function startAriflow(
  config: Config = testConfig(),
  opts: Partial<Omit<AriConnectionOptions, 'onCall'>> = {},
): Promise<Ariflow> {
  const { logger, lines } = captureLogger();
  let flow: Ariflow | undefined;
  const pending: ReceivedCall[] = [];
  const conn = new AriConnection(config, logger, {
    ...opts,
    onCall: (call, incoming) => {
      if (flow) flow.push({ call, incoming });
      else pending.push({ call, incoming });
    },
  });
  flow = new Ariflow(conn, lines);
  const f = flow;
  conn.on('connected', (info: ConnectedInfo) => f.connected.push(info));
  await conn.start();
  for (const p of pending) flow.push(p);
  return flow;
}

/** Resolves with the value or the rejection reason (for asserting on rejections without chai-as-promised). */
export async function settle<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error };
  }
}
