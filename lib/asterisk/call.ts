// One inbound call in the Stasis app, driven through the CallControl port over ARI.
// The connection routes the channel's events here (handle); nothing per call is registered on a shared
// emitter, so nothing can leak: ending the call drops it from the connection's routing table.
import { randomUUID } from 'node:crypto';
import type { Client } from 'ari-client';
import type { StepLatency } from './step-latency.ts';
import {
  CallGoneError,
  type CallControl,
  type CallerId,
  type CollectOptions,
  type CollectResult,
  type DialLeg,
  type DialOptions,
  type DialResult,
  type ConferenceJoin,
  type ConferenceJoinResult,
  type PageOptions,
  type PageResult,
  type DeviceState,
  type DtmfOptions,
  type CallRecording,
  type MessageCounts,
  type PlayOptions,
  type PlayResult,
  type RecordOptions,
  type RecordResult,
  type ToneDetectOptions,
  type ToneDetectResult,
  type FaxReceiveOptions,
  type FaxReceiveResult,
  type CallTarget,
  type EavesdropMode,
  type ParkSlot,
  type Parking,
  type TakeResult,
} from '../callcontrol/port.ts';
import type { Logger } from '../log.ts';
import { AriRequestError } from './ari-errors.ts';
import type { AriChannel, AriEvent } from './ari-types.ts';
import { runDial } from './dial.ts';
import { activeCalls } from './active-calls.ts';
import type { SessionHost } from './session.ts';
import * as takeover from './takeover.ts';
import { joinConference } from './conference.ts';
import { runPage } from './page.ts';
import { causeCode, causeName } from './hangup-causes.ts';
import type { AriRest } from './rest.ts';
import { publishMwi } from './mwi.ts';
import { runReceiveFax } from './fax.ts';
import { endpointsInUse, setDeviceState } from './device-state.ts';
import { collectRecording, recordingEnd, recordingName, type WatchRecording } from './recording.ts';

/** What a call needs from its connection. */
export interface CallHost {
  readonly rest: AriRest;
  readonly logger: Logger;
  /** The call ended: stop routing its channel's events to it. */
  release(call: AriCall): void;
  /** Where the engine's event → next-command latency is recorded (benchmarks, metrics). */
  readonly stepLatency?: StepLatency;
  /** The Stasis app: snoop channels (recordCall) and MWI originates are created into it. */
  readonly app?: string;
  /** Pre-registers the id of a channel the call creates (snoop); its events go to the handler. */
  reserveChannelId?(handler: (event: AriEvent) => void): string;
  releaseChannel?(id: string): void;
  /** Routes a recording's events (by name), also after the call's channel is gone. */
  watchRecording?: WatchRecording;
}

interface ActivePlayback {
  id: string;
  finished(state: string): void;
}

/** How often detectTone() reads the detector's hit count. */
const TONE_POLL_MS = 150;
/** Asterisk format names of 8 kHz codecs (res_tonedetect's DSP assumes 8 kHz). */
const NARROWBAND_FORMATS = /^(ulaw|alaw|gsm|slin|g729|g726|g726aal2|g723|ilbc|lpc10|adpcm|speex|silk8|testlaw|codec2)$/;

type PlayOutcome = 'done' | 'failed' | 'aborted' | { digit: string };

export class AriCall implements CallControl {
  readonly id: string;
  readonly dialed: string;
  readonly channelVars: Readonly<Record<string, string>>;
  answeredAt?: Date;
  hangupCause?: string;
  readonly log: Logger;

  private cid: CallerId;
  private readonly ctrl = new AbortController();
  private ended = false;
  /** Digits pressed and not consumed yet (Kazoo keeps digits pressed during a prompt for the next collect). */
  private digits = '';
  /** The current play or collect, told about each new digit (after it is appended to `digits`). */
  private digitHook?: (digit: string) => void;
  private playback?: ActivePlayback;
  /** Rejecters of the waits in progress, all called with CallGoneError when the call ends. */
  private readonly waiters = new Set<(err: CallGoneError) => void>();
  private endedPromise?: Promise<void>;
  private resolveEnded?: () => void;
  private ringing?: 'ring' | 'moh';
  /** Q.850 code of our own hangup(), for when its events arrive before its REST answer. */
  private ownCause?: number;
  /** dial() follows the caller's own events while it runs (its ringback playback). */
  private tap?: (e: AriEvent) => void;
  /** When the last step-completing event arrived (0: the next command is not a reaction to one). */
  private stepEventAt = performance.now();

