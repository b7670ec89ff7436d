// CallControl.page() over ARI: every leg is created and dialled at once (with the auto-answer headers the
// module put on it); each leg that answers joins one mixing bridge with the caller, which is answered and
// bridged at the first answer. One-way pages mute each member toward the bridge (ARI channel mute `in`:
// Asterisk drops what the member sends), so members hear the caller and the caller hears nobody.
// The page ends when the caller leaves or when every member has left; the bridge is destroyed and every
// leg still up is hung up then. Legs not answered within the timeout are hung up.
import { randomUUID } from 'node:crypto';
import { CallGoneError, type DialLeg, type PageOptions, type PageResult } from '../callcontrol/port.ts';
import type { AriEvent } from './ari-types.ts';
import { channelEndpoint, legVariables, pickFailure } from './dial.ts';
import { causeName } from './hangup-causes.ts';
import { markInApp, untilInApp, type SessionCaller, type SessionHost } from './session.ts';

interface PageLeg {
  spec: DialLeg;
  channelId?: string;
  created: boolean;
  state: 'starting' | 'ringing' | 'answered' | 'joined' | 'done';
  cause?: string;
  gone: boolean;
  hungUp: boolean;
  /** Its StasisStart came (it may come before channels.create answers): session.ts untilInApp. */
  inApp?: boolean;
  onInApp?: () => void;
}

class PageSession {
  private readonly legs: PageLeg[];
  private readonly bridgeId = randomUUID();
  private bridge?: Promise<void>;
  private callerIn?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private settleRing!: (answered: boolean) => void;
  private ringing = true;
  private ended = false;
  private membersGone!: () => void;
  private readonly failures: string[] = [];
  private ringStarted = false;

  constructor(
    private readonly caller: SessionCaller,
    private readonly host: SessionHost,
    legs: DialLeg[],
    private readonly opts: PageOptions,
  ) {
    this.legs = legs.map((spec) => ({ spec, created: false, state: 'starting', gone: false, hungUp: false }));
  }

