// The calls of this process as the cross-call modules see them (pickup, intercept, eavesdrop, park, move,
// camping): which channels ring toward which device, which are bridged with which call, which call was
// placed by which phone, which call waits in which parking slot.
//
// Two halves: `state` is plain data (JSON-serialisable: snapshot() can be stored and a later process can
// re-adopt from it), `hooks` are the live functions of the dial sessions and parked calls that let another
// call take theirs over. Everything is keyed by the inbound call's channel id (the AriCall).

/** A leg dial() created for a call. */
export interface LegEntry {
  channelId: string;
  /** The leg's id in the dial: the device id (`<device>:forward` / `:failover` for forward legs). */
  legId: string;
  /** The device it rings (absent for forward legs: they ring a number, not the device). */
  deviceId?: string;
  /** Asterisk dial string. */
  endpoint: string;
  state: 'ringing' | 'answered';
}

export interface CallEntry {
  /** The inbound call's channel (AriCall id). */
  callId: string;
  /** PJSIP endpoint (device sip.username) of the phone that placed the call, for calls from devices. */
  endpoint?: string;
  /** flow: running modules; ringing: dial() rings legs; bridged: dial() bridged it; parked: waits in a slot. */
  state: 'flow' | 'ringing' | 'bridged' | 'parked';
  answered: boolean;
  legs: LegEntry[];
  bridgeId?: string;
  /** The slot the call holds (parked, or being rung back from the slot). */
  parked?: { lot: string; slot: string; since: number };
  startedAt: number;
  /** The inbound channel itself is gone (the dial session may still run a conversation taken over). */
  ended?: boolean;
}

/** A call that takes over a side of another call: the picker, interceptor, retriever. */
export interface Taker {
  id: string;
  /** Resolves when the taker's channel has ended. */
  gone: Promise<void>;
}

/** Resolves when the conversation the taker joined has ended (the taker's channel is hung up by then). */
export interface Taken {
  ended: Promise<void>;
}

export interface CallHooks {
  /** dial() ringing: the taker answers in place of the legs (they stop ringing). Undefined: too late. */
  takeRinging?(taker: Taker, legChannelId?: string): Taken | undefined;
  /** dial() bridged: the taker replaces one side of the conversation (that side is hung up). */
  replace?(taker: Taker, side: 'caller' | 'callee'): Promise<Taken | undefined>;
  /** Parked: the taker is bridged with the parked call. */
  retrieve?(taker: Taker): Promise<Taken | undefined>;
}

/** Whose calls: devices by id (legs rung toward them) and by PJSIP endpoint (calls they placed). */
export interface TargetSpec {
  deviceIds: readonly string[];
  endpoints: readonly string[];
}

/** One channel of a target device. */
export interface TargetChannel {
  callId: string;
  channelId: string;
  /** callee: a leg dial() rang toward the device; caller: the device placed the call. */
  side: 'callee' | 'caller';
  state: 'ringing' | 'answered';
  /** The other party is in a dial() bridge (intercept/move can take it over). */
  bridged: boolean;
}

export class ActiveCalls {
  private readonly calls = new Map<string, CallEntry>();
  private readonly hooks = new Map<string, CallHooks>();

  // ---- fed by lib/asterisk ----

  callStarted(callId: string, info: { endpoint?: string; answered?: boolean } = {}): void {
    const entry: CallEntry = { callId, state: 'flow', answered: info.answered ?? false, legs: [], startedAt: Date.now() };
    if (info.endpoint) entry.endpoint = info.endpoint;
    this.calls.set(callId, entry);
  }

  callAnswered(callId: string): void {
    const e = this.calls.get(callId);
    if (e) e.answered = true;
  }

  callEnded(callId: string): void {
    const e = this.calls.get(callId);
    if (!e) return;
    e.ended = true;
    delete e.parked;
    // A conversation taken over from this call lives on in its dial session.
    if (e.state !== 'bridged') this.drop(callId);
  }

  dialStarted(callId: string, hooks: CallHooks): void {
    const e = this.entry(callId);
    e.state = 'ringing';
    e.legs = [];
    this.hooks.set(callId, hooks);
  }

  legRinging(callId: string, leg: Omit<LegEntry, 'state' | 'deviceId'>): void {
    const e = this.calls.get(callId);
    if (!e) return;
    const deviceId = leg.legId.includes(':') ? undefined : leg.legId;
    e.legs.push({ ...leg, state: 'ringing', ...(deviceId ? { deviceId } : {}) });
  }

  legEnded(callId: string, channelId: string): void {
    const e = this.calls.get(callId);
    if (e) e.legs = e.legs.filter((l) => l.channelId !== channelId);
  }

