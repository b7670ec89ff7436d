// The ARI connection of the ariflow Stasis app: REST (ari-client) + the event websocket, one routing table
// from channel id to the call (or owned channel) its events belong to, inbound calls handed to onCall,
// and the clean-up ARI needs after a websocket gap (channels that vanished, calls left behind in the app).
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { CallGoneError } from '../callcontrol/port.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { AriUnreachableError } from './ari-errors.ts';
import type { AriChannel, AriEvent } from './ari-types.ts';
import { AriCall, type CallHost } from './call.ts';
import { activeCalls } from './active-calls.ts';
import { AriEventSocket } from './event-socket.ts';
import { PjsipConfig } from './pjsip.ts';
import { StepLatency } from './step-latency.ts';
import { AriCredentialsError, loadAriRest, type AriRest } from './rest.ts';

/** Why a channel entered the app: the Stasis() arguments of extensions.conf. */
export interface IncomingCall {
  /** `inbound`: carriers and the test driver (Stasis(app,inbound,<exten>[,<account>])); `device`: a registered phone. */
  kind: 'inbound' | 'device';
  exten: string;
  /** PJSIP endpoint of the calling device (kind `device`). */
  endpoint?: string;
  /** Account pinned by the dialplan (third argument of `inbound`), if any. */
  accountId?: string;
}

export interface AriConnectionOptions {
  /**
   * A new inbound call entered the app. May be async: a throw or a rejection is logged and the call, if
   * still up, is hung up (NORMAL_TEMPORARY_FAILURE) rather than left in dead air.
   */
  onCall(call: AriCall, incoming: IncomingCall): void | Promise<void>;
  /** Called on every (re)connect, like the `connected` event (which a caller of connectAri() cannot see the first time). */
  onConnected?(info: ConnectedInfo): void;
  /** Websocket reconnect delays (default 500 ms doubling to 10 s). */
  reconnectInitialDelayMs?: number;
  reconnectMaxDelayMs?: number;
  /** Websocket keep-alive ping (default 10 s). */
  pingIntervalMs?: number;
  /** How long a channel found in the app must stay unclaimed before the sweep acts on it (default 500 ms). */
  sweepGraceMs?: number;
}

export interface ConnectedInfo {
  reconnect: boolean;
  /** Reconnections since start. */
  reconnects: number;
}

/** Events of a channel the app creates itself (outbound leg, snoop), routed to its owner. */
export type OwnedChannelHandler = (event: AriEvent) => void;

interface Route {
  handle(event: AriEvent): void;
}

class OwnedRoute implements Route {
  seen = false;
  /** Set on StasisEnd: forgets the route if its ChannelDestroyed never comes. */
  endTimer?: NodeJS.Timeout;
  constructor(readonly handler: OwnedChannelHandler) {}
  handle(event: AriEvent): void {
    this.seen = true;
    this.handler(event);
  }
}

/** Parses StasisStart arguments: `inbound,<exten>[,<account>]` or `device,<exten>,<endpoint>`. */
export function parseStasisArgs(args: readonly string[]): IncomingCall | undefined {
  const [kind, exten, extra] = args;
  if (!exten) return undefined;
  if (kind === 'inbound') return extra ? { kind, exten, accountId: extra } : { kind, exten };
  if (kind === 'device') return extra ? { kind, exten, endpoint: extra } : { kind, exten };
  return undefined;
}

/**
 * Events: `connected` (ConnectedInfo) on every (re)connect — re-push PJSIP devices then; `disconnected`
 * ({ reason }) when the websocket drops; `reconnecting` ({ attempt, delayMs, reason }) before each retry.
 */
export class AriConnection extends EventEmitter implements CallHost {
  /** Websocket reconnections since start (for metrics). */
  reconnects = 0;
  /** The engine's latency from a step-completing event to its next command, per call step. */
  readonly stepLatency = new StepLatency();
  /** Inbound calls handed to onCall since start. */
  callsStarted = 0;
  private restClient?: AriRest;
  private pjsipConfig?: PjsipConfig;
  private readonly socket: AriEventSocket;
  private readonly routes = new Map<string, Route>();
  private readonly recordingWatchers = new Map<string, (event: AriEvent) => void>();
  private closed = false;
  private sweepTimer?: NodeJS.Timeout;
  private startTimer?: NodeJS.Timeout;
  private wake?: () => void;
  readonly url: string;

