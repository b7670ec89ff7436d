// The call-control port: the only surface callflow modules use to act on a call.
// lib/asterisk implements it over ARI; a simulator (dry runs) can implement it over a scripted call.

/** Raised by any port operation once the call is gone (caller hung up, channel destroyed). */
export class CallGoneError extends Error {
  constructor(readonly callId: string, readonly detail = 'call gone') {
    super(`${detail} (${callId})`);
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
}

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
  sendDtmf(digits: string): Promise<void>;
  setCallerId(cid: Partial<CallerId>): Promise<void>;
  setVariable(name: string, value: string): Promise<void>;
  getVariable(name: string): Promise<string | undefined>;
  hangup(cause?: string): Promise<void>;
  /** Resolves when the call ends (the caller or the module hung up). */
  waitForHangup(): Promise<void>;
  /** Sleep that ends early (rejecting with CallGoneError) if the call ends. */
  sleep(ms: number): Promise<void>;
}
