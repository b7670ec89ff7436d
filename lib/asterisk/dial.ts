// CallControl.dial() over ARI: rings legs from one call and bridges the first that answers.
// Each leg is a channel the app creates with a pre-generated id (channels.create, then dial), so its events
// reach this session from the very first one. ARI hangs up nothing by itself after BUSY/CONGESTION and a
// dial timeout shows only as ChannelDestroyed cause 19, so this session keeps its own timers and hangs up
// every leg it no longer wants, at once. The caller hears ringback (ring indication while unanswered,
// in-band tone once answered, music on hold, or media looped) until a leg wins or all fail.
import { randomUUID } from 'node:crypto';
import {
  CallGoneError,
  type DialLeg,
  type DialOptions,
  type DialResult,
} from '../callcontrol/port.ts';
import { activeCalls, type Taken, type Taker } from './active-calls.ts';
import { AriRequestError } from './ari-errors.ts';
import type { AriEvent } from './ari-types.ts';
import { causeName } from './hangup-causes.ts';
import { markInApp, untilInApp, type SessionCaller, type SessionHost } from './session.ts';

/** What a dial needs from the connection, and the calling side (AriCall): shared with page.ts / conference.ts. */
export type DialHost = SessionHost;
export type DialCaller = SessionCaller;

/** FreeSWITCH's cause for a user with no registration (Kazoo flows may have a child for it). */
export const NOT_REGISTERED = 'USER_NOT_REGISTERED';

/** Causes counted as a rejection for fail_on_single_reject (Kazoo: busy or declined). */
const REJECTIONS = new Set(['USER_BUSY', 'CALL_REJECTED']);
/** Causes of a require_keypress leg that fail the whole dial (Kazoo's Require-Fail-On-Single-Reject list). */
const CONFIRM_LEG_FAILURES = new Set(['USER_BUSY', 'CALL_REJECTED', 'NO_ANSWER', 'NORMAL_CLEARING', 'PROGRESS_TIMEOUT']);

/** SIP response for a cause, as Asterisk's PJSIP channel driver maps them (chan_pjsip hangup_cause2sip). */
const sipByCause: Record<string, number> = {
  UNALLOCATED_NUMBER: 404,
  NO_ROUTE_TRANSIT_NET: 404,
  NO_ROUTE_DESTINATION: 404,
  NORMAL_CIRCUIT_CONGESTION: 503,
  SWITCH_CONGESTION: 503,
  NO_USER_RESPONSE: 408,
  NO_ANSWER: 480,
  SUBSCRIBER_ABSENT: 480,
  CALL_REJECTED: 403,
  NUMBER_CHANGED: 410,
  NORMAL_UNSPECIFIED: 480,
  INVALID_NUMBER_FORMAT: 484,
  USER_BUSY: 486,
  NETWORK_OUT_OF_ORDER: 500,
  FACILITY_REJECTED: 501,
  CHAN_NOT_IMPLEMENTED: 503,
  DESTINATION_OUT_OF_ORDER: 502,
  BEARERCAPABILITY_NOTAVAIL: 488,
  INTERWORKING: 500,
};

/** The SIP code that goes with a Kazoo cause name, when there is one (derived, not read off the wire). */
export function sipCodeOf(cause: string): number | undefined {
  return sipByCause[cause];
}

/**
 * The cause a failed dial reports, from its legs' failures in the order they happened: the last leg that
 * was really tried (the one that held out longest, usually the unanswered one), like the media server's
 * final bridge cause; a leg that could not be reached at all only when no leg was.
 */
export function pickFailure(causes: readonly string[]): string {
  for (let i = causes.length - 1; i >= 0; i--) if (causes[i] !== NOT_REGISTERED) return causes[i];
  return causes.length ? causes[causes.length - 1] : 'NO_ROUTE_DESTINATION';
}

const HEADER_NAME = /^[A-Za-z][A-Za-z0-9-]{0,63}$/;

/** The dial string to create: Local legs never optimise away (the bridge must keep its channel). */
export function channelEndpoint(endpoint: string): string {
  if (!endpoint.startsWith('Local/')) return endpoint;
  const parts = endpoint.split('/');
  if (parts.length === 2) return `${endpoint}/n`;
  if (!parts[2].includes('n')) parts[2] += 'n';
  return parts.join('/');
}