  constructor(private readonly config: Config, readonly logger: Logger, private readonly opts: AriConnectionOptions) {
    super();
    this.url = config.ariUrl.replace(/\/+$/, '');
    this.socket = new AriEventSocket({
      url: this.url,
      username: config.ariUsername,
      password: config.ariPassword,
      app: config.ariApp,
      handshakeTimeoutMs: config.ariRequestTimeoutMs,
      initialDelayMs: opts.reconnectInitialDelayMs,
      maxDelayMs: opts.reconnectMaxDelayMs,
      pingIntervalMs: opts.pingIntervalMs,
      logger,
    });
    this.socket.on('event', (e: AriEvent) => this.dispatch(e));
    this.socket.on('open', ({ reconnect }: { reconnect: boolean }) => this.onOpen(reconnect));
    this.socket.on('drop', (info: { reason: string }) => this.emit('disconnected', info));
    this.socket.on('reconnecting', (info: unknown) => this.emit('reconnecting', info));
  }

  get app(): string {
    return this.config.ariApp;
  }

  /** REST with timeouts; available once start() resolved. */
  get rest(): AriRest {
    if (!this.restClient) throw new Error('ARI connection not started');
    return this.restClient;
  }

  /** Dynamic PJSIP objects (devices) and endpoint state. */
  get pjsip(): PjsipConfig {
    this.pjsipConfig ??= new PjsipConfig(this.rest);
    return this.pjsipConfig;
  }

  get isConnected(): boolean {
    return this.socket.isOpen;
  }

  /** Calls in progress. */
  get activeCalls(): number {
    let n = 0;
    for (const route of this.routes.values()) if (route instanceof AriCall) n++;
    return n;
  }

  /** Per-channel registrations (calls + owned channels): back to its baseline once calls have ended. */
  get routeCount(): number {
    return this.routes.size;
  }