  constructor(private readonly host: CallHost, channel: AriChannel, dialed: string) {
    this.id = channel.id;
    this.dialed = dialed;
    this.cid = { number: channel.caller?.number ?? '', name: channel.caller?.name ?? '' };
    this.channelVars = channel.channelvars ?? {};
    if (channel.state === 'Up') this.answeredAt = new Date();
    this.log = host.logger.child({ call: channel.id });
  }

  get signal(): AbortSignal {
    return this.ctrl.signal;
  }

  get callerId(): CallerId {
    return this.cid;
  }

  /** True once the call has ended (hung up, destroyed, or left the app). */
  get isEnded(): boolean {
    return this.ended;
  }

  isAnswered(): boolean {
    return this.answeredAt !== undefined;
  }

  // ---- events routed by the connection ----

  handle(e: AriEvent): void {
    this.tap?.(e);
    switch (e.type) {
      case 'ChannelDtmfReceived':
        if (e.digit && !this.ended) {
          this.digits += e.digit;
          this.digitHook?.(e.digit);
        }
        break;
      case 'PlaybackFinished':
        this.stepEventAt = performance.now();
        if (e.playback && this.playback?.id === e.playback.id) this.playback.finished(e.playback.state);
        break;
      case 'ChannelStateChange':
        if (e.channel?.state === 'Up' && !this.answeredAt) {
          this.answeredAt = new Date();
          activeCalls.callAnswered(this.id);
        }
        break;
      case 'ChannelHangupRequest':
        // A soft hangup request's `cause` holds Asterisk's soft-hangup flags, not a Q.850 code.
        this.end(e.soft ? undefined : e.cause, 'hangup requested');
        break;
      case 'StasisEnd':
        this.end(undefined, 'call left the application');
        break;
      case 'ChannelDestroyed':
        this.end(e.cause, 'channel destroyed');
        break;
    }
  }

  /** Ends the call locally (events said so, the channel 404s, or the connection found it gone). */
  end(cause: number | undefined, why: string): void {
    if (this.ended) return;
    this.ended = true;
    activeCalls.callEnded(this.id);
    this.hangupCause ??= causeName(cause ?? this.ownCause);
    this.host.release(this);
    const err = new CallGoneError(this.id, why);
    this.ctrl.abort(err);
    const waiters = [...this.waiters];
    this.waiters.clear();
    this.digitHook = undefined;
    this.playback = undefined;
    for (const reject of waiters) reject(err);
    this.resolveEnded?.();
    this.log.info({ cause: this.hangupCause, why }, 'call ended');
  }

  /** After a websocket gap: a playback whose PlaybackFinished was lost is finished now. */
  async resync(): Promise<void> {
    const pb = this.playback;
    if (!pb || this.ended) return;
    try {
      await this.host.rest.call('playbacks.get', (c) => c.playbacks.get({ playbackId: pb.id }));
    } catch (err) {
      if (err instanceof AriRequestError && err.notFound && this.playback === pb) pb.finished('done');
    }
  }

  // ---- CallControl ----

  async answer(): Promise<void> {
    if (this.ended) throw this.gone();
    if (this.answeredAt) return;
    await this.rest('channels.answer', (c) => c.channels.answer({ channelId: this.id }));
    this.answeredAt ??= new Date();
    activeCalls.callAnswered(this.id);
    this.log.debug('answered');
  }