/** Channel variables of a new leg: its own, the caller ID it shows, its SIP headers. */
export function legVariables(spec: Omit<DialLeg, 'failover'>, app: string): Record<string, string> {
  const vars: Record<string, string> = { ...spec.variables };
  // An outgoing channel presents its connected line (PJSIP puts it in From; a Local channel's far half gets
  // it as its caller ID). `i`: set without sending an update on a channel not yet called.
  if (spec.callerId) {
    vars['CONNECTEDLINE(num,i)'] = spec.callerId.number;
    vars['CONNECTEDLINE(name,i)'] = spec.callerId.name;
    if (spec.callerId.hidden) vars['CONNECTEDLINE(pres,i)'] = 'prohib';
  }
  if (spec.endpoint.startsWith('PJSIP/')) {
    for (const [name, value] of Object.entries(spec.headers ?? {})) {
      if (HEADER_NAME.test(name) && !/[\r\n]/.test(value) && value.length <= 1024) vars[`PJSIP_HEADER(add,${name})`] = value;
    }
  } else if (spec.endpoint.startsWith('Local/')) {
    // A loop back into ariflow (call forward) enters this app, not the dialplan's default one.
    vars.ARIFLOW_APP = app;
  }
  return vars;
}

type LegState = 'pending' | 'creating' | 'ringing' | 'confirming' | 'won' | 'done';

class LegRun {
  state: LegState = 'pending';
  spec: Omit<DialLeg, 'failover'>;
  usedFailover = false;
  channelId?: string;
  created = false;
  /** Its StasisStart came: ARI's create returns before the channel is in the app, and dial needs it there. */
  inApp = false;
  onInApp?: () => void;
  gone = false;
  hungUp = false;
  answered = false;
  /** Best cause known so far (Dial status, a hangup request, the channel's destruction). */
  cause?: string;
  timer?: NodeJS.Timeout;
  playbackId?: string;
  onGone?: () => void;

  constructor(readonly original: DialLeg) {
    this.spec = original;
  }
}

type RingOutcome = { winner: LegRun } | { failed: string } | { gone: true } | { taken: Taker; legId: string };

/** One side of the bridged conversation; `own`: a channel this session hangs up at the end (not the caller). */
interface Side {
  id: string;
  gone: Promise<void>;
  ended: boolean;
  own: boolean;
  hangup(): void;
  /** The dialled leg itself (not a taker): the side DialOptions.legEndDigits / handOffLeg apply to. */
  leg?: LegRun;
}

/** A conversation in progress; a side may be replaced by a taker (intercept, move). */
interface Conversation {
  bridgeId: string;
  a: Side;
  b: Side;
  wake(): void;
  /** The legEndDigits key the leg pressed: the conversation ends. */
  legDigit?: string;
}

class DialSession {
  private readonly legs: LegRun[];
  private ringing = true;
  private settle!: (outcome: RingOutcome) => void;
  private overall?: NodeJS.Timeout;
  private nextIndex = 0;
  private readonly failures: string[] = [];
  private ringback?: { kind: 'ring' | 'moh' } | { kind: 'play'; id: string; media: string[]; index: number; startedAt: number; fastFails: number };
  private ringbackStarting?: Promise<void>;
  private conversation?: Conversation;
  /** Resolved when the session is over (what a taker waits for). */
  private resolveOver!: () => void;
  private readonly over = new Promise<void>((resolve) => {
    this.resolveOver = resolve;
  });

  constructor(
    private readonly caller: DialCaller,
    private readonly host: DialHost,
    legs: DialLeg[],
    private readonly opts: DialOptions,
  ) {
    this.legs = legs.map((l) => new LegRun(l));
  }

