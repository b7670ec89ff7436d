// The port's operations on OTHER calls, over ARI and the registry of active calls (active-calls.ts):
// pickup / intercept / move (take a ringing call, or replace a device in a conversation), eavesdrop (a snoop
// channel on the target's channel, bridged with the eavesdropper), parking (a call waits in a slot hearing
// music on hold; retrieve bridges it with the retriever) and call-backs (camping).
import { randomUUID } from 'node:crypto';
import { CallGoneError, type CallTarget, type DialLeg, type EavesdropMode, type ParkSlot, type Parking, type TakeResult } from '../callcontrol/port.ts';
import type { Logger } from '../log.ts';
import { activeCalls, type Taken, type Taker } from './active-calls.ts';
import type { AriEvent } from './ari-types.ts';
import { channelEndpoint, legVariables } from './dial.ts';
import type { AriRest } from './rest.ts';

/** The call doing the taking (AriCall). */
export interface TakingCall {
  readonly id: string;
  readonly signal: AbortSignal;
  readonly log: Logger;
  isAnswered(): boolean;
  answer(): Promise<void>;
  waitForHangup(): Promise<void>;
}

export interface TakeoverHost {
  readonly rest: AriRest;
  readonly app: string;
  reserveChannelId(handler: (event: AriEvent) => void): string;
  releaseChannel(id: string): void;
}

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

const WHISPER: Record<EavesdropMode, 'none' | 'out' | 'both'> = { listen: 'none', whisper: 'out', full: 'both' };

/** See CallControl.eavesdrop. */
export async function eavesdrop(self: TakingCall, host: TakeoverHost, target: CallTarget, mode: EavesdropMode): Promise<{ status: 'none' | 'ended' }> {
  const chan = activeCalls.channelsOf(target).find((c) => c.state === 'answered' && c.callId !== self.id && c.channelId !== self.id);
  if (!chan) return { status: 'none' };
  if (!self.isAnswered()) await self.answer();
  const { rest } = host;
  let inApp!: () => void;
  let snoopGone!: () => void;
  let snoopEnded = false;
  const entered = new Promise<void>((resolve) => (inApp = resolve));
  const gone = new Promise<void>((resolve) => (snoopGone = resolve));
  const snoopId = host.reserveChannelId((e) => {
    if (e.type === 'StasisStart') inApp();
    else if (e.type === 'StasisEnd' || e.type === 'ChannelDestroyed') {
      snoopEnded = true;
      snoopGone();
    }
  });
  const bridgeId = randomUUID();
  let bridgeMade = false;
  try {
    // spy both: the eavesdropper hears both parties; whisper `out`: what it says goes to the target's phone.
    await rest.call(
      'channels.snoopChannelWithId (eavesdrop)',
      (c) => c.channels.snoopChannelWithId({ channelId: chan.channelId, snoopId, spy: 'both', whisper: WHISPER[mode], app: host.app, appArgs: 'eavesdrop' }),
      chan.channelId,
    );
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), rest.timeoutMs)));
    const ok = await Promise.race([entered.then(() => 'in' as const), gone.then(() => 'gone' as const), late]).finally(() => clearTimeout(timer));
    if (ok !== 'in') return { status: 'none' };
    await rest.call('bridges.create (eavesdrop)', (c) => c.bridges.create({ type: 'mixing', bridgeId } as Parameters<typeof c.bridges.create>[0]));
    bridgeMade = true;
    await rest.call('bridges.addChannel (eavesdrop)', (c) => c.bridges.addChannel({ bridgeId, channel: [self.id, snoopId] }));
    self.log.info({ target: chan.channelId, mode, snoop: snoopId }, 'eavesdropping');
    await Promise.race([self.waitForHangup(), gone]);
    return { status: 'ended' };
  } catch (err) {
    // The target's call ended before the snoop was made.
    if (err instanceof CallGoneError && !self.signal.aborted) return { status: 'none' };
    throw err;
  } finally {
    if (!snoopEnded) {
      await rest.call('channels.hangup (snoop)', (c) => c.channels.hangup({ channelId: snoopId })).catch(() => host.releaseChannel(snoopId));
    }
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
