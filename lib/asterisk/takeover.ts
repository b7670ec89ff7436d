// The port's operations on OTHER calls, over ARI and the registry of active calls (active-calls.ts):
// pickup / intercept / move (take a ringing call, or replace a device in a conversation), eavesdrop (a snoop
// channel on the target's channel, bridged with the eavesdropper), parking (a call waits in a slot hearing
// music on hold; retrieve bridges it with the retriever) and call-backs (camping).
import { randomUUID } from 'node:crypto';
import { CallGoneError, type CallTarget, type DialLeg, type EavesdropMode, type ParkSlot, type Parking, type TakeResult } from '../callcontrol/port.ts';
import type { Logger } from '../log.ts';
import { activeCalls, type Taken, type Taker } from './active-calls.ts';
import { channelEndpoint, legVariables } from './dial.ts';
import type { SessionHost } from './session.ts';
import { modeForDigit, NEXT_CHANNEL_DIGIT, whisperOf } from '../crosscall/eavesdrop.ts';

/** The call doing the taking (AriCall). */
export interface TakingCall {
  readonly id: string;
  readonly signal: AbortSignal;
  readonly log: Logger;
  isAnswered(): boolean;
  answer(): Promise<void>;
  waitForHangup(): Promise<void>;
}

/** The connection takeover sessions create snoops and call-back legs on (the same as dial's). */
export type TakeoverHost = SessionHost;

/** How often callBack() looks whether the new call reached the app. */
const CALLBACK_POLL_MS = 250;

function takerOf(self: TakingCall): Taker {
  return { id: self.id, gone: self.waitForHangup() };
}

async function untilOver(taken: Taken, taker: Taker): Promise<void> {
  await Promise.race([taken.ended, taker.gone]);
}

/** See CallControl.pickup. */
export async function pickup(self: TakingCall, target: CallTarget, opts: { answered?: boolean; ringing?: boolean } = {}): Promise<TakeResult> {
  const wantRinging = opts.ringing ?? true;
  const candidates = activeCalls
    .channelsOf(target)
    .filter((c) => c.callId !== self.id && c.channelId !== self.id)
    .filter((c) => (c.state === 'ringing' ? wantRinging && c.side === 'callee' : opts.answered === true && c.bridged));
  if (!candidates.length) return { status: 'none' };
  if (!self.isAnswered()) await self.answer();
  const taker = takerOf(self);
  for (const c of candidates) {
    const hooks = activeCalls.hooksOf(c.callId);
    const taken = c.state === 'ringing' ? hooks?.takeRinging?.(taker, c.channelId) : await hooks?.replace?.(taker, c.side).catch(() => undefined);
    if (!taken) continue;
    self.log.info({ call: c.callId, channel: c.channelId, side: c.side, state: c.state }, 'took a call over');
    await untilOver(taken, taker);
    return { status: 'taken', callId: c.callId, side: c.side, wasRinging: c.state === 'ringing' };
  }
  return { status: 'none' };
}

/** See CallControl.activity. */
export function activity(self: { id: string }, target: CallTarget): { ringing: number; answered: number } {
  const out = { ringing: 0, answered: 0 };
  for (const c of activeCalls.channelsOf(target)) {
    if (c.callId === self.id || c.channelId === self.id) continue;
    out[c.state]++;
  }
  return out;
}

interface Snoop {
  id: string;
  mode: EavesdropMode;
  /** Resolves when the snoop channel has ended (its target channel hung up, or we hung it up). */
  gone: Promise<void>;
  ended: boolean;
}