  async run(): Promise<PageResult> {
    const { caller } = this;
    if (caller.signal.aborted) throw new CallGoneError(caller.id);
    if (!this.legs.length) return { status: 'failed', cause: 'NO_ROUTE_DESTINATION' };
    const firstAnswer = new Promise<boolean>((resolve) => {
      this.settleRing = resolve;
    });
    const allGone = new Promise<void>((resolve) => {
      this.membersGone = resolve;
    });
    const callerGone = new Promise<void>((resolve) => {
      if (caller.signal.aborted) resolve();
      else caller.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    const onAbort = () => this.endRinging(false);
    caller.signal.addEventListener('abort', onAbort, { once: true });
    try {
      this.timer = setTimeout(() => this.ringTimeout(), Math.max(1, this.opts.timeoutSec) * 1000);
      if (!caller.isAnswered()) {
        this.ringStarted = true;
        this.host.rest.call('channels.ring', (c) => c.channels.ring({ channelId: caller.id }), caller.id).catch(() => {});
      }
      for (const leg of this.legs) void this.start(leg);
      const answered = await firstAnswer;
      if (caller.signal.aborted) throw new CallGoneError(caller.id, 'caller hung up while the page rang');
      if (!answered) return { status: 'failed', cause: pickFailure(this.failures) };
      await this.callerIn?.catch(() => {});
      caller.log.info({ bridge: this.bridgeId, members: this.legs.filter((l) => l.state === 'joined').length }, 'page started');
      await Promise.race([allGone, callerGone]);
      return { status: 'paged', answered: this.legs.filter((l) => l.state === 'joined' || l.cause === 'PAGED').map((l) => l.spec.id), bridgeId: this.bridgeId };
    } finally {
      this.ended = true;
      clearTimeout(this.timer);
      caller.signal.removeEventListener('abort', onAbort);
      for (const leg of this.legs) {
        if (leg.state === 'joined') leg.cause = 'PAGED';
        this.hangupLeg(leg);
      }
      if (this.bridge) await this.bridge.then(() => this.host.rest.call('bridges.destroy', (c) => c.bridges.destroy({ bridgeId: this.bridgeId }))).catch(() => {});
    }
  }

  private endRinging(answered: boolean): void {
    if (!this.ringing) return;
    this.ringing = false;
    if (this.ringStarted && !this.caller.signal.aborted) {
      this.host.rest.call('channels.ringStop', (c) => c.channels.ringStop({ channelId: this.caller.id }), this.caller.id).catch(() => {});
    }
    this.settleRing(answered);
  }

  /** The timeout: legs still ringing stop; with nobody in, the page failed. */
  private ringTimeout(): void {
    for (const leg of this.legs) if (leg.state === 'starting' || leg.state === 'ringing') this.failLeg(leg, 'NO_ANSWER');
    if (this.ringing) this.endRinging(false);
  }

  private async start(leg: PageLeg): Promise<void> {
    const { host, caller } = this;
    const channelId = host.reserveChannelId((e) => this.onLegEvent(leg, e));
    leg.channelId = channelId;
    const endpoint = channelEndpoint(leg.spec.endpoint);
    try {
      const params = { endpoint, app: host.app, channelId, originator: caller.id, variables: legVariables(leg.spec, host.app) };
      await host.rest.call('channels.create', (c) => c.channels.create(params as Parameters<typeof c.channels.create>[0]));
    } catch (err) {
      host.releaseChannel(channelId);
      const unreachable = /allocation failed/i.test((err as Error).message);
      if (!unreachable) caller.log.warn({ leg: leg.spec.id, err: (err as Error).message }, 'creating a page leg failed');
      this.failLeg(leg, unreachable ? 'USER_NOT_REGISTERED' : 'NORMAL_TEMPORARY_FAILURE');
      return;
    }
    leg.created = true;
    if (leg.state === 'starting' && !leg.gone && !leg.inApp) await untilInApp(leg, host.rest.timeoutMs);
    if (leg.state !== 'starting' || this.ended || !this.ringing) return this.failLeg(leg, leg.cause ?? 'NORMAL_CLEARING');
    leg.state = 'ringing';
    caller.log.debug({ leg: leg.spec.id, endpoint, channel: channelId }, 'page leg ringing');
    try {
      await host.rest.call('channels.dial', (c) => c.channels.dial({ channelId, timeout: this.opts.timeoutSec + 5 }), channelId);
    } catch (err) {
      if (leg.state === 'ringing') this.failLeg(leg, leg.cause ?? 'NORMAL_TEMPORARY_FAILURE');
    }
  }

  private onLegEvent(leg: PageLeg, e: AriEvent): void {
    switch (e.type) {
      case 'StasisStart':
        return markInApp(leg);
      case 'Dial':
        if (e.dialstatus === 'ANSWER') return void this.answered(leg);
        if (e.dialstatus === 'BUSY') return this.failLeg(leg, 'USER_BUSY');
        if (e.dialstatus === 'NOANSWER') return this.failLeg(leg, 'NO_ANSWER');
        if (e.dialstatus === 'CONGESTION') return this.failLeg(leg, 'NORMAL_CIRCUIT_CONGESTION');
        return;
      case 'ChannelStateChange':
        if (e.channel?.state === 'Up') void this.answered(leg);
        return;
      case 'ChannelHangupRequest':
        if (!e.soft && e.cause) leg.cause ??= causeName(e.cause);
        return;
      case 'ChannelDestroyed':
      case 'StasisEnd':
        if (e.type === 'ChannelDestroyed' && e.cause) leg.cause ??= causeName(e.cause);
        leg.gone = true;
        leg.onInApp?.();
        return this.legGone(leg);
    }
  }

  private legGone(leg: PageLeg): void {
    if (leg.state === 'joined' || leg.state === 'answered') {
      leg.state = 'done';
      leg.cause = 'PAGED';
      // Every member that joined has left: the page is over.
      if (!this.legs.some((l) => l.state === 'joined' || l.state === 'answered') && !this.ringing) this.membersGone();
      return;
    }
    this.failLeg(leg, leg.cause ?? 'NORMAL_CLEARING');
  }

  private failLeg(leg: PageLeg, cause: string): void {
    if (leg.state === 'done' || leg.state === 'joined' || leg.state === 'answered') return;
    leg.state = 'done';
    leg.cause ??= cause;
    this.failures.push(cause);
    this.hangupLeg(leg);
    this.caller.log.debug({ leg: leg.spec.id, cause }, 'page leg failed');
    if (this.ringing && this.legs.every((l) => l.state === 'done')) this.endRinging(false);
  }

  /** The bridge, created once; the caller answered and put in at the first answer. */
  private ensureBridge(): Promise<void> {
    const { host, caller } = this;
    this.bridge ??= host.rest
      .call('bridges.create', (c) => c.bridges.create({ type: 'mixing,dtmf_events', bridgeId: this.bridgeId, name: `page-${caller.id}` } as Parameters<typeof c.bridges.create>[0]))
      .then(() => undefined);
    this.callerIn ??= this.bridge.then(async () => {
      if (!caller.isAnswered()) await caller.answer();
      await host.rest.call('bridges.addChannel', (c) => c.bridges.addChannel({ bridgeId: this.bridgeId, channel: caller.id }));
    });
    return this.callerIn;
  }

  private async answered(leg: PageLeg): Promise<void> {
    if (leg.state !== 'ringing' && leg.state !== 'starting') return;
    if (this.ended || this.caller.signal.aborted) return this.hangupLeg(leg);
    leg.state = 'answered';
    const channelId = leg.channelId!;
    const { host } = this;
    try {
      // Muted before it joins: not a syllable of the member reaches the caller.
      if (!this.opts.twoWay) await host.rest.call('channels.mute', (c) => c.channels.mute({ channelId, direction: 'in' }), channelId);
      await this.ensureBridge();
      await host.rest.call('bridges.addChannel', (c) => c.bridges.addChannel({ bridgeId: this.bridgeId, channel: channelId }));
      if (leg.state !== 'answered') return;
      leg.state = 'joined';
      this.caller.log.info({ leg: leg.spec.id, bridge: this.bridgeId, twoWay: this.opts.twoWay }, 'page member joined');
      if (this.ringing) this.endRinging(true);
    } catch (err) {
      this.caller.log.warn({ leg: leg.spec.id, err: (err as Error).message }, 'joining a page member failed');
      if (leg.state === 'answered') {
        leg.state = 'ringing';
        this.failLeg(leg, 'NORMAL_TEMPORARY_FAILURE');
      }
    }
  }

  private hangupLeg(leg: PageLeg): void {
    const channelId = leg.channelId;
    if (!channelId || !leg.created || leg.gone || leg.hungUp) return;
    leg.hungUp = true;
    const params = { channelId, reason_code: '16' } as { channelId: string };
    this.host.rest.call('channels.hangup (page leg)', (c) => c.channels.hangup(params), channelId).catch(() => {
      if (!leg.gone) this.host.releaseChannel(channelId);
    });
  }
}

/** Runs one page for `caller` (see CallControl.page). */
export function runPage(caller: SessionCaller, host: SessionHost, legs: DialLeg[], opts: PageOptions): Promise<PageResult> {
  return new PageSession(caller, host, legs, opts).run();
}
