// The call-control port: the only surface callflow modules use to act on a call.
// lib/asterisk implements it over ARI; a simulator (dry runs) can implement it over a scripted call.

/**
 * Raised by any port operation once the call is gone (caller hung up, channel destroyed). It is the
 * normal end of most calls, not a fault, so it carries no stack trace: capturing one on every hangup
 * was a measurable share of the engine's CPU per call.
 */
export class CallGoneError extends Error {
  readonly callId: string;
  readonly detail: string;
  constructor(callId: string, detail = 'call gone') {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(`${detail} (${callId})`);
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.callId = callId;
    this.detail = detail;
    this.name = 'CallGoneError';
  }
}

/** Raised when the media server does not answer in time (ARI unreachable, REST call stuck). */
export class UpstreamTimeoutError extends Error {
  constructor(readonly operation: string, readonly ms: number) {
    super(`${operation} did not complete within ${ms} ms`);
    this.name = 'UpstreamTimeoutError';
  }
}

export interface CallerId {
  number: string;
  name: string;
}

export interface PlayResult {
  /** 'done' played to the end; 'interrupted' stopped by a terminator digit; 'failed' media missing/unplayable. */
  status: 'done' | 'interrupted' | 'failed';
  /** Digit that interrupted the playback, if any. */
  digit?: string;
}

export interface PlayOptions {
  /** DTMF digits that stop the playback; the digit is returned and kept in the digit buffer. */
  terminators?: string[];
  language?: string;
  /** Stop each playback after this many ms and count it as done (`tone:` media loops until stopped). */
  maxMs?: number;
  /** Aborting it stops the playback at once; the play then resolves `interrupted` with no digit (pivot's filler). */
  signal?: AbortSignal;
}

export interface DtmfOptions {
  /** ms each digit lasts (Asterisk's default is 100). */
  durationMs?: number;
  /** ms between digits. */
  betweenMs?: number;
}

export interface RecordOptions {
  /** Absolute path of the file to write (…/<name>.wav), in a folder Asterisk can also read (the media folder). */
  path: string;
  /** Only `wav` (8 kHz 16-bit mono, what Asterisk plays natively). */
  format?: 'wav';
  /** Recording stops after this many seconds (0: no limit). */
  maxDurationSec: number;
  /** Recording stops after this many seconds of silence (0 or absent: no silence detection). */
  maxSilenceSec?: number;
  /** Play a beep before recording starts. */
  beep?: boolean;
  /** DTMF that stops the recording (default `#`); the stopping digit is consumed. */
  terminateOn?: '#' | 'any' | 'none';
}

export interface RecordResult {
  /** The file written (RecordOptions.path); absent when nothing was recorded (hung up before any audio). */
  file?: string;
  /** Length of the recorded audio. */
  durationMs: number;
  /** Why recording stopped (`stopped`: CallRecording.stop()). */
  reason: 'dtmf' | 'silence' | 'max' | 'hangup' | 'stopped';
  /** The digit that stopped it (reason `dtmf`). */
  digit?: string;
}

/** A recording of both directions of the call, running in the background (record_call). */
export interface CallRecording {
  /** Resolves once the recording has ended (stop(), the time limit or hangup) and its file is written. */
  readonly done: Promise<RecordResult>;
  /** Stops it; resolves like `done`. */
  stop(): Promise<RecordResult>;
}

export interface MessageCounts {
  new: number;
  old: number;
}

/** Asterisk device states an application may publish (ARI deviceStates). */
export type DeviceState = 'NOT_INUSE' | 'INUSE' | 'BUSY' | 'INVALID' | 'UNAVAILABLE' | 'RINGING' | 'RINGINUSE' | 'ONHOLD';

export interface CollectOptions {
  maxDigits: number;
  /** ms to wait for the first digit. */
  timeoutMs: number;
  /** ms to wait between digits after the first. */
  interdigitMs: number;
  terminators?: string[];
}

export interface CollectResult {
  digits: string;
  /** Why collection stopped. */
  reason: 'max_digits' | 'terminator' | 'timeout';
}