/** A snoop on `channelId` (spy both, whisper as `mode` wants), once it has entered the app; undefined if it could not. */
async function startSnoop(host: TakeoverHost, channelId: string, mode: EavesdropMode): Promise<Snoop | undefined> {
  const { rest } = host;
  let inApp!: () => void;
  let snoopGone!: () => void;
  const entered = new Promise<void>((resolve) => (inApp = resolve));
  const gone = new Promise<void>((resolve) => (snoopGone = resolve));
  const snoop: Snoop = { id: '', mode, gone, ended: false };
  snoop.id = host.reserveChannelId((e) => {
    if (e.type === 'StasisStart') inApp();
    else if (e.type === 'StasisEnd' || e.type === 'ChannelDestroyed') {
      snoop.ended = true;
      snoopGone();
    }
  });
  try {
    await rest.call(
      'channels.snoopChannelWithId (eavesdrop)',
      (c) => c.channels.snoopChannelWithId({ channelId, snoopId: snoop.id, spy: 'both', whisper: whisperOf(mode), app: host.app, appArgs: 'eavesdrop' }),
      channelId,
    );
  } catch (err) {
    host.releaseChannel(snoop.id);
    throw err;
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), rest.timeoutMs)));
  const ok = await Promise.race([entered.then(() => 'in' as const), gone.then(() => 'gone' as const), late]).finally(() => clearTimeout(timer));
  if (ok === 'in') return snoop;
  await stopSnoop(host, snoop);
  return undefined;
}

async function stopSnoop(host: TakeoverHost, snoop: Snoop): Promise<void> {
  if (snoop.ended) return;
  await host.rest.call('channels.hangup (snoop)', (c) => c.channels.hangup({ channelId: snoop.id })).catch(() => host.releaseChannel(snoop.id));
}

/**
 * See CallControl.eavesdrop. A snoop's whisper direction is fixed when it is made: a mode switch (the
 * eavesdropper's DTMF, through `digits`) adds a new snoop to the bridge, then hangs the old one up.
 */
export async function eavesdrop(
  self: TakingCall,
  host: TakeoverHost,
  target: CallTarget,
  mode: EavesdropMode,
  digits?: (onDigit: (digit: string) => void) => () => void,
): Promise<{ status: 'none' | 'ended'; modes?: EavesdropMode[] }> {
  /** The target's answered channels (not the eavesdropper's own call), in a stable order. */
  const candidates = () =>
    activeCalls
      .channelsOf(target)
      .filter((c) => c.state === 'answered' && c.callId !== self.id && c.channelId !== self.id)
      .map((c) => c.channelId)
      .sort();
  let spied = candidates()[0];
  if (!spied) return { status: 'none' };
  if (!self.isAnswered()) await self.answer();
  const { rest } = host;
  const bridgeId = randomUUID();
  let bridgeMade = false;
  let current: Snoop | undefined;
  const modes: EavesdropMode[] = [];
  let wanted = mode;
  let nextWanted = false;
  let kick!: () => void;
  let kicked = new Promise<void>((resolve) => (kick = resolve));
  const unsubscribe = digits?.((d) => {
    // `*`: the target's next call (when it has several), in the mode in use.
    if (d === NEXT_CHANNEL_DIGIT) {
      nextWanted = true;
      kick();
      return;
    }
    const m = modeForDigit(d);
    if (m && m !== wanted) {
      wanted = m;
      kick();
    }
  });
  try {
    try {
      current = await startSnoop(host, spied, mode);
    } catch (err) {
      // The target's call ended before the snoop was made.
      if (err instanceof CallGoneError && !self.signal.aborted) return { status: 'none' };
      throw err;
    }
    if (!current) return { status: 'none' };
    let live: Snoop = current;
    modes.push(mode);
    await rest.call('bridges.create (eavesdrop)', (c) => c.bridges.create({ type: 'mixing,dtmf_events', bridgeId } as Parameters<typeof c.bridges.create>[0]));
    bridgeMade = true;
    await rest.call('bridges.addChannel (eavesdrop)', (c) => c.bridges.addChannel({ bridgeId, channel: [self.id, live.id] }));
    self.log.info({ target: spied, mode, snoop: live.id }, 'eavesdropping');
    const selfGone = self.waitForHangup().then(
      () => 'over' as const,
      () => 'over' as const,
    );
    for (;;) {
      const why = await Promise.race([selfGone, live.gone.then(() => 'over' as const), kicked.then(() => 'switch' as const)]);
      if (why === 'over') break;
      kicked = new Promise<void>((resolve) => (kick = resolve));
      const next = wanted;
      let channel = spied;
      if (nextWanted) {
        nextWanted = false;
        const all = candidates();
        channel = all.find((id) => id > spied) ?? all[0] ?? spied;
      }
      if (next === live.mode && channel === spied) continue;
      const fresh: Snoop | undefined = await startSnoop(host, channel, next).catch(() => undefined);
      // The spied call is gone (a mode switch: so is the eavesdrop); another call that just ended: stay.
      if (!fresh) {
        if (channel === spied) break;
        continue;
      }
      try {
        await rest.call('bridges.addChannel (eavesdrop)', (c) => c.bridges.addChannel({ bridgeId, channel: [fresh.id] }));
      } catch (err) {
        await stopSnoop(host, fresh);
        throw err;
      }
      const old = live;
      current = live = fresh;
      await stopSnoop(host, old);
      if (channel !== spied) {
        spied = channel;
        self.log.info({ target: channel, mode: next, snoop: fresh.id }, 'eavesdrop target changed');
      }
      if (next !== modes[modes.length - 1]) {
        modes.push(next);
        self.log.info({ target: channel, mode: next, snoop: fresh.id }, 'eavesdrop mode changed');
      }
    }
    return { status: 'ended', modes };
  } catch (err) {
    if (err instanceof CallGoneError && self.signal.aborted) return { status: 'ended', modes };
    throw err;
  } finally {
    unsubscribe?.();
    if (current) await stopSnoop(host, current);
    if (bridgeMade) await rest.call('bridges.destroy (eavesdrop)', (c) => c.bridges.destroy({ bridgeId })).catch(() => {});
  }
}