  async run(): Promise<DialResult> {
    const { caller, opts } = this;
    if (caller.signal.aborted) throw new CallGoneError(caller.id);
    if (this.legs.length === 0) return { status: 'failed', cause: 'NO_ROUTE_DESTINATION', sipCode: 404 };
    const ringPhase = new Promise<RingOutcome>((resolve) => {
      this.settle = resolve;
    });
    const onAbort = () => this.finish({ gone: true });
    caller.signal.addEventListener('abort', onAbort, { once: true });
    caller.setTap((e) => this.onCallerEvent(e));
    activeCalls.dialStarted(caller.id, {
      takeRinging: (taker, legChannelId) => this.takeRinging(taker, legChannelId),
      replace: (taker, side) => this.replace(taker, side),
    });
    try {
      this.overall = setTimeout(() => this.finish({ failed: 'NO_ANSWER' }), Math.max(1, opts.timeoutSec) * 1000);
      this.ringbackStarting = this.startRingback();
      if (opts.strategy === 'single') this.startNext();
      else for (const leg of this.legs) this.schedule(leg);
      const outcome = await ringPhase;
      const winner = 'winner' in outcome ? outcome.winner : undefined;
      // Everyone else stops ringing now; "answered elsewhere" keeps phones from logging a missed call.
      for (const leg of this.legs) if (leg !== winner) this.cancel(leg, winner || 'taken' in outcome ? 26 : 16);
      await this.stopRingback();
      if ('gone' in outcome) throw new CallGoneError(caller.id, 'caller hung up while legs rang');
      if ('failed' in outcome) {
        caller.log.info({ cause: outcome.failed, legs: this.legs.length }, 'dial failed');
        return { status: 'failed', cause: outcome.failed, sipCode: sipCodeOf(outcome.failed) };
      }
      if ('taken' in outcome) {
        const taker = outcome.taken;
        caller.log.info({ leg: outcome.legId, by: taker.id }, 'ringing call taken over');
        const side: Side = { id: taker.id, gone: taker.gone, ended: false, own: true, hangup: () => this.hangupChannel(taker.id) };
        return { ...(await this.bridge(side, outcome.legId, 'pickup')), takenBy: taker.id } as DialResult;
      }
      const leg = outcome.winner;
      const legGone = new Promise<void>((resolve) => {
        if (leg.gone) resolve();
        else leg.onGone = resolve;
      });
      const side: Side = { id: leg.channelId!, gone: legGone, ended: false, own: true, hangup: () => this.hangupLeg(leg, 16), leg };
      return await this.bridge(side, leg.spec.id, leg.spec.endpoint);
    } finally {
      clearTimeout(this.overall);
      caller.signal.removeEventListener('abort', onAbort);
      caller.setTap(undefined);
      for (const leg of this.legs) if (leg.state !== 'won') this.cancel(leg, 16);
      activeCalls.dialEnded(caller.id);
      this.resolveOver();
    }
  }

  // ---- ringing ----

  private finish(outcome: RingOutcome): void {
    if (!this.ringing) return;
    this.ringing = false;
    this.settle(outcome);
  }

  private schedule(leg: LegRun): void {
    const delay = leg.spec.delaySec ?? 0;
    if (delay > 0) leg.timer = setTimeout(() => void this.start(leg), delay * 1000);
    else void this.start(leg);
  }

  /** `single`: the next leg in order, or the end when none is left. */
  private startNext(): void {
    if (!this.ringing) return;
    const leg = this.legs[this.nextIndex++];
    if (leg) this.schedule(leg);
    else this.finish({ failed: pickFailure(this.failures) });
  }