  /**
   * Connects: loads the REST API and opens the app's websocket, retrying until config.startupTimeoutMs.
   * Rejects with AriUnreachableError ("ARI unreachable at <url>: <reason>"); refused credentials fail at once.
   */
  async start(): Promise<void> {
    const deadline = Date.now() + this.config.startupTimeoutMs;
    let delay = 250;
    for (let attempt = 1; ; attempt++) {
      try {
        this.restClient ??= await loadAriRest(this.url, this.config.ariUsername, this.config.ariPassword, this.config.ariRequestTimeoutMs);
        await this.socket.open();
        return;
      } catch (err) {
        if (this.closed) throw new AriUnreachableError(this.url, 'connection closed while starting');
        if (err instanceof AriCredentialsError) throw err;
        const reason = err instanceof AriUnreachableError ? err.reason : (err as Error).message;
        const remaining = deadline - Date.now();
        if (remaining <= 0) {
          throw new AriUnreachableError(this.url, `${reason} (gave up after ${attempt} attempts in ${this.config.startupTimeoutMs} ms)`);
        }
        const wait = Math.min(delay, remaining);
        this.logger.warn({ url: this.url, attempt, reason, retryInMs: wait }, 'ARI not reachable yet');
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          this.startTimer = setTimeout(resolve, wait);
        });
        this.startTimer = undefined;
        delay = Math.min(delay * 2, 2000);
      }
    }
  }

  /**
   * Pre-registers a channel id for a channel the app is about to create (channels.create/originate/snoop
   * with this id): its StasisStart may arrive before the REST answer and must not be taken for an inbound
   * call. UUIDs, because Asterisk 22 checks id uniqueness by prefix. Released on its ChannelDestroyed (at the
   * latest 1 s after its StasisEnd); call releaseChannel() if it never entered the app (dial failed).
   */
  reserveChannelId(handler: OwnedChannelHandler): string {
    const id = randomUUID();
    this.routes.set(id, new OwnedRoute(handler));
    return id;
  }

  /** CallHost: routes the Recording* events of recording `name` to `handler` until the returned function is called. */
  watchRecording = (name: string, handler: (event: AriEvent) => void): (() => void) => {
    this.recordingWatchers.set(name, handler);
    return () => {
      if (this.recordingWatchers.get(name) === handler) this.recordingWatchers.delete(name);
    };
  };

  releaseChannel(id: string): void {
    if (this.routes.get(id) instanceof OwnedRoute) this.routes.delete(id);
  }

  /** CallHost: an ended call stops receiving events. */
  release(call: AriCall): void {
    if (this.routes.get(call.id) === call) this.routes.delete(call.id);
  }

  /**
   * Stops: no reconnect, websocket closed, no timer left. Calls in progress are hung up (default) or, with
   * hangupCalls false, left in the app for the next process to find; either way they end here.
   */
  async close({ hangupCalls = true }: { hangupCalls?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.sweepTimer);
    clearTimeout(this.startTimer);
    this.wake?.();
    const calls = [...this.routes.values()].filter((r): r is AriCall => r instanceof AriCall);
    if (hangupCalls && this.restClient) await Promise.allSettled(calls.map((c) => c.hangup('NORMAL_CLEARING')));
    for (const call of calls) call.end(undefined, 'ARI connection closed');
    this.routes.clear();
    await this.socket.close();
    this.removeAllListeners();
  }

  // ---- events ----

  private dispatch(e: AriEvent): void {
    // Recording events go by recording name: the channel recorded may be gone by the time it finishes.
    if (e.recording) {
      this.recordingWatchers.get(e.recording.name)?.(e);
      return;
    }
    let id = e.channel?.id;
    if (id === undefined && e.playback) {
      const target = e.playback.target_uri;
      if (target.startsWith('channel:')) id = target.slice(8);
    }
    // A Dial event names the dialled channel as `peer` (dial() legs are owned channels).
    if (id === undefined && e.type === 'Dial') id = e.peer?.id;
    if (id === undefined) return;
    const route = this.routes.get(id);
    if (route) {
      route.handle(e);
      if (route instanceof OwnedRoute) this.afterOwnedEvent(id, route, e.type);
    } else if (e.type === 'StasisStart' && e.channel) {
      this.onStasisStart(e.channel, e.args ?? []);
    }
  }

  /**
   * A channel the app created stays subscribed after its StasisEnd, and its ChannelDestroyed (which carries
   * the hangup cause dial() reports) follows: the route goes then, or shortly after StasisEnd at the latest.
   */
  private afterOwnedEvent(id: string, route: OwnedRoute, type: string): void {
    if (type === 'ChannelDestroyed') {
      clearTimeout(route.endTimer);
      if (this.routes.get(id) === route) this.routes.delete(id);
    } else if (type === 'StasisEnd' && !route.endTimer) {
      route.endTimer = setTimeout(() => {
        if (this.routes.get(id) === route) this.routes.delete(id);
      }, 1000);
      route.endTimer.unref();
    }
  }

  private onStasisStart(channel: AriChannel, args: string[]): void {
    const incoming = parseStasisArgs(args);
    if (!incoming) {
      this.logger.warn({ channel: channel.id, args }, 'channel entered the app with unknown arguments: hanging up');
      this.hangupChannel(channel.id);
      return;
    }
    // A hung-up channel whose `h` extension falls through to the catch-all pattern re-enters Stasis with
    // exten `h`: it is already gone, not a call.
    if (incoming.exten === 'h') return;
    this.adopt(channel, incoming);
  }

  private adopt(channel: AriChannel, incoming: IncomingCall): void {
    const call = new AriCall(this, channel, incoming.exten);
    activeCalls.callStarted(channel.id, { endpoint: incoming.endpoint, answered: channel.state === 'Up' });
    this.routes.set(channel.id, call);
    this.callsStarted++;
    call.log.info({ kind: incoming.kind, exten: incoming.exten, caller: call.callerId.number, endpoint: incoming.endpoint }, 'call entered');
    const failed = (err: unknown) => {
      // The caller leaving mid-flow is routine, not a failure.
      if (err instanceof CallGoneError) return call.log.debug({ err: err.message }, 'call handler stopped: call gone');
      call.log.error({ err }, 'call handler failed');
      if (!call.isEnded) call.hangup('NORMAL_TEMPORARY_FAILURE').catch(() => {});
    };
    try {
      const handled = this.opts.onCall(call, incoming);
      if (handled && typeof handled.then === 'function') handled.then(undefined, failed);
    } catch (err) {
      failed(err);
    }
  }

  private hangupChannel(id: string): void {
    this.rest.call('channels.hangup', (c) => c.channels.hangup({ channelId: id }), id).catch(() => {});
  }

  // ---- (re)connect ----

  private onOpen(reconnect: boolean): void {
    if (reconnect) this.reconnects++;
    const info: ConnectedInfo = { reconnect, reconnects: this.reconnects };
    this.logger.info({ app: this.app, url: this.url, ...info }, reconnect ? 'ARI reconnected' : 'ARI connected');
    this.emit('connected', info);
    try {
      this.opts.onConnected?.(info);
    } catch (err) {
      this.logger.error({ err }, 'onConnected threw');
    }
    this.sweep().catch((err: Error) => this.logger.warn({ err: err.message }, 'ARI channel sweep failed'));
    this.filterEvents().catch((err: Error) => this.logger.warn({ err: err.message }, 'ARI event filter not set'));
  }

  /**
   * Asks Asterisk not to send ChannelVarset events to the app. Nothing here reads them, and every SIP call
   * brings five at its hangup (chan_pjsip's RTPAUDIOQOS* statistics), each with the channel's whole snapshot:
   * about half of a short call's events. Values ariflow needs from the dialplan come as user events instead.
   * Set on every (re)connection: the filter belongs to the app, which Asterisk may have dropped meanwhile.
   */
  private async filterEvents(): Promise<void> {
    const filter = { disallowed: [{ type: 'ChannelVarset' }] };
    await this.rest.call('applications.filter', (c) =>
      (c.applications as unknown as { filter(p: { applicationName: string; filter: object }): Promise<unknown> }).filter({ applicationName: this.app, filter }),
    );
  }

  /**
   * While the websocket was down Asterisk kept our channels in the app but dropped their events, and it
   * sends no StasisStart for them afterwards. So: calls whose channel is gone end; calls still there get
   * their lost playback events re-checked; channels in the app nobody here knows (left by a previous
   * process) are adopted if still ringing, hung up if already answered (their flow state is lost).
   */
  private async sweep(): Promise<void> {
    // Only routes that existed before the list was asked for can be judged by it: a call entering meanwhile
    // is routed but may be missing from the list.
    const known = [...this.routes];
    const list = (await this.rest.call('channels.list', (c) => c.channels.list())) as unknown as AriChannel[];
    if (this.closed) return;
    const present = new Set(list.map((c) => c.id));
    for (const [id, route] of known) {
      if (this.routes.get(id) !== route) continue;
      if (present.has(id)) {
        if (route instanceof AriCall) route.resync().catch(() => {});
      } else if (route instanceof AriCall) {
        route.end(undefined, 'channel gone while ARI was disconnected');
      } else if (route instanceof OwnedRoute && route.seen) {
        route.handle({ type: 'ChannelDestroyed', channel: { id } as AriChannel });
        this.routes.delete(id);
      }
    }
    const strangers = list.filter((c) => !this.routes.has(c.id) && this.inThisApp(c));
    if (strangers.length === 0) return;
    // A call entering right now shows up in the list before its StasisStart: give it time to be claimed.
    await new Promise<void>((resolve) => {
      this.sweepTimer = setTimeout(resolve, this.opts.sweepGraceMs ?? 500);
    });
    this.sweepTimer = undefined;
    if (this.closed) return;
    for (const channel of strangers) {
      if (this.routes.has(channel.id)) continue;
      const incoming = parseStasisArgs(channel.dialplan?.app_data?.split(',').slice(1) ?? []);
      if (incoming && incoming.exten !== 'h' && channel.state !== 'Up') {
        this.logger.info({ channel: channel.id, exten: incoming.exten }, 'adopting a ringing call left in the app');
        this.adopt(channel, incoming);
      } else {
        this.logger.info({ channel: channel.id, state: channel.state }, 'hanging up a channel left in the app');
        this.hangupChannel(channel.id);
      }
    }
  }

  private inThisApp(channel: AriChannel): boolean {
    const dp = channel.dialplan;
    if (dp?.app_name !== 'Stasis' || !dp.app_data) return false;
    const comma = dp.app_data.indexOf(',');
    return (comma < 0 ? dp.app_data : dp.app_data.slice(0, comma)) === this.app;
  }
}

/**
 * Connects the Stasis app `config.ariApp` and hands each inbound call to `onCall`. Retries for
 * config.startupTimeoutMs, then rejects with AriUnreachableError naming ARI and the URL.
 */
export async function connectAri(config: Config, logger: Logger, opts: AriConnectionOptions): Promise<AriConnection> {
  const conn = new AriConnection(config, logger, opts);
  try {
    await conn.start();
  } catch (err) {
    await conn.close({ hangupCalls: false });
    throw err;
  }
  return conn;
}
