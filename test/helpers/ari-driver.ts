// Test driver: the simulated caller side of integration tests against the real Asterisk, as a second Stasis
// app (`ariflow-test-<random>`) over its own thin ARI client (fetch + ws), independent of lib/asterisk.
//
// A call is `Local/<number>@<context>` originated into the driver's app: the `;2` half runs the dialplan
// (`inbound` → Stasis(${ARIFLOW_APP},inbound,<number>)) and is the channel ariflow sees; the `;1` half is the
// caller, which enters the driver's app when ariflow answers. The originate sets `__ARIFLOW_APP`, which
// overrides the dialplan global, so each test run can use its own ariflow app name and never meets another
// process that runs the app `ariflow` on the same Asterisk.
//
// ARI subscribes the originating app to both halves of a Local channel from the start, so the driver also
// sees the events of ariflow's channel (playbacks, DTMF, hangup) without racing to subscribe; they are kept
// (only for channels of its own calls) and can be awaited, past or future.
// Not subscribeAll: it subscribes the app to every device state, and closing such an app can deadlock
// Asterisk 22.10 (stasis_app_unregister joins the device-state subscription while its callback waits for
// a lock the unregister holds; from then on every app registration and GET /applications hangs).
//
// API
//   const driver = await AriDriver.start({ url?, username?, password? })  // env ARI_URL / ARI_USERNAME / ARI_PASSWORD
//   driver.app                                  the driver's Stasis app name
//   const caller = await driver.call(number, { targetApp, context = 'inbound', callerId, variables, timeoutSec })
//   caller.id                                   the caller leg (`;1`)
//   caller.peerId                               ariflow's channel (`;2`) — equals the AriCall's id
//   await caller.waitUp()                       ariflow answered: the caller leg entered the driver's app
//   await caller.sendDtmf('12#', { betweenMs, durationMs })   DTMF from the caller (only once Up)
//   await caller.hangup(causeCode?)             the caller hangs up (idempotent), e.g. hangup(17) = busy
//   await caller.waitEnded()                    the caller leg was destroyed → its ChannelDestroyed event
//   await caller.waitPlayback('PlaybackStarted' | 'PlaybackFinished', media?)   a playback on ariflow's channel
//   await caller.waitFor(type, pred?)           any event of either leg
//   caller.events()                             events of both legs so far (each with `at`, ms since the driver started)
//   await driver.waitFor(pred, timeoutMs, what) first recorded event matching pred (already seen or future)
//   await driver.rest(method, path, query?, body?)   raw ARI REST (throws on HTTP >= 400 with ARI's message)
//   await driver.close()                        hangs up its callers, closes the websocket
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';

export interface DriverEvent {
  type: string;
  /** ms since the driver started. */
  at: number;
  channel?: { id: string; name: string; state: string; caller?: { name: string; number: string } };
  playback?: { id: string; media_uri: string; target_uri: string; state: string };
  digit?: string;
  cause?: number;
  args?: string[];
  [extra: string]: unknown;
}

interface Ws {
  readyState: number;
  on(event: string, listener: (...args: any[]) => void): void;
  terminate(): void;
}
const WebSocket = createRequire(import.meta.url)('ws') as new (url: string, opts: Record<string, unknown>) => Ws;

export class AriRestError extends Error {
  constructor(readonly status: number, readonly ariMessage: string, what: string) {
    super(`${what}: HTTP ${status} ${ariMessage}`);
  }
}

interface Waiter {
  pred: (e: DriverEvent) => boolean;
  resolve: (e: DriverEvent) => void;
}