  private async start(leg: LegRun): Promise<void> {
    leg.timer = undefined;
    if (!this.ringing || leg.state !== 'pending') return;
    const { host, caller } = this;
    const spec = leg.spec;
    leg.state = 'creating';
    const channelId = host.reserveChannelId((e) => this.onLegEvent(leg, channelId, e));
    leg.channelId = channelId;
    leg.created = false;
    const endpoint = channelEndpoint(spec.endpoint);
    try {
      // channelId/variables are in ARI's create but not in ari-client's typings.
      const params = { endpoint, app: host.app, channelId, originator: caller.id, variables: legVariables(spec, host.app) };
      await host.rest.call('channels.create', (c) => c.channels.create(params as Parameters<typeof c.channels.create>[0]));
    } catch (err) {
      host.releaseChannel(channelId);
      leg.channelId = undefined;
      const unreachable = err instanceof AriRequestError && /allocation failed/i.test(err.ariMessage);
      if (unreachable && !leg.usedFailover && leg.original.failover && this.ringing) {
        caller.log.info({ leg: spec.id, endpoint }, 'leg unreachable, dialling its failover');
        leg.usedFailover = true;
        leg.spec = leg.original.failover;
        leg.state = 'pending';
        return this.start(leg);
      }
      if (!unreachable) caller.log.warn({ leg: spec.id, endpoint, err: (err as Error).message }, 'creating a leg failed');
      this.legFailed(leg, unreachable ? (endpoint.startsWith('PJSIP/') ? NOT_REGISTERED : 'NO_ROUTE_DESTINATION') : 'NORMAL_TEMPORARY_FAILURE');
      return;
    }
    leg.created = true;
    if (!leg.inApp && leg.state === 'creating' && this.ringing) await untilInApp(leg, host.rest.timeoutMs);
    if (leg.state !== 'creating') return void this.hangupLeg(leg, 16); // failed by its events meanwhile
    if (!this.ringing) return this.cancel(leg, 16);
    leg.state = 'ringing';
    activeCalls.legRinging(caller.id, { channelId, legId: spec.id, endpoint: spec.endpoint });
    const ringFor = spec.timeoutSec && spec.timeoutSec > 0 ? spec.timeoutSec : this.opts.timeoutSec;
    leg.timer = setTimeout(() => this.legFailed(leg, 'NO_ANSWER', 19), ringFor * 1000);
    caller.log.debug({ leg: spec.id, endpoint, channel: channelId, ringFor }, 'leg ringing');
    try {
      // Asterisk's own dial timeout is a backstop only: this session's timer ends the leg first.
      await host.rest.call('channels.dial', (c) => c.channels.dial({ channelId, timeout: ringFor + 5 }), channelId);
    } catch (err) {
      if (leg.state === 'ringing') {
        caller.log.warn({ leg: spec.id, err: (err as Error).message }, 'dialling a leg failed');
        this.legFailed(leg, err instanceof CallGoneError ? leg.cause ?? 'NORMAL_TEMPORARY_FAILURE' : 'NORMAL_TEMPORARY_FAILURE');
      }
    }
  }

  private onLegEvent(leg: LegRun, channelId: string, e: AriEvent): void {
    if (leg.channelId !== channelId) return;
    switch (e.type) {
      case 'StasisStart':
        return markInApp(leg);
      case 'Dial':
        switch (e.dialstatus) {
          case 'ANSWER':
            return this.legAnswered(leg);
          case 'BUSY':
            return this.legFailed(leg, 'USER_BUSY', 17);
          case 'CONGESTION':
            return this.legFailed(leg, 'NORMAL_CIRCUIT_CONGESTION', 34);
          case 'NOANSWER':
            return this.legFailed(leg, 'NO_ANSWER', 19);
          case 'CHANUNAVAIL':
            leg.cause ??= 'SUBSCRIBER_ABSENT';
            return;
          case 'FORWARD':
            // A phone-side redirect (3xx) is not followed: Kazoo's ignore_forward, its default.
            return this.legFailed(leg, 'REDIRECTION_TO_NEW_DESTINATION', 16);
        }
        return;
      case 'ChannelStateChange':
        if (e.channel?.state === 'Up') this.legAnswered(leg);
        return;
      case 'ChannelHangupRequest':
        // A soft request's `cause` holds Asterisk's soft-hangup flags, not a Q.850 code.
        if (!e.soft && e.cause) leg.cause ??= causeName(e.cause);
        return;
      case 'ChannelDtmfReceived':
        if (leg.state === 'confirming' && e.digit === leg.spec.confirm?.digit) this.confirmed(leg);
        else if (leg.state === 'won' && e.digit) this.legDigit(leg, e.digit);
        return;
      case 'PlaybackFinished':
        if (leg.state === 'confirming' && e.playback?.id === leg.playbackId) {
          if (!leg.spec.confirm) return this.whispered(leg);
          leg.playbackId = undefined;
          const wait = leg.spec.confirm?.timeoutMs ?? 0;
          leg.timer = setTimeout(() => this.legFailed(leg, 'NO_ANSWER', 16), wait);
        }
        return;
      case 'ChannelDestroyed':
        if (e.cause) leg.cause ??= causeName(e.cause);
        return this.legGone(leg);
      case 'StasisEnd':
        return this.legGone(leg);
    }
  }

