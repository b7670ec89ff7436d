// The event websocket of one Stasis application (GET /ari/events?app=...): opening it registers the app;
// it is reopened with capped exponential backoff whenever it drops, and pinged so a dead peer is noticed.
// Not ari-client's start(): its reconnect gives up after 10 tries, and a retry timer survives stop().
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type { Logger } from '../log.ts';
import type { AriEvent } from './ari-types.ts';

/** The slice of the `ws` package (already under ari-client) used here. */
interface WebSocketLike {
  readonly readyState: number;
  on(event: 'open', listener: () => void): this;
  on(event: 'message', listener: (data: string | Buffer) => void): this;
  on(event: 'pong', listener: () => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: 'close', listener: (code: number, reason: string) => void): this;
  ping(): void;
  terminate(): void;
}
type WebSocketCtor = new (url: string, options: Record<string, unknown>) => WebSocketLike;
const WebSocket = createRequire(import.meta.url)('ws') as WebSocketCtor;
const OPEN = 1;
const CLOSED = 3;

export interface EventSocketOptions {
  /** ARI base URL (http[s]://host:port). */
  url: string;
  username: string;
  password: string;
  app: string;
  /** Limit for the websocket handshake (a server that accepts and never answers). */
  handshakeTimeoutMs: number;
  /** Reconnect delays: initialMs, doubled per failed attempt, at most maxMs. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** A ping every interval; no pong by the next one closes the socket (then it reconnects). 0 disables. */
  pingIntervalMs?: number;
  logger: Logger;
}

/**
 * Events: `event` (AriEvent), `open` ({ reconnect: boolean }), `drop` ({ reason }),
 * `reconnecting` ({ attempt, delayMs, reason }).
 */
export class AriEventSocket extends EventEmitter {
  private ws?: WebSocketLike;
  private retryTimer?: NodeJS.Timeout;
  private pingTimer?: NodeJS.Timeout;
  private attempt = 0;
  private opened = 0;
  private closed = false;
  private readonly wsUrl: string;

  constructor(private readonly opts: EventSocketOptions) {
    super();
    const base = new URL(opts.url);
    base.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
    base.pathname = `${base.pathname.replace(/\/+$/, '')}/ari/events`;
    base.search = new URLSearchParams({ app: opts.app, subscribeAll: 'false' }).toString();
    this.wsUrl = base.toString();
  }

  get isOpen(): boolean {
    return this.ws?.readyState === OPEN;
  }

  /**
   * One connection attempt: resolves once open, rejects with the reason it failed. After the first success
   * the socket reconnects by itself until close().
   */
  open(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('event socket closed'));
    return new Promise<void>((resolve, reject) => {
      const auth = Buffer.from(`${this.opts.username}:${this.opts.password}`).toString('base64');
      const ws = new WebSocket(this.wsUrl, {
        headers: { Authorization: `Basic ${auth}` },
        handshakeTimeout: this.opts.handshakeTimeoutMs,
        perMessageDeflate: false,
      });
      this.ws = ws;
      let isOpen = false;
      let lastError: Error | undefined;
      let alive = true;
      ws.on('open', () => {
        if (this.closed) return ws.terminate();
        isOpen = true;
        const reconnect = this.opened++ > 0;
        if (reconnect) this.opts.logger.info({ app: this.opts.app, attempts: this.attempt }, 'ARI websocket reconnected');
        this.attempt = 0;
        const every = this.opts.pingIntervalMs ?? 10_000;
        if (every > 0) {
          this.pingTimer = setInterval(() => {
            if (!alive) {
              this.opts.logger.warn({ app: this.opts.app }, 'ARI websocket did not answer a ping: closing it');
              ws.terminate();
              return;
            }
            alive = false;
            if (ws.readyState === OPEN) ws.ping();
          }, every);
          this.pingTimer.unref();
        }
        resolve();
        this.emit('open', { reconnect });
      });
      ws.on('pong', () => {
        alive = true;
      });
      ws.on('message', (data) => {
        let event: AriEvent;
        try {
          event = JSON.parse(typeof data === 'string' ? data : data.toString('utf8')) as AriEvent;
        } catch {
          this.opts.logger.warn('ARI sent an event that is not JSON');
          return;
        }
        this.emit('event', event);
      });
      // ws always follows 'error' with 'close'; the reason is reported there.
      ws.on('error', (err) => {
        lastError = err;
      });
      ws.on('close', (code) => {
        if (this.pingTimer) clearInterval(this.pingTimer);
        this.pingTimer = undefined;
        if (this.ws === ws) this.ws = undefined;
        const reason = describe(lastError) ?? `closed (code ${code})`;
        if (!isOpen) {
          reject(new Error(reason));
          return;
        }
        if (this.closed) return;
        this.opts.logger.warn({ app: this.opts.app, reason }, 'ARI websocket dropped');
        this.emit('drop', { reason });
        this.scheduleReconnect(reason);
      });
    });
  }

  private scheduleReconnect(reason: string): void {
    if (this.closed) return;
    const initial = this.opts.initialDelayMs ?? 500;
    const delayMs = Math.min(initial * 2 ** this.attempt, this.opts.maxDelayMs ?? 10_000);
    this.attempt++;
    this.opts.logger.warn({ app: this.opts.app, attempt: this.attempt, delayMs, reason }, 'ARI websocket reconnect scheduled');
    this.emit('reconnecting', { attempt: this.attempt, delayMs, reason });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.open().catch((err: Error) => this.scheduleReconnect(err.message));
    }, delayMs);
  }

  /** Stops reconnecting and closes the socket; resolves once it is closed. */
  close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = undefined;
    const ws = this.ws;
    this.ws = undefined;
    if (!ws || ws.readyState === CLOSED) return Promise.resolve();
    return new Promise<void>((resolve) => {
      ws.on('close', () => resolve());
      ws.terminate();
    });
  }
}

function describe(err: Error | undefined): string | undefined {
  if (!err) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && code ? code : err.message;
}