/** See CallControl.park. */
export function park(self: TakingCall, host: TakeoverHost, slot: ParkSlot): Parking | undefined {
  if (self.signal.aborted) throw new CallGoneError(self.id);
  if (!activeCalls.claimSlot(self.id, slot.lot, slot.slot)) return undefined;
  const { rest } = host;
  return {
    leave: () => {
      activeCalls.setParked(self.id, undefined);
      activeCalls.freeSlot(self.id);
    },
    wait: async (timeoutMs, onRetrieved) => {
      if (self.signal.aborted) throw new CallGoneError(self.id);
      if (!self.isAnswered()) await self.answer();
      await rest.call('channels.startMoh (park)', (c) => c.channels.startMoh({ channelId: self.id }), self.id);
      let retrievedBy: Taken | undefined;
      let wake!: () => void;
      const retrieved = new Promise<void>((resolve) => (wake = resolve));
      activeCalls.setParked(self.id, async (taker) => {
        if (retrievedBy || self.signal.aborted) return undefined;
        activeCalls.setParked(self.id, undefined);
        const bridgeId = randomUUID();
        let over!: () => void;
        const ended = new Promise<void>((resolve) => (over = resolve));
        retrievedBy = { ended };
        wake();
        try {
          await rest.call('channels.stopMoh (park)', (c) => c.channels.stopMoh({ channelId: self.id }), self.id).catch(() => {});
          await rest.call('bridges.create (park)', (c) => c.bridges.create({ type: 'mixing,dtmf_events', bridgeId } as Parameters<typeof c.bridges.create>[0]));
          await rest.call('bridges.addChannel (park)', (c) => c.bridges.addChannel({ bridgeId, channel: [self.id, taker.id] }));
          self.log.info({ slot: slot.slot, by: taker.id }, 'parked call retrieved');
          activeCalls.freeSlot(self.id);
          onRetrieved?.();
          void Promise.race([self.waitForHangup(), taker.gone]).then(async () => {
            await rest.call('bridges.destroy (park)', (c) => c.bridges.destroy({ bridgeId })).catch(() => {});
            over();
          });
        } catch (err) {
          self.log.warn({ err: (err as Error).message }, 'retrieving a parked call failed');
          await rest.call('bridges.destroy (park)', (c) => c.bridges.destroy({ bridgeId })).catch(() => {});
          over();
        }
        return retrievedBy;
      });
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), Math.max(1, timeoutMs))));
      try {
        const first = await Promise.race([retrieved.then(() => 'retrieved' as const), timedOut, self.waitForHangup().then(() => 'gone' as const)]);
        if (first === 'gone') throw new CallGoneError(self.id, 'parked call hung up');
        if (first === 'timeout') {
          activeCalls.setParked(self.id, undefined);
          await rest.call('channels.stopMoh (park)', (c) => c.channels.stopMoh({ channelId: self.id }), self.id).catch(() => {});
          // Retrieved in the very same moment: that wins.
          if (!retrievedBy) return 'timeout';
        }
        await retrievedBy!.ended;
        return 'retrieved';
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** See CallControl.retrieve. */
export async function retrieve(self: TakingCall, slot: ParkSlot): Promise<TakeResult> {
  const holder = activeCalls.slotHolder(slot.lot, slot.slot);
  if (!holder || holder.callId === self.id) return { status: 'none' };
  if (!self.isAnswered()) await self.answer();
  const hooks = activeCalls.hooksOf(holder.callId);
  const taker = takerOf(self);
  // A parked call being rung back (its parker's phone rings) is taken like a ringing call.
  const taken = hooks?.retrieve ? await hooks.retrieve(taker) : hooks?.takeRinging?.(taker);
  if (!taken) return { status: 'none' };
  await untilOver(taken, taker);
  return { status: 'taken', callId: holder.callId, side: 'caller', wasRinging: false };
}

/** See CallControl.parkedSlots. */
export function parkedSlots(lot: string): { slot: string; callId: string; since: Date }[] {
  return activeCalls.slots(lot).map((s) => ({ slot: s.slot, callId: s.callId, since: new Date(s.since) }));
}

/** See CallControl.callBack: originate `leg`; once answered it runs the dialplan `inbound` with `exten`. */
export async function callBack(host: TakeoverHost, log: Logger, leg: DialLeg, exten: string, opts: { timeoutSec: number }): Promise<{ status: 'answered' | 'failed'; cause?: string }> {
  const { rest } = host;
  const channelId = randomUUID();
  const timeout = Math.max(1, Math.round(opts.timeoutSec));
  const variables = { ...legVariables(leg, host.app), ARIFLOW_APP: host.app };
  const params = {
    endpoint: channelEndpoint(leg.endpoint),
    extension: exten,
    context: 'inbound',
    priority: 1,
    timeout,
    channelId,
    ...(leg.callerId ? { callerId: `"${leg.callerId.name.replace(/"/g, '')}" <${leg.callerId.number}>` } : {}),
    variables,
  };
  try {
    await rest.call('channels.originate (call back)', (c) => c.channels.originate(params as Parameters<typeof c.channels.originate>[0]));
  } catch (err) {
    log.warn({ err: (err as Error).message, endpoint: leg.endpoint }, 'call back failed');
    return { status: 'failed', cause: 'NO_ROUTE_DESTINATION' };
  }
  // The answered channel enters the app through the dialplan (an inbound call): the registry sees it.
  const deadline = Date.now() + (timeout + 5) * 1000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, CALLBACK_POLL_MS));
    if (activeCalls.get(channelId)) return { status: 'answered' };
    const alive = await rest.call('channels.get (call back)', (c) => c.channels.get({ channelId })).then(
      () => true,
      () => false,
    );
    if (!alive) return activeCalls.get(channelId) ? { status: 'answered' } : { status: 'failed', cause: 'NO_ANSWER' };
  }
  return { status: 'failed', cause: 'NO_ANSWER' };
}