export class AriDriver {
  readonly app = `ariflow-test-${randomUUID().slice(0, 8)}`;
  private ws?: Ws;
  private readonly t0 = Date.now();
  private readonly history: DriverEvent[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly watched = new Set<string>();
  private readonly callers: SimCaller[] = [];
  private readonly base: string;
  private readonly auth: string;

  private constructor(url: string, username: string, password: string) {
    this.base = `${url.replace(/\/+$/, '')}/ari`;
    this.auth = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }

  static async start(opts: { url?: string; username?: string; password?: string } = {}): Promise<AriDriver> {
    const d = new AriDriver(
      opts.url ?? process.env.ARI_URL ?? 'http://127.0.0.1:8088',
      opts.username ?? process.env.ARI_USERNAME ?? 'ariflow',
      opts.password ?? process.env.ARI_PASSWORD ?? 'ariflow',
    );
    await d.open();
    return d;
  }

  private open(): Promise<void> {
    const url = `${this.base.replace(/^http/, 'ws')}/events?app=${encodeURIComponent(this.app)}`;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers: { Authorization: this.auth }, perMessageDeflate: false, handshakeTimeout: 5000 });
      this.ws = ws;
      ws.on('open', () => resolve());
      ws.on('error', (err: Error) => reject(err));
      ws.on('message', (data: Buffer | string) => this.onEvent(JSON.parse(String(data)) as DriverEvent));
    });
  }

  private onEvent(e: DriverEvent): void {
    const target = e.playback?.target_uri;
    const id = e.channel?.id ?? (target?.startsWith('channel:') ? target.slice(8) : undefined);
    if (id === undefined || !this.watched.has(id)) return;
    e.at = Date.now() - this.t0;
    this.history.push(e);
    for (const w of [...this.waiters]) {
      if (w.pred(e)) {
        this.waiters.delete(w);
        w.resolve(e);
      }
    }
  }

  /** First recorded event (past or future) matching pred; rejects after timeoutMs naming `what`. */
  waitFor(pred: (e: DriverEvent) => boolean, timeoutMs = 5000, what = 'event'): Promise<DriverEvent> {
    const seen = this.history.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`driver: no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        pred,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      };
      this.waiters.add(waiter);
    });
  }

  events(pred: (e: DriverEvent) => boolean = () => true): DriverEvent[] {
    return this.history.filter(pred);
  }

  async rest<T = any>(method: string, path: string, query: Record<string, string | number> = {}, body?: unknown): Promise<T> {
    const u = new URL(this.base + path);
    for (const [k, v] of Object.entries(query)) u.searchParams.append(k, String(v));
    const res = await fetch(u, {
      method,
      headers: { Authorization: this.auth, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    });
    const text = await res.text();
    const json = text ? (JSON.parse(text) as T & { message?: string }) : (undefined as T);
    if (res.status >= 400) throw new AriRestError(res.status, (json as { message?: string })?.message ?? text, `${method} ${path}`);
    return json;
  }

  /** Originates Local/<number>@<context>; the `;2` half enters `targetApp` (ariflow) through the dialplan. */
  async call(
    number: string,
    opts: { targetApp?: string; context?: string; callerId?: string; variables?: Record<string, string>; timeoutSec?: number } = {},
  ): Promise<SimCaller> {
    const id = randomUUID();
    const peerId = randomUUID();
    this.watched.add(id);
    this.watched.add(peerId);
    const variables: Record<string, string> = { ...opts.variables };
    variables.__ARIFLOW_APP = opts.targetApp ?? process.env.ARI_APP ?? 'ariflow';
    const query: Record<string, string | number> = {
      endpoint: `Local/${number}@${opts.context ?? 'inbound'}`,
      app: this.app,
      channelId: id,
      otherChannelId: peerId,
      timeout: opts.timeoutSec ?? 30,
    };
    if (opts.callerId) query.callerId = opts.callerId;
    await this.rest('POST', '/channels', query, { variables });
    const caller = new SimCaller(this, id, peerId);
    this.callers.push(caller);
    return caller;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.callers.map((c) => c.hangup()));
    for (const w of this.waiters) this.waiters.delete(w);
    const ws = this.ws;
    this.ws = undefined;
    if (ws && ws.readyState !== 3) {
      await new Promise<void>((resolve) => {
        ws.on('close', () => resolve());
        ws.terminate();
      });
    }
  }
}

export class SimCaller {
  private hungUp = false;

  constructor(private readonly driver: AriDriver, readonly id: string, readonly peerId: string) {}

  private mine(e: DriverEvent): boolean {
    return e.channel?.id === this.id || e.channel?.id === this.peerId || e.playback?.target_uri === `channel:${this.peerId}`;
  }

  events(): DriverEvent[] {
    return this.driver.events((e) => this.mine(e));
  }

  waitFor(type: string, pred: (e: DriverEvent) => boolean = () => true, timeoutMs = 5000): Promise<DriverEvent> {
    return this.driver.waitFor((e) => e.type === type && this.mine(e) && pred(e), timeoutMs, `${type} for call ${this.id.slice(0, 8)}`);
  }

  /** ariflow answered (the caller leg entered the driver's app, Up). */
  waitUp(timeoutMs = 5000): Promise<DriverEvent> {
    return this.waitFor('StasisStart', (e) => e.channel?.id === this.id, timeoutMs);
  }

  waitPlayback(type: 'PlaybackStarted' | 'PlaybackFinished', media?: string, timeoutMs = 5000): Promise<DriverEvent> {
    return this.waitFor(type, (e) => e.playback?.target_uri === `channel:${this.peerId}` && (media === undefined || e.playback.media_uri === media), timeoutMs);
  }

  waitEnded(timeoutMs = 5000): Promise<DriverEvent> {
    return this.waitFor('ChannelDestroyed', (e) => e.channel?.id === this.id, timeoutMs);
  }

  async sendDtmf(digits: string, opts: { betweenMs?: number; durationMs?: number } = {}): Promise<void> {
    const query: Record<string, string | number> = { dtmf: digits };
    if (opts.betweenMs !== undefined) query.between = opts.betweenMs;
    if (opts.durationMs !== undefined) query.duration = opts.durationMs;
    await this.driver.rest('POST', `/channels/${this.id}/dtmf`, query);
  }

  /** Hangs up the caller leg, optionally with a Q.850 cause code (e.g. 17 busy). */
  async hangup(causeCode?: number): Promise<void> {
    if (this.hungUp) return;
    this.hungUp = true;
    try {
      await this.driver.rest('DELETE', `/channels/${this.id}`, causeCode === undefined ? {} : { reason_code: causeCode });
    } catch (err) {
      if (!(err instanceof AriRestError && err.status === 404)) throw err;
    }
  }
}