  /** dial() bridged the call with `channelId` (a leg, or a taker: then `legId` names what it took). */
  bridged(callId: string, bridgeId: string, leg: Omit<LegEntry, 'state' | 'deviceId'> & { deviceId?: string }): void {
    const e = this.calls.get(callId);
    if (!e) return;
    e.state = 'bridged';
    e.answered = true;
    e.bridgeId = bridgeId;
    e.legs = [{ ...leg, state: 'answered' }];
  }

  /** The callee side of a bridge is now `channelId` (intercepted). */
  calleeReplaced(callId: string, channelId: string, endpoint: string): void {
    const e = this.calls.get(callId);
    if (e) e.legs = [{ channelId, legId: `taken:${channelId}`, endpoint, state: 'answered' }];
  }

  /** The caller side of a bridge was taken over: the entry now stands for the taker's channel. */
  callerReplaced(callId: string): void {
    const e = this.calls.get(callId);
    if (!e) return;
    delete e.endpoint;
    e.ended = true;
  }

  dialEnded(callId: string): void {
    this.hooks.delete(callId);
    const e = this.calls.get(callId);
    if (!e) return;
    if (e.ended) return this.drop(callId);
    e.state = 'flow';
    e.legs = [];
    delete e.bridgeId;
  }

  /** Claims `slot` of `lot` for the call; false when another live call holds it. */
  claimSlot(callId: string, lot: string, slot: string): boolean {
    const holder = this.slotHolder(lot, slot);
    if (holder && holder.callId !== callId) return false;
    const e = this.calls.get(callId);
    if (!e) return false;
    e.parked = { lot, slot, since: holder?.parked?.since ?? Date.now() };
    return true;
  }

  /** Waiting in its slot (music on hold) with a retrieve hook, or not (being rung back). */
  setParked(callId: string, retrieve: CallHooks['retrieve'] | undefined): void {
    const e = this.calls.get(callId);
    if (!e) return;
    if (retrieve) {
      e.state = 'parked';
      this.hooks.set(callId, { retrieve });
    } else {
      if (e.state === 'parked') e.state = 'flow';
      const h = this.hooks.get(callId);
      if (h?.retrieve) this.hooks.delete(callId);
    }
  }

  freeSlot(callId: string): void {
    const e = this.calls.get(callId);
    if (e) delete e.parked;
  }

  // ---- queries ----

  slotHolder(lot: string, slot: string): CallEntry | undefined {
    for (const e of this.calls.values()) if (!e.ended && e.parked?.lot === lot && e.parked.slot === slot) return e;
    return undefined;
  }

  /** Occupied slots of a lot. */
  slots(lot: string): { slot: string; callId: string; since: number }[] {
    const out: { slot: string; callId: string; since: number }[] = [];
    for (const e of this.calls.values()) if (!e.ended && e.parked?.lot === lot) out.push({ slot: e.parked.slot, callId: e.callId, since: e.parked.since });
    return out;
  }

  /** Channels of the target devices, ringing ones first, oldest call first (Kazoo picks the longest ringing). */
  channelsOf(target: TargetSpec): TargetChannel[] {
    const devices = new Set(target.deviceIds);
    const endpoints = new Set(target.endpoints);
    const out: TargetChannel[] = [];
    const entries = [...this.calls.values()].sort((a, b) => a.startedAt - b.startedAt);
    for (const e of entries) {
      for (const leg of e.legs) {
        if (!leg.deviceId || !devices.has(leg.deviceId)) continue;
        out.push({ callId: e.callId, channelId: leg.channelId, side: 'callee', state: leg.state, bridged: e.state === 'bridged' });
      }
      if (!e.ended && e.endpoint && endpoints.has(e.endpoint)) {
        out.push({ callId: e.callId, channelId: e.callId, side: 'caller', state: e.answered || e.state === 'bridged' ? 'answered' : 'ringing', bridged: e.state === 'bridged' });
      }
    }
    return out.sort((a, b) => (a.state === b.state ? 0 : a.state === 'ringing' ? -1 : 1));
  }

  hooksOf(callId: string): CallHooks | undefined {
    return this.hooks.get(callId);
  }

  get(callId: string): CallEntry | undefined {
    return this.calls.get(callId);
  }

  /** The plain-data state (no hooks), for storage and re-adoption. */
  snapshot(): CallEntry[] {
    return structuredClone([...this.calls.values()]);
  }

  private entry(callId: string): CallEntry {
    let e = this.calls.get(callId);
    if (!e) {
      e = { callId, state: 'flow', answered: false, legs: [], startedAt: Date.now() };
      this.calls.set(callId, e);
    }
    return e;
  }

  private drop(callId: string): void {
    this.calls.delete(callId);
    this.hooks.delete(callId);
  }
}

/** This process's registry (one Asterisk connection per ariflow; tests run several apps on one). */
export const activeCalls = new ActiveCalls();