  private legAnswered(leg: LegRun): void {
    if (leg.answered || leg.state === 'done') return;
    leg.answered = true;
    clearTimeout(leg.timer);
    leg.timer = undefined;
    // Answered after another leg won (or after the end): it is not wanted.
    if (!this.ringing) return this.cancel(leg, 16);
    const confirm = leg.spec.confirm;
    const whisper = leg.spec.whisper ?? [];
    if (!confirm && !whisper.length && !leg.spec.answerDigits) return this.win(leg);
    leg.state = 'confirming';
    const channelId = leg.channelId!;
    const digits = leg.spec.answerDigits;
    if (digits) {
      // Queued on the leg before the playback below, so the far end's IVR gets the extension first.
      this.host.rest
        .call('channels.sendDTMF (leg)', (c) => c.channels.sendDTMF({ channelId, dtmf: digits }), channelId)
        .catch((err: Error) => this.caller.log.debug({ leg: leg.spec.id, err: err.message }, 'sending digits to a leg failed'));
    }
    const media = [...whisper, ...(confirm?.media ?? [])];
    if (media.length === 0) {
      if (!confirm) return this.whispered(leg);
      leg.timer = setTimeout(() => this.legFailed(leg, 'NO_ANSWER', 16), confirm.timeoutMs);
      return;
    }
    const playbackId = randomUUID();
    leg.playbackId = playbackId;
    if (whisper.length) this.caller.log.info({ leg: leg.spec.id, channel: channelId, media: whisper }, 'whisper to leg');
    this.host.rest
      .call('channels.play (confirm)', (c) => c.channels.play({ channelId, media, playbackId } as Parameters<typeof c.channels.play>[0]), channelId)
      .catch(() => {
        if (leg.state !== 'confirming' || leg.playbackId !== playbackId) return;
        // A whisper that cannot play must not lose the call; a confirmation that cannot be asked does.
        if (confirm) this.legFailed(leg, 'NO_ANSWER', 16);
        else this.whispered(leg);
      });
  }

  /** A leg without confirmation has heard its whisper (or sent its digits): it takes the call. */
  private whispered(leg: LegRun): void {
    leg.playbackId = undefined;
    if (!this.ringing) return this.cancel(leg, 16);
    this.win(leg);
  }

  private confirmed(leg: LegRun): void {
    clearTimeout(leg.timer);
    leg.timer = undefined;
    const playbackId = leg.playbackId;
    leg.playbackId = undefined;
    if (playbackId) this.host.rest.call('playbacks.stop', (c) => c.playbacks.stop({ playbackId })).catch(() => {});
    if (!this.ringing) return this.cancel(leg, 16);
    this.win(leg);
  }

  private win(leg: LegRun): void {
    leg.state = 'won';
    this.caller.log.info({ leg: leg.spec.id, endpoint: leg.spec.endpoint }, 'leg answered');
    this.finish({ winner: leg });
  }

  private legGone(leg: LegRun): void {
    if (leg.gone) return;
    leg.gone = true;
    if (leg.state === 'won') {
      leg.onGone?.();
      return;
    }
    if (leg.state === 'creating' || leg.state === 'ringing' || leg.state === 'confirming') this.legFailed(leg, leg.cause ?? 'NORMAL_CLEARING');
  }

  /** The leg failed with `cause`; `hangupCode`: the Q.850 code to hang it up with, if it is still up. */
  private legFailed(leg: LegRun, cause: string, hangupCode = 16): void {
    if (leg.state === 'done' || leg.state === 'won' || leg.state === 'pending') return;
    leg.onInApp?.();
    clearTimeout(leg.timer);
    leg.timer = undefined;
    leg.state = 'done';
    if (leg.channelId) activeCalls.legEnded(this.caller.id, leg.channelId);
    leg.cause ??= cause;
    const final = cause === 'NORMAL_CLEARING' && leg.cause ? leg.cause : cause;
    this.failures.push(final);
    this.hangupLeg(leg, hangupCode);
    this.caller.log.debug({ leg: leg.spec.id, cause: final }, 'leg failed');
    if (!this.ringing) return;
    if ((this.opts.failOnSingleReject && REJECTIONS.has(final)) || (leg.spec.failOnReject && CONFIRM_LEG_FAILURES.has(final))) {
      return this.finish({ failed: final });
    }
    if (this.opts.strategy === 'single') return this.startNext();
    if (this.legs.every((l) => l.state === 'done')) this.finish({ failed: pickFailure(this.failures) });
  }