/**
 * One call as a module sees it. Every method rejects with CallGoneError once the caller has hung up,
 * and `signal` aborts at that moment, so a module can stop its own timers and requests.
 */
export interface CallControl {
  readonly id: string;
  /** Aborted when the call ends; modules pass it to their own waits and HTTP requests. */
  readonly signal: AbortSignal;
  readonly callerId: CallerId;
  /** The number that was dialled (request user part). */
  readonly dialed: string;
  /** Channel variables Asterisk gave the call at entry (e.g. from the dialplan). */
  readonly channelVars: Readonly<Record<string, string>>;

  /** When the call was answered (by ariflow or before it entered the app). */
  readonly answeredAt?: Date;
  /** Kazoo-style hangup cause name once the call has ended (e.g. NORMAL_CLEARING, USER_BUSY). */
  readonly hangupCause?: string;

  answer(): Promise<void>;
  isAnswered(): boolean;
  /** Play media URIs in order (Asterisk forms: `sound:...`, `tone:...`, `digits:...`, `number:...`, `recording:...`). */
  play(media: string[], opts?: PlayOptions): Promise<PlayResult>;
  /** Start ringback / music on hold toward the caller while something else happens. */
  startRinging(kind: 'ring' | 'moh', mohClass?: string): Promise<void>;
  stopRinging(): Promise<void>;
  collectDigits(opts: CollectOptions): Promise<CollectResult>;
  /** Discard digits pressed so far and not consumed. */
  flushDigits(): void;
  /** Sends DTMF to the caller; `w`/`W` in `digits` pause 0.5 s / 1 s. */
  sendDtmf(digits: string, opts?: DtmfOptions): Promise<void>;
  setCallerId(cid: Partial<CallerId>): Promise<void>;
  setVariable(name: string, value: string): Promise<void>;
  getVariable(name: string): Promise<string | undefined>;
  hangup(cause?: string): Promise<void>;
  /**
   * Records the caller into opts.path. Resolves also when the caller hangs up meanwhile (reason `hangup`,
   * what was recorded is kept); rejects with CallGoneError only if the call was gone before it started.
   */
  record(opts: RecordOptions): Promise<RecordResult>;
  /** Starts recording both directions (a snoop on the channel) into opts.path, until stopped, the limit or hangup. */
  recordCall(opts: Omit<RecordOptions, 'maxSilenceSec' | 'beep' | 'terminateOn'>): Promise<CallRecording>;
  /**
   * Message-waiting state of a mailbox (`<box>@<context>`), for the phones whose PJSIP endpoint lists it in
   * `mailboxes`. Not tied to this channel: works after hangup too.
   */
  setMessageWaiting(mailbox: string, counts: MessageCounts): Promise<void>;
  /**
   * Publishes the state of a custom device (e.g. a BLF lamp for manual_presence): `Custom:<name>` (what dialplan
   * hints watch; set through this call's channel, so only while the call is up) or `Stasis:<name>` (ARI's own;
   * works after hangup too).
   */
  setDeviceState(name: string, state: DeviceState): Promise<void>;
  /** The PJSIP endpoints (device SIP user names) among `endpoints` that have a call now (call waiting). */
  endpointsInUse(endpoints: readonly string[]): Promise<string[]>;
  /** Resolves when the call ends (the caller or the module hung up). */
  waitForHangup(): Promise<void>;
  /** Sleep that ends early (rejecting with CallGoneError) if the call ends. */
  sleep(ms: number): Promise<void>;
  /**
   * Rings `legs` (all at once, or one after another) while the caller hears `ringback`; the first leg to
   * answer is bridged with the caller (answering the caller if needed) and the others are hung up at once.
   * Resolves `answered` only once that bridge has ended (either side hung up), `failed` when no leg
   * answered (every leg failed, or opts.timeoutSec passed: NO_ANSWER). Rejects with CallGoneError if the
   * caller hangs up while the legs ring (every leg is hung up first).
   */
  dial(legs: DialLeg[], opts: DialOptions): Promise<DialResult>;
  /**
   * Listens to what the caller sends for a single-frequency tone (e.g. 1100 Hz, a fax machine's CNG):
   * detected as soon as it was heard for at least minDurationMs, not detected once timeoutMs passed.
   */
  detectTone(opts: ToneDetectOptions): Promise<ToneDetectResult>;
  /**
   * Receives a fax from the caller (answering it if needed) into opts.path (a TIFF). Resolves when the fax
   * session ended: `received`, `failed` (the fax protocol gave up), `timeout` (no fax tone within
   * opts.timeoutSec) or `hangup` (the caller hung up meanwhile); rejects with CallGoneError only if the call
   * was gone before it started. The call is left up.
   */
  receiveFax(opts: FaxReceiveOptions): Promise<FaxReceiveResult>;
  /**
   * Puts the caller into the conference `req.key` (a mixing bridge shared by every call of the process that
   * joins the same key; created by the first, destroyed when the last leaves). Resolves once the caller is
   * in (`joined`; the conference then owns the call: its in-conference keys, its leaving on hangup) or
   * `full` (max participants reached, the caller is left as it was).
   */
  joinConference(req: ConferenceJoin): Promise<ConferenceJoinResult>;
  /**
   * Pages `legs` at once with their headers (auto-answer): each leg that answers within opts.timeoutSec joins a
   * mixing bridge with the caller (answered at the first); one-way: the members' audio is muted toward the
   * bridge. Resolves `paged` once the page has ended (the caller, or every member, left), `failed` when no
   * leg answered. Rejects with CallGoneError if the caller hangs up before any leg answered.
   */
  page(legs: DialLeg[], opts: PageOptions): Promise<PageResult>;
  // ---- acting on other calls (pickup, intercept, eavesdrop, park, move, camping; lib/asterisk/takeover.ts) ----
  /**
   * Takes a call of `target` over: a call ringing one of its devices (the legs stop ringing; this call is
   * answered and bridged with that caller), or with `answered`, also a conversation one of its devices is
   * in (this call replaces the device, which is hung up). Resolves once that conversation has ended, or
   * `none` at once when there was nothing to take.
   */
  pickup(target: CallTarget, opts?: { answered?: boolean; ringing?: boolean }): Promise<TakeResult>;
  /**
   * Listens to the active call of `target` (a snoop on its device's channel, bridged with this call):
   * `listen` hears both parties, `whisper` is also heard by the target device, `whisper_other` by the other
   * party only, `full` by both parties. `mode` is the starting mode; the eavesdropper's DTMF switches it
   * (lib/crosscall/eavesdrop.ts EAVESDROP_DIGITS), and `*` moves to the target's next answered call when it
   * has several; `modes` lists the modes used, in order.
   * Resolves when this call or the call listened to ends; `none` at once when the target has no active call.
   */
  eavesdrop(target: CallTarget, mode: EavesdropMode): Promise<{ status: 'none' | 'ended'; modes?: EavesdropMode[] }>;
  /** How many calls of `target`'s devices ring / are answered now (this call excluded). */
  activity(target: CallTarget): { ringing: number; answered: number };
  /** Claims a parking slot for this call; undefined when another call holds it. */
  park(slot: ParkSlot): Promise<Parking | undefined>;
  /** Slots of a parking lot held by calls now. */
  parkedSlots(lot: string): { slot: string; callId: string; since: Date }[];
  /** Bridges this call with the call parked in `slot` (answering it); resolves once that conversation ended. */
  retrieve(slot: ParkSlot): Promise<TakeResult>;
  /**
   * Rings `leg` (not tied to this call: works after it ended); once answered, that new call enters ariflow as
   * a call to `exten` (routed like any call to the account's numbers). Resolves when it answered or failed.
   */
  callBack(leg: DialLeg, exten: string, opts: { timeoutSec: number }): Promise<{ status: 'answered' | 'failed'; cause?: string }>;
}