  async play(media: string[], opts: PlayOptions = {}): Promise<PlayResult> {
    if (this.ended) throw this.gone();
    const terminators = opts.terminators ?? [];
    let failed = false;
    const buffered = this.digits.length;
    // One playback per item: within one multi-media playback ARI reports a missing file as `done`.
    for (const uri of media) {
      // A terminator pressed between two items stops the list as well.
      const early = terminators.length > 0 ? [...this.digits.slice(buffered)].find((d) => terminators.includes(d)) : undefined;
      if (early !== undefined) return { status: 'interrupted', digit: early };
      if (opts.signal?.aborted) return { status: 'interrupted' };
      const outcome = await this.playOne(uri, terminators, opts.language, opts.maxMs, opts.signal);
      if (typeof outcome === 'object') return { status: 'interrupted', digit: outcome.digit };
      if (outcome === 'aborted') return { status: 'interrupted' };
      if (outcome === 'failed') {
        failed = true;
        this.log.warn({ media: uri }, 'media could not be played');
      }
    }
    return { status: failed ? 'failed' : 'done' };
  }

  private playOne(media: string, terminators: readonly string[], language?: string, maxMs?: number, signal?: AbortSignal): Promise<PlayOutcome> {
    if (this.ended) return Promise.reject(this.gone());
    const playbackId = randomUUID();
    return new Promise<PlayOutcome>((resolve, reject) => {
      let digit: string | undefined;
      let posted = false;
      let stopWanted = false;
      let limit: NodeJS.Timeout | undefined;
      let aborted = false;
      const settle = () => {
        clearTimeout(limit);
        signal?.removeEventListener('abort', onAbort);
        this.waiters.delete(onEnd);
        if (this.playback === active) this.playback = undefined;
        if (this.digitHook === onDigit) this.digitHook = undefined;
      };
      const onEnd = (err: CallGoneError) => {
        settle();
        reject(err);
      };
      const stop = () => {
        stopWanted = true;
        // 404 = it finished meanwhile; either way PlaybackFinished follows and settles the play.
        if (posted) this.host.rest.call('playbacks.stop', (c) => c.playbacks.stop({ playbackId })).catch(() => {});
      };
      const onDigit = (d: string) => {
        if (digit === undefined && terminators.includes(d)) {
          digit = d;
          stop();
        }
      };
      const onAbort = () => {
        aborted = true;
        stop();
      };
      const active: ActivePlayback = {
        id: playbackId,
        finished: (state) => {
          settle();
          resolve(digit !== undefined ? { digit } : aborted ? 'aborted' : state === 'failed' ? 'failed' : 'done');
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(onEnd);
      this.playback = active;
      if (terminators.length > 0) this.digitHook = onDigit;
      const params: { channelId: string; media: string; playbackId: string; lang?: string } = { channelId: this.id, media, playbackId };
      if (language) params.lang = language;
      // PlaybackFinished can arrive before this REST answer (a missing file fails within ~2 ms).
      this.rest('channels.play', (c) => c.channels.play(params)).then(
        () => {
          posted = true;
          if (stopWanted && this.playback === active) stop();
          // A stop at the limit ends as `done` (no digit): tones and streams have no end of their own.
          else if (maxMs !== undefined && maxMs > 0 && this.playback === active) limit = setTimeout(stop, maxMs);
        },
        (err: Error) => {
          if (this.playback !== active) return;
          settle();
          reject(err);
        },
      );
    });
  }

  async startRinging(kind: 'ring' | 'moh', mohClass?: string): Promise<void> {
    if (this.ended) throw this.gone();
    if (this.ringing && this.ringing !== kind) await this.stopRinging();
    if (kind === 'ring') await this.rest('channels.ring', (c) => c.channels.ring({ channelId: this.id }));
    else await this.rest('channels.startMoh', (c) => c.channels.startMoh(mohClass ? { channelId: this.id, mohClass } : { channelId: this.id }));
    this.ringing = kind;
  }

  async stopRinging(): Promise<void> {
    if (this.ended) throw this.gone();
    const kind = this.ringing;
    this.ringing = undefined;
    if (kind === 'ring') await this.rest('channels.ringStop', (c) => c.channels.ringStop({ channelId: this.id }));
    else if (kind === 'moh') await this.rest('channels.stopMoh', (c) => c.channels.stopMoh({ channelId: this.id }));
  }

  collectDigits(opts: CollectOptions): Promise<CollectResult> {
    if (this.ended) return Promise.reject(this.gone());
    const max = opts.maxDigits > 0 ? opts.maxDigits : Number.POSITIVE_INFINITY;
    const terminators = opts.terminators ?? [];
    return new Promise<CollectResult>((resolve, reject) => {
      let got = '';
      let timer: NodeJS.Timeout | undefined;
      const settle = () => {
        clearTimeout(timer);
        this.waiters.delete(onEnd);
        if (this.digitHook === pump) this.digitHook = undefined;
      };
      const finish = (reason: CollectResult['reason']) => {
        settle();
        resolve({ digits: got, reason });
      };
      const onEnd = (err: CallGoneError) => {
        settle();
        reject(err);
      };
      // Consumes buffered digits first (pressed during a prompt), then each new one as it arrives.
      const pump = () => {
        while (this.digits.length > 0) {
          const d = this.digits[0];
          this.digits = this.digits.slice(1);
          if (terminators.includes(d)) return finish('terminator');
          got += d;
          if (got.length >= max) return finish('max_digits');
        }
        clearTimeout(timer);
        timer = setTimeout(() => finish('timeout'), got.length > 0 ? opts.interdigitMs : opts.timeoutMs);
      };
      this.waiters.add(onEnd);
      this.digitHook = pump;
      pump();
    });
  }

  flushDigits(): void {
    this.digits = '';
  }

  async sendDtmf(digits: string, opts: DtmfOptions = {}): Promise<void> {
    const params: { channelId: string; dtmf: string; duration?: number; between?: number } = { channelId: this.id, dtmf: digits };
    if (opts.durationMs !== undefined) params.duration = opts.durationMs;
    if (opts.betweenMs !== undefined) params.between = opts.betweenMs;
    await this.rest('channels.sendDTMF', (c) => c.channels.sendDTMF(params));
  }

  async setCallerId(cid: Partial<CallerId>): Promise<void> {
    if (this.ended) throw this.gone();
    const sets: Promise<unknown>[] = [];
    if (cid.number !== undefined) sets.push(this.setVariable('CALLERID(num)', cid.number));
    if (cid.name !== undefined) sets.push(this.setVariable('CALLERID(name)', cid.name));
    await Promise.all(sets);
    this.cid = { number: cid.number ?? this.cid.number, name: cid.name ?? this.cid.name };
  }

  async setVariable(name: string, value: string): Promise<void> {
    await this.rest('channels.setChannelVar', (c) => c.channels.setChannelVar({ channelId: this.id, variable: name, value }));
  }

  async getVariable(name: string): Promise<string | undefined> {
    try {
      const res = await this.rest('channels.getChannelVar', (c) => c.channels.getChannelVar({ channelId: this.id, variable: name }));
      return res.value;
    } catch (err) {
      // "Provided variable was not found": unset is not an error for a callflow.
      if (err instanceof AriRequestError && err.notFound) return undefined;
      throw err;
    }
  }

  async hangup(cause?: string): Promise<void> {
    if (this.ended) throw this.gone();
    let code = cause === undefined ? 16 : causeCode(cause);
    if (code === undefined) {
      this.log.warn({ cause }, 'unknown hangup cause, using NORMAL_CLEARING');
      code = 16;
    }
    // reason_code is in ARI's hangup since Asterisk 16; the typings predate it.
    const params = { channelId: this.id, reason_code: String(code) } as { channelId: string };
    this.ownCause = code;
    await this.rest('channels.hangup', (c) => c.channels.hangup(params));
    this.end(code, 'hung up by ariflow');
  }

  // ---- recording and MWI ----

  async record(opts: RecordOptions): Promise<RecordResult> {
    if (this.ended) throw this.gone();
    const name = recordingName();
    const terminateOn = opts.terminateOn ?? '#';
    const stops = terminateOn === 'any' ? '0123456789*#ABCD' : terminateOn === '#' ? '#' : '';
    const maxDurationSec = Math.max(0, Math.floor(opts.maxDurationSec));
    const end = recordingEnd(this.host.rest, this.host.watchRecording, name);
    let digit: string | undefined;
    const onDigit = (d: string) => {
      if (digit !== undefined || !stops.includes(d)) return;
      digit = d;
      // The digit that stopped the recording is consumed: it must not answer the next prompt.
      const i = this.digits.lastIndexOf(d);
      if (i >= 0) this.digits = this.digits.slice(0, i) + this.digits.slice(i + 1);
    };
    this.digitHook = onDigit;
    const startedAt = Date.now();
    try {
      await this.rest('channels.record', (c) =>
        c.channels.record({
          channelId: this.id,
          name,
          format: 'wav',
          maxDurationSeconds: maxDurationSec,
          maxSilenceSeconds: Math.max(0, Math.floor(opts.maxSilenceSec ?? 0)),
          beep: opts.beep ?? false,
          terminateOn,
          ifExists: 'overwrite',
        }),
      );
    } catch (err) {
      end.cancel();
      if (this.digitHook === onDigit) this.digitHook = undefined;
      throw err;
    }
    let hungUp = false;
    let live = await Promise.race([end.promise, this.waitForHangup().then(() => (hungUp = true) && undefined)]);
    if (this.digitHook === onDigit) this.digitHook = undefined;
    // Asterisk ends the recording when the channel goes; its RecordingFinished follows the hangup.
    if (hungUp) live = await Promise.race([end.promise, new Promise<undefined>((r) => void setTimeout(() => r(undefined), 5000))]);
    end.cancel();
    if (live?.state === 'failed' && !hungUp) throw new AriRequestError('channels.record', live.cause ?? 'recording failed');
    let reason: RecordResult['reason'];
    if (hungUp) reason = 'hangup';
    else if (digit !== undefined) reason = 'dtmf';
    else if (maxDurationSec > 0 && Date.now() - startedAt >= maxDurationSec * 1000 - 250) reason = 'max';
    else reason = opts.maxSilenceSec ? 'silence' : 'dtmf';
    const saved = await collectRecording(this.host.rest, this.log, name, opts.path);
    this.log.debug({ recording: name, reason, durationMs: saved.durationMs }, 'recorded');
    return { ...saved, reason, ...(reason === 'dtmf' && digit !== undefined ? { digit } : {}) };
  }

  async recordCall(opts: Omit<RecordOptions, 'maxSilenceSec' | 'beep' | 'terminateOn'>): Promise<CallRecording> {
    if (this.ended) throw this.gone();
    const host = this.host;
    const app = host.app;
    if (!app || !host.reserveChannelId) throw new Error('call recording needs a connection that can create snoop channels');
    let inApp!: () => void;
    let snoopGone!: () => void;
    let snoopEnded = false;
    const entered = new Promise<void>((resolve, reject) => {
      inApp = resolve;
      snoopGone = () => reject(new CallGoneError(this.id, 'snoop channel gone'));
    });
    entered.catch(() => {});
    const snoopId = host.reserveChannelId((e) => {
      if (e.type === 'StasisStart') inApp();
      else if (e.type === 'StasisEnd' || e.type === 'ChannelDestroyed') {
        snoopEnded = true;
        snoopGone();
      }
    });
    const dropSnoop = () => {
      if (snoopEnded) return Promise.resolve();
      snoopEnded = true;
      return host.rest.call('channels.hangup (snoop)', (c) => c.channels.hangup({ channelId: snoopId })).then(
        () => {},
        () => host.releaseChannel?.(snoopId),
      );
    };
    const name = recordingName();
    const end = recordingEnd(host.rest, host.watchRecording, name);
    try {
      // spy both: what the caller says and what the call plays or bridges to it, mixed.
      await this.rest('channels.snoopChannelWithId', (c) => c.channels.snoopChannelWithId({ channelId: this.id, snoopId, spy: 'both', app, appArgs: 'snoop' }));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        entered,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('snoop channel did not enter the app')), host.rest.timeoutMs);
        }),
      ]).finally(() => clearTimeout(timer));
      await host.rest.call(
        'channels.record (snoop)',
        (c) => c.channels.record({ channelId: snoopId, name, format: 'wav', maxDurationSeconds: Math.max(0, Math.floor(opts.maxDurationSec)), terminateOn: 'none', ifExists: 'overwrite' }),
        snoopId,
      );
    } catch (err) {
      end.cancel();
      await dropSnoop();
      throw err;
    }
    const startedAt = Date.now();
    let stopped = false;
    const done: Promise<RecordResult> = end.promise.then(async () => {
      await dropSnoop();
      const reason: RecordResult['reason'] = stopped
        ? 'stopped'
        : this.ended
          ? 'hangup'
          : opts.maxDurationSec > 0 && Date.now() - startedAt >= opts.maxDurationSec * 1000 - 250
            ? 'max'
            : 'hangup';
      try {
        return { ...(await collectRecording(host.rest, this.log, name, opts.path)), reason };
      } catch (err) {
        this.log.error({ err, recording: name }, 'saving a call recording failed');
        return { durationMs: 0, reason };
      }
    });
    return {
      done,
      stop: async () => {
        stopped = true;
        await host.rest.call('recordings.stop', (c) => c.recordings.stop({ recordingName: name })).catch(() => end.cancel());
        return done;
      },
    };
  }

  async setMessageWaiting(mailbox: string, counts: MessageCounts): Promise<void> {
    if (!this.host.app) throw new Error('message waiting needs the connection\'s app name');
    await publishMwi(this.host.rest, this.host.app, mailbox, counts);
  }

  setDeviceState(name: string, state: DeviceState): Promise<void> {
    // `Stasis:` states need no channel: they may be set after hangup (a park slot freed by the parked call leaving).
    if (this.ended && !name.startsWith('Stasis:')) return Promise.reject(this.gone());
    return setDeviceState(this.host.rest, name, state, this.id);
  }

  endpointsInUse(endpoints: readonly string[]): Promise<string[]> {
    return endpointsInUse(this.host.rest, endpoints);
  }

  waitForHangup(): Promise<void> {
    if (this.ended) return Promise.resolve();
    this.endedPromise ??= new Promise<void>((resolve) => {
      this.resolveEnded = resolve;
    });
    return this.endedPromise;
  }

  joinConference(req: ConferenceJoin): Promise<ConferenceJoinResult> {
    if (this.ended) return Promise.reject(this.gone());
    return joinConference(this.tapped(), this.host.rest, req);
  }

  page(legs: DialLeg[], opts: PageOptions): Promise<PageResult> {
    if (this.ended) return Promise.reject(this.gone());
    return Promise.resolve().then(() => runPage(this.tapped(), this.sessionHost('paging'), legs, opts));
  }

  /** This call as dial/page/conference sessions see it (they follow its events through the tap). */
  private tapped() {
    return {
      id: this.id,
      signal: this.signal,
      log: this.log,
      isAnswered: () => this.isAnswered(),
      answer: () => this.answer(),
      setTap: (tap: ((e: AriEvent) => void) | undefined) => {
        this.tap = tap;
      },
    };
  }

  dial(legs: DialLeg[], opts: DialOptions): Promise<DialResult> {
    if (this.ended) return Promise.reject(this.gone());
    return Promise.resolve().then(() => runDial(this.tapped(), this.sessionHost('dialling'), legs, opts));
  }

  // ---- other calls (lib/asterisk/takeover.ts) ----

  pickup(target: CallTarget, opts?: { answered?: boolean; ringing?: boolean }): Promise<TakeResult> {
    if (this.ended) return Promise.reject(this.gone());
    return takeover.pickup(this, target, opts);
  }

  eavesdrop(target: CallTarget, mode: EavesdropMode): Promise<{ status: 'none' | 'ended'; modes?: EavesdropMode[] }> {
    if (this.ended) return Promise.reject(this.gone());
    // The eavesdropper's DTMF switches the mode (takeover.ts); it owns the digits while it eavesdrops.
    const digits = (fn: (digit: string) => void) => {
      this.digitHook = fn;
      return () => {
        if (this.digitHook === fn) this.digitHook = undefined;
      };
    };
    return takeover.eavesdrop(this, this.takeoverHost(), target, mode, digits);
  }

  activity(target: CallTarget): { ringing: number; answered: number } {
    return takeover.activity(this, target);
  }

  async park(slot: ParkSlot): Promise<Parking | undefined> {
    return takeover.park(this, this.takeoverHost(), slot);
  }

  parkedSlots(lot: string): { slot: string; callId: string; since: Date }[] {
    return takeover.parkedSlots(lot);
  }

  retrieve(slot: ParkSlot): Promise<TakeResult> {
    if (this.ended) return Promise.reject(this.gone());
    return takeover.retrieve(this, slot);
  }

  callBack(leg: DialLeg, exten: string, opts: { timeoutSec: number }): Promise<{ status: 'answered' | 'failed'; cause?: string }> {
    return takeover.callBack(this.takeoverHost(), this.log, leg, exten, opts);
  }

  /** The connection as dial, page and takeover sessions use it; throws when it cannot create channels. */
  private sessionHost(what: string): SessionHost {
    const { app, reserveChannelId, releaseChannel } = this.host;
    if (!app || !reserveChannelId || !releaseChannel) throw new Error(`${what} needs a connection that can create channels`);
    return { rest: this.host.rest, app, reserveChannelId: reserveChannelId.bind(this.host), releaseChannel: releaseChannel.bind(this.host) };
  }

  private takeoverHost(): SessionHost {
    return this.sessionHost('acting on other calls');
  }

  sleep(ms: number): Promise<void> {
    if (this.ended) return Promise.reject(this.gone());
    return new Promise<void>((resolve, reject) => {
      const onEnd = (err: CallGoneError) => {
        clearTimeout(timer);
        reject(err);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(onEnd);
        resolve();
      }, ms);
      this.waiters.add(onEnd);
    });
  }

  receiveFax(opts: FaxReceiveOptions): Promise<FaxReceiveResult> {
    if (this.ended) return Promise.reject(this.gone());
    const { app, reserveChannelId, releaseChannel } = this.host;
    if (!app || !reserveChannelId || !releaseChannel) return Promise.reject(new Error('receiving a fax needs a connection that can create channels'));
    const host = { rest: this.host.rest, app, reserveChannelId: reserveChannelId.bind(this.host), releaseChannel: releaseChannel.bind(this.host) };
    const caller = { id: this.id, signal: this.signal, log: this.log, isAnswered: () => this.isAnswered(), answer: () => this.answer() };
    return runReceiveFax(caller, host, opts);
  }

  async detectTone(opts: ToneDetectOptions): Promise<ToneDetectResult> {
    // res_tonedetect's TONE_DETECT on the read side (what the caller sends). It counts hits and raises no
    // event, so the count is polled. Its DSP takes every frame as 8 kHz audio: on a wideband channel
    // (slin16+, g722, opus) a tone is never recognised, which the caveat says.
    const format = await this.getVariable('CHANNEL(audioreadformat)');
    const caveat = format && !NARROWBAND_FORMATS.test(format) ? `tone detection needs 8 kHz audio, the channel reads ${format}` : undefined;
    const freq = Math.round(opts.frequencyHz);
    await this.setVariable(`TONE_DETECT(${freq},${Math.max(1, Math.round(opts.minDurationMs))},r)`, '');
    const deadline = Date.now() + opts.timeoutMs;
    try {
      for (;;) {
        if (Number(await this.getVariable('TONE_DETECT(rx)')) > 0) return { detected: true, caveat };
        const left = deadline - Date.now();
        if (left <= 0) return { detected: false, caveat };
        await this.sleep(Math.min(TONE_POLL_MS, left));
      }
    } finally {
      if (!this.ended) await this.setVariable('TONE_DETECT(0,,x)', '').catch(() => {});
    }
  }

  // ---- internals ----

  private gone(): CallGoneError {
    return new CallGoneError(this.id);
  }

  /** A REST call on this channel; a "channel gone" answer also ends the call here. */
  private async rest<T>(operation: string, run: (client: Client) => PromiseLike<T>): Promise<T> {
    if (this.ended) throw this.gone();
    if (this.stepEventAt) {
      this.host.stepLatency?.record(performance.now() - this.stepEventAt);
      this.stepEventAt = 0;
    }
    try {
      return await this.host.rest.call(operation, run, this.id);
    } catch (err) {
      if (err instanceof CallGoneError) this.end(undefined, 'channel gone');
      throw err;
    }
  }
}