  /** Stops a leg this dial no longer wants (not yet started, ringing, confirming, or answered too late). */
  private cancel(leg: LegRun, code: number): void {
    leg.onInApp?.();
    clearTimeout(leg.timer);
    leg.timer = undefined;
    if (leg.state === 'done' && (leg.hungUp || leg.gone || !leg.created)) return;
    leg.state = 'done';
    if (leg.channelId) activeCalls.legEnded(this.caller.id, leg.channelId);
    this.hangupLeg(leg, code);
  }

  private hangupLeg(leg: LegRun, code: number): void {
    const channelId = leg.channelId;
    if (!channelId || !leg.created || leg.gone || leg.hungUp) return;
    leg.hungUp = true;
    // reason_code is in ARI's hangup since Asterisk 16; the typings predate it.
    const params = { channelId, reason_code: String(code) } as { channelId: string };
    this.host.rest.call('channels.hangup (leg)', (c) => c.channels.hangup(params), channelId).catch(() => {
      // Already gone: its events may never come, so stop routing them.
      if (!leg.gone) this.host.releaseChannel(channelId);
    });
  }

  // ---- ringback ----

  private async startRingback(): Promise<void> {
    const { caller, host } = this;
    const rb = this.opts.ringback ?? 'ring';
    const id = caller.id;
    try {
      if (rb === 'moh') {
        await host.rest.call('channels.startMoh', (c) => c.channels.startMoh({ channelId: id }), id);
        this.ringback = { kind: 'moh' };
      } else if (rb === 'ring' && !caller.isAnswered()) {
        await host.rest.call('channels.ring', (c) => c.channels.ring({ channelId: id }), id);
        this.ringback = { kind: 'ring' };
      } else {
        // An answered caller hears the ring tone in-band (a `tone:` playback lasts until stopped).
        const media = rb === 'ring' ? ['tone:ring'] : rb.media.length ? rb.media : ['tone:ring'];
        this.ringback = { kind: 'play', id: '', media, index: 0, startedAt: 0, fastFails: 0 };
        await this.playRingback();
      }
    } catch (err) {
      if (!(err instanceof CallGoneError)) caller.log.warn({ err: (err as Error).message }, 'ringback failed');
    }
  }

  private async playRingback(): Promise<void> {
    const rb = this.ringback;
    if (!rb || rb.kind !== 'play' || !this.ringing) return;
    const playbackId = randomUUID();
    rb.id = playbackId;
    rb.startedAt = Date.now();
    const media = rb.media[rb.index % rb.media.length];
    const channelId = this.caller.id;
    await this.host.rest.call('channels.play (ringback)', (c) => c.channels.play({ channelId, media, playbackId }), channelId);
    // Stopped while this playback was being started: it must not play on into the bridge.
    if (this.ringback !== rb || rb.id !== playbackId) {
      await this.host.rest.call('playbacks.stop (ringback)', (c) => c.playbacks.stop({ playbackId })).catch(() => {});
    }
  }

  private onCallerEvent(e: AriEvent): void {
    const rb = this.ringback;
    if (e.type !== 'PlaybackFinished' || !rb || rb.kind !== 'play' || e.playback?.id !== rb.id || !this.ringing) return;
    // Media that ends at once (missing file) must not spin: give up looping after a few.
    if (Date.now() - rb.startedAt < 200 && ++rb.fastFails >= 3) return;
    rb.index++;
    this.playRingback().catch((err: Error) => this.caller.log.debug({ err: err.message }, 'ringback playback failed'));
  }