/** The caller ID a dialled leg presents to the called party. */
export interface LegCallerId extends CallerId {
  /** Presentation restricted (privacy): the name/number are sent as given, flagged as private. */
  hidden?: boolean;
}

/** One leg of CallControl.dial(). */
export interface DialLeg {
  /** Names the leg in the result and in logs (e.g. the device id). */
  id: string;
  /** Asterisk dial string: `PJSIP/<endpoint>`, `PJSIP/<user>@<endpoint>`, `PJSIP/<endpoint>/<uri>`, `Local/<exten>@<context>`. */
  endpoint: string;
  /** Caller ID presented to the called party; absent: none. */
  callerId?: LegCallerId;
  /** Seconds this leg may ring (absent or 0: until the dial's own timeout). */
  timeoutSec?: number;
  /** Seconds to wait before this leg starts ringing. */
  delaySec?: number;
  /** SIP headers added to the INVITE (PJSIP legs; names are checked, values must be one line). */
  headers?: Record<string, string>;
  /** Channel variables set on the new channel before it is dialled. */
  variables?: Record<string, string>;
  /** Dialled instead when `endpoint` cannot be reached at all (a device that is not registered). */
  failover?: Omit<DialLeg, 'failover'>;
  /**
   * The answering party must press `digit` (it hears `media` first) within timeoutMs, else the leg counts
   * as not answered (Kazoo's call-forward require_keypress).
   */
  confirm?: { digit: string; media: string[]; timeoutMs: number };
  /** A busy, rejected or unanswered outcome of this leg ends the whole dial with that cause. */
  failOnReject?: boolean;
  /** DTMF sent to the answering party as soon as it answers (an extension behind a number), before anything else. */
  answerDigits?: string;
  /**
   * Media played to the answering party alone before it is bridged (the caller keeps hearing ringback); with
   * `confirm`, played before its prompt (a key press during the whisper counts).
   */
  whisper?: string[];
}