  private async stopRingback(): Promise<void> {
    await this.ringbackStarting?.catch(() => {});
    const rb = this.ringback;
    this.ringback = undefined;
    if (!rb || this.caller.signal.aborted) return;
    const id = this.caller.id;
    const rest = this.host.rest;
    let stop: Promise<unknown>;
    if (rb.kind === 'play') {
      const playbackId = rb.id;
      stop = rest.call('playbacks.stop (ringback)', (c) => c.playbacks.stop({ playbackId }));
    } else if (rb.kind === 'moh') stop = rest.call('channels.stopMoh', (c) => c.channels.stopMoh({ channelId: id }), id);
    else stop = rest.call('channels.ringStop', (c) => c.channels.ringStop({ channelId: id }), id);
    await stop.catch(() => {});
  }

  // ---- bridged ----

  /**
   * Answers the caller if needed, bridges it with side `b` (the winning leg, or a call that picked it up)
   * and waits until either side leaves. A side replaced meanwhile (intercept, move) is watched in its stead.
   */
  private async bridge(b: Side, legId: string, endpoint: string): Promise<DialResult> {
    const { caller, host } = this;
    const answeredAt = new Date();
    const callerGone = new Promise<void>((resolve) => {
      if (caller.signal.aborted) resolve();
      else caller.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    const a: Side = { id: caller.id, gone: callerGone, ended: false, own: false, hangup: () => this.hangupChannel(caller.id) };
    for (const side of [a, b]) void side.gone.then(() => (side.ended = true));
    const bridgeId = randomUUID();
    let bridgeMade = false;
    let handedOff: string | undefined;
    let conv: Conversation | undefined;
    try {
      await Promise.all([
        caller.isAnswered() ? undefined : caller.answer(),
        // DTMF must still be heard while bridged (a plain mixing bridge of two SIP legs goes native RTP).
        host.rest
          .call('bridges.create', (c) => c.bridges.create({ type: 'mixing,dtmf_events', bridgeId } as Parameters<typeof c.bridges.create>[0]))
          .then(() => {
            bridgeMade = true;
          }),
      ]);
      if (!b.ended && !caller.signal.aborted) {
        await host.rest.call('bridges.addChannel', (c) => c.bridges.addChannel({ bridgeId, channel: [caller.id, b.id] }));
        caller.log.info({ leg: legId, bridge: bridgeId }, 'bridged');
        let wake!: () => void;
        let woken = new Promise<void>((r) => (wake = r));
        conv = { bridgeId, a, b, wake: () => wake() };
        this.conversation = conv;
        activeCalls.bridged(caller.id, bridgeId, { channelId: b.id, legId, endpoint, ...(legId.includes(':') || endpoint === 'pickup' ? {} : { deviceId: legId }) });
        while (!conv.a.ended && !conv.b.ended && !conv.legDigit) {
          await Promise.race([conv.a.gone, conv.b.gone, woken]);
          woken = new Promise<void>((r) => (wake = r));
        }
      }
    } catch (err) {
      if (!(err instanceof CallGoneError) && !caller.signal.aborted && !b.ended) caller.log.warn({ err: (err as Error).message }, 'bridging failed');
    } finally {
      this.conversation = undefined;
      const sides = conv ? [conv.a, conv.b] : [a, b];
      const why = conv?.legDigit ? 'leg_digit' : conv?.a.ended ? 'caller_hangup' : undefined;
      const keep = why && this.opts.handOffLeg?.on.includes(why) ? sides.find((s) => s.leg && !s.ended) : undefined;
      for (const side of sides) if (side.own && !side.ended && side !== keep) side.hangup();
      if (bridgeMade) await host.rest.call('bridges.destroy', (c) => c.bridges.destroy({ bridgeId })).catch(() => {});
      if (keep?.leg) handedOff = await this.handOff(keep.leg);
    }
    const endedBy = conv?.legDigit ? 'leg_digit' : conv ? (conv.a.ended ? 'caller' : 'leg') : undefined;
    return {
      status: 'answered',
      leg: legId,
      endpoint,
      answeredAt,
      ...(endedBy ? { endedBy } : {}),
      ...(conv?.legDigit ? { digit: conv.legDigit } : {}),
      ...(handedOff ? { handedOff } : {}),
    };
  }

  /** A legEndDigits key from the bridged leg ends the conversation. */
  private legDigit(leg: LegRun, digit: string): void {
    const conv = this.conversation;
    if (!conv || conv.legDigit || conv.b.leg !== leg || !this.opts.legEndDigits?.includes(digit)) return;
    this.caller.log.info({ leg: leg.spec.id, digit }, 'leg pressed an end key');
    conv.legDigit = digit;
    conv.wake();
  }

  /**
   * DialOptions.handOffLeg: the answered leg leaves this session (its events stop coming here) and re-enters the
   * app as a new inbound call (ARI move with the Stasis arguments of `inbound,<exten>,<account>`). Undefined
   * (and the leg hung up) when it could not be moved.
   */
  private async handOff(leg: LegRun): Promise<string | undefined> {
    const ho = this.opts.handOffLeg!;
    const { host } = this;
    const channelId = leg.channelId!;
    try {
      if (ho.callerId) {
        for (const [variable, value] of [['CALLERID(num)', ho.callerId.number], ['CALLERID(name)', ho.callerId.name]]) {
          await host.rest.call('channels.setChannelVar (hand off)', (c) => c.channels.setChannelVar({ channelId, variable, value }), channelId);
        }
      }
      activeCalls.legEnded(this.caller.id, channelId);
      host.releaseChannel(channelId);
      // channels.move (Asterisk 16+) is in ARI but not in ari-client's typings.
      const params = { channelId, app: host.app, appArgs: `inbound,${ho.exten},${ho.accountId}` };
      await host.rest.call('channels.move (hand off)', (c) => (c.channels as unknown as { move(p: typeof params): Promise<void> }).move(params), channelId);
      this.caller.log.info({ leg: leg.spec.id, channel: channelId, exten: ho.exten }, 'leg handed off as a new call');
      return channelId;
    } catch (err) {
      this.caller.log.warn({ leg: leg.spec.id, err: (err as Error).message }, 'handing the leg off failed');
      leg.hungUp = true;
      host.rest.call('channels.hangup (hand off)', (c) => c.channels.hangup({ channelId }), channelId).catch(() => {});
      return undefined;
    }
  }

  // ---- taken over by another call (lib/asterisk/takeover.ts) ----

  /** Pickup: the taker answers in place of the ringing legs. */
  private takeRinging(taker: Taker, legChannelId?: string): Taken | undefined {
    if (!this.ringing) return undefined;
    const leg = legChannelId ? this.legs.find((l) => l.channelId === legChannelId) : undefined;
    this.finish({ taken: taker, legId: leg?.spec.id ?? 'pickup' });
    return { ended: this.over };
  }

  /** Intercept / move: the taker replaces one side of the conversation; that side is hung up. */
  private async replace(taker: Taker, which: 'caller' | 'callee'): Promise<Taken | undefined> {
    const conv = this.conversation;
    if (!conv || conv.a.ended || conv.b.ended) return undefined;
    await this.host.rest.call('bridges.addChannel (take over)', (c) => c.bridges.addChannel({ bridgeId: conv.bridgeId, channel: [taker.id] }));
    if (this.conversation !== conv || conv.a.ended || conv.b.ended) return undefined;
    const side: Side = { id: taker.id, gone: taker.gone, ended: false, own: true, hangup: () => this.hangupChannel(taker.id) };
    void taker.gone.then(() => (side.ended = true));
    const old = which === 'caller' ? conv.a : conv.b;
    if (which === 'caller') {
      conv.a = side;
      activeCalls.callerReplaced(this.caller.id);
    } else {
      conv.b = side;
      activeCalls.calleeReplaced(this.caller.id, taker.id, 'taken');
    }
    this.caller.log.info({ side: which, by: taker.id, replaced: old.id }, 'conversation taken over');
    conv.wake();
    old.hangup();
    return { ended: this.over };
  }

  private hangupChannel(channelId: string): void {
    const params = { channelId, reason_code: '16' } as { channelId: string };
    this.host.rest.call('channels.hangup (taken over)', (c) => c.channels.hangup(params), channelId).catch(() => {});
  }
}

/** Runs one dial for `caller` (see CallControl.dial). */
export function runDial(caller: DialCaller, host: DialHost, legs: DialLeg[], opts: DialOptions): Promise<DialResult> {
  return new DialSession(caller, host, legs, opts).run();
}