export interface DialOptions {
  /** `simultaneous`: every leg rings (after its own delay); `single`: one leg after another, in order. */
  strategy: 'simultaneous' | 'single';
  /** Seconds before the whole attempt gives up (NO_ANSWER). */
  timeoutSec: number;
  /** What the caller hears while legs ring (default `ring`): ringing, music on hold, or media looped. */
  ringback?: 'ring' | 'moh' | { media: string[] };
  /** The first leg that rejects (busy, declined) ends the dial with its cause. */
  failOnSingleReject?: boolean;
  /**
   * Keys the answered leg may press while bridged (e.g. `*`): the first ends the conversation at once (result
   * `endedBy: 'leg_digit'`); the caller stays in the call, the leg is hung up unless handOffLeg takes it.
   */
  legEndDigits?: string[];
  /**
   * Instead of hanging the answered leg up when the conversation ends `on` one of these ways (the caller hung
   * up; the leg pressed a legEndDigits key), hand it to ariflow as a new answered call to `exten` in account
   * `accountId`, showing `callerId` (result `handedOff`: the new call's id; that call has its own record).
   */
  handOffLeg?: { exten: string; accountId: string; on: ('caller_hangup' | 'leg_digit')[]; callerId?: CallerId };
}

export type DialResult =
  /** A leg answered and was bridged with the caller; the bridge has ended. */
  | {
      status: 'answered';
      leg: string;
      endpoint: string;
      answeredAt: Date;
      /** The ringing call was picked up by this call (its id). */
      takenBy?: string;
      /** How the conversation ended: the caller or the leg hung up, or the leg pressed a legEndDigits key (`digit`). */
      endedBy?: 'caller' | 'leg' | 'leg_digit';
      digit?: string;
      /** The leg was handed over as a new call (DialOptions.handOffLeg): its id. */
      handedOff?: string;
    }
  /** No leg answered. `cause` is a Kazoo hangup cause name; `sipCode` the matching SIP response, when known. */
  | { status: 'failed'; cause: string; sipCode?: number };

export interface ToneDetectOptions {
  frequencyHz: number;
  minDurationMs: number;
  timeoutMs: number;
}

export interface ToneDetectResult {
  detected: boolean;
  /** Set when the result cannot be trusted (e.g. wideband audio the media server's detector misreads). */
  caveat?: string;
}

/** CallControl.receiveFax(). */
export interface FaxReceiveOptions {
  /** Absolute path of the TIFF to write, in a folder the media server shares by the same path (the media folder). */
  path: string;
  /** Seconds to hear the caller's fax tone (CNG) before giving up; 0: only the fax protocol's own timers (~25 s). */
  timeoutSec: number;
  /** false: audio (G.711) only; otherwise T.38 when the caller's side offers it, audio as fallback. */
  t38?: boolean;
  /** Our station id (TSI/CSI, up to 20 characters) and the header line of the pages. */
  stationId?: string;
  headerInfo?: string;
}

export interface FaxReceiveResult {
  status: 'received' | 'failed' | 'timeout' | 'hangup';
  /** Pages received (also of a fax cut short). */
  pages: number;
  /** The file written (opts.path), when it holds something. */
  file?: string;
  /** Why it failed (the media server's reason, e.g. `RETRIES_EXCEEDED`). */
  error?: string;
}

/** In-conference key actions (Kazoo's default caller controls: mute, deaf-mute, hang up). */
export type ConferenceControl = 'mute' | 'deaf' | 'hangup';

/** One caller joining a conference (CallControl.joinConference). */
export interface ConferenceJoin {
  /** Identifies the conference within the process (the account and the conference's id or name). */
  key: string;
  /** Shown in logs and the conference listing. */
  name?: string;
  moderator: boolean;
  /** Joins unable to speak (its audio muted toward the bridge). */
  muted: boolean;
  /** Joins unable to hear the others. */
  deaf: boolean;
  /** Refuse the caller when this many are in already (0 or absent: no limit). */
  maxParticipants?: number;
  /** Played to the whole conference when the caller joins / leaves (empty: none). */
  entryTone?: string[];
  exitTone?: string[];
  /** Digit → action while in the conference. */
  controls?: Record<string, ConferenceControl>;
  /** Played to the caller alone when a control changes its state. */
  controlMedia?: Partial<Record<'muted' | 'unmuted' | 'deaf' | 'undeaf', string[]>>;
  /**
   * Members (not moderators) wait on hold, out of the conference, while no moderator is in: `first` until the
   * first moderator has joined (Kazoo wait_for_moderator), `always` whenever none is in (require_moderator).
   */
  waitForModerator?: 'first' | 'always';
  /** Music on hold class for waiting members (absent: Asterisk's default). */
  mohClass?: string;
}

export type ConferenceJoinResult =
  /** `waiting`: the member is on hold until a moderator joins. */
  | { status: 'joined'; bridgeId: string; participants: number; waiting?: boolean }
  | { status: 'full'; participants: number };

export interface PageOptions {
  /** Seconds legs have to (auto-)answer. */
  timeoutSec: number;
  /** false (one-way): the members hear the caller, the caller does not hear them. */
  twoWay: boolean;
}

export type PageResult =
  /** At least one leg answered; the page has ended. */
  | { status: 'paged'; answered: string[]; bridgeId: string }
  | { status: 'failed'; cause: string };

/** Whose calls (CallControl.pickup / eavesdrop / activity): devices by id and their PJSIP endpoints. */
export interface CallTarget {
  /** Devices whose ringing or answered legs count. */
  deviceIds: string[];
  /** PJSIP endpoint names (sip.username) of the same devices: the calls they placed. */
  endpoints: string[];
}

export type TakeResult = { status: 'none' } | { status: 'taken'; callId: string; side: 'caller' | 'callee'; wasRinging: boolean };

export type EavesdropMode = 'listen' | 'whisper' | 'whisper_other' | 'full';

/** A parking slot: `lot` scopes the slot numbers (the account id). */
export interface ParkSlot {
  lot: string;
  slot: string;
}

/** A call holding a parking slot (CallControl.park). */
export interface Parking {
  /**
   * Waits in the slot hearing music on hold: `retrieved` once someone retrieved it and that conversation
   * ended, `timeout` after timeoutMs (the call keeps its slot: it can still be retrieved while rung back).
   */
  wait(timeoutMs: number, onRetrieved?: () => void): Promise<'retrieved' | 'timeout'>;
  /** Gives the slot up. */
  leave(): void;
}
