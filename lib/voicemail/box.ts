// Voicemail boxes and their messages as Kazoo stores them (vmboxes documents with a `messages` array, one
// media document per message), and the pure rules the voicemail module applies to them.

export type Folder = 'new' | 'saved' | 'deleted';

/** One message in a box's `messages` array: Kazoo's metadata shape, so exports round-trip. */
export interface VmMessage {
  /** Gregorian seconds. */
  timestamp: number;
  from: string;
  to: string;
  caller_id_number: string;
  caller_id_name: string;
  call_id: string;
  folder: Folder;
  /** Milliseconds. */
  length: number;
  /** The media document holding the audio (also the message id in the API). */
  media_id: string;
  [extra: string]: unknown;
}

export interface VmBox {
  _id: string;
  name?: string;
  mailbox?: string;
  pin?: string;
  require_pin?: boolean;
  check_if_owner?: boolean;
  owner_id?: string;
  skip_greeting?: boolean;
  skip_instructions?: boolean;
  skip_envelope?: boolean;
  announcement_only?: boolean;
  play_greeting_intro?: boolean;
  use_person_not_available?: boolean;
  not_configurable?: boolean;
  media?: { unavailable?: string; temporary_unavailable?: string };
  operator_number?: string | number;
  oldest_message_first?: boolean;
  max_message_length?: number | string;
  max_message_count?: number | string;
  interdigit_timeout?: number | string;
  messages?: VmMessage[];
  pvt_deleted?: boolean;
  [extra: string]: unknown;
}

/** Kazoo's system defaults (voicemail section of system_config). */
export const VM_DEFAULTS = {
  maxMessageLengthSec: 500,
  maxMessageCount: 100,
  minMessageMs: 500,
  maxLoginAttempts: 3,
  maxPinLength: 6,
  maxBoxNumberLength: 15,
  interdigitMs: 2000,
  /** Seconds of silence that end a message (Kazoo's record default). */
  silenceSec: 5,
} as const;

const GREGORIAN_OFFSET = 62_167_219_200;

export function gregorianSeconds(d: Date): number {
  return Math.floor(d.getTime() / 1000) + GREGORIAN_OFFSET;
}

function positiveInt(v: unknown): number | undefined {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;
}

/** Message length limit: the node's data wins, then the box, then the system default. */
export function maxMessageLengthSec(dataValue: unknown, box: VmBox): number {
  return positiveInt(dataValue) ?? positiveInt(box.max_message_length) ?? VM_DEFAULTS.maxMessageLengthSec;
}

/** Inter-digit timeout: the box wins over the node's data (Kazoo), then 2000 ms. */
export function interdigitMs(dataValue: unknown, box: VmBox | undefined): number {
  return positiveInt(box?.interdigit_timeout) ?? positiveInt(dataValue) ?? VM_DEFAULTS.interdigitMs;
}

export function messagesOf(box: VmBox): VmMessage[] {
  return Array.isArray(box.messages) ? box.messages.filter((m) => m && typeof m === 'object' && typeof m.media_id === 'string') : [];
}

/** MWI counts: `new` messages are new, `saved` ones old; deleted ones do not count. */
export function messageCounts(box: VmBox): { new: number; old: number } {
  let fresh = 0;
  let old = 0;
  for (const m of messagesOf(box)) {
    if (m.folder === 'new') fresh++;
    else if (m.folder === 'saved') old++;
  }
  return { new: fresh, old };
}

/** A box is full once its kept (new + saved) messages reach max_message_count. */
export function isFull(box: VmBox): boolean {
  const c = messageCounts(box);
  return c.new + c.old >= (positiveInt(box.max_message_count) ?? VM_DEFAULTS.maxMessageCount);
}

/** Messages of one folder in listening order: newest first unless the box says oldest_message_first. */
export function messagesIn(box: VmBox, folder: Folder): VmMessage[] {
  const list = messagesOf(box).filter((m) => m.folder === folder);
  const sign = box.oldest_message_first === true ? 1 : -1;
  return list.sort((a, b) => sign * ((Number(a.timestamp) || 0) - (Number(b.timestamp) || 0)));
}

/**
 * Whether the entered PIN opens the box. Kazoo stores vmbox PINs as given (exports carry them in
 * clear), so they are compared as stored; a box without a PIN opens for nobody by PIN.
 */
export function pinMatches(box: VmBox | undefined, entered: string): boolean {
  const pin = box?.pin === undefined || box.pin === null ? '' : String(box.pin);
  return pin !== '' && entered === pin;
}

/** The name of a message's media document, as Kazoo writes it: `mailbox 2000 message 11-21-2026 15:03:22`. */
export function messageMediaName(mailbox: string | undefined, at: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const when = `${p(at.getUTCMonth() + 1)}-${p(at.getUTCDate())}-${at.getUTCFullYear()} ${p(at.getUTCHours())}:${p(at.getUTCMinutes())}:${p(at.getUTCSeconds())}`;
  return `mailbox ${mailbox ?? ''} message ${when}`.replace(/\s+/g, ' ');
}

export function newMessage(opts: {
  at: Date;
  callerNumber: string;
  callerName: string;
  callId: string;
  to: string;
  lengthMs: number;
  mediaId: string;
}): VmMessage {
  return {
    timestamp: gregorianSeconds(opts.at),
    from: opts.callerNumber,
    to: opts.to,
    caller_id_number: opts.callerNumber,
    caller_id_name: opts.callerName,
    call_id: opts.callId,
    folder: 'new',
    length: Math.max(0, Math.round(opts.lengthMs)),
    media_id: opts.mediaId,
  };
}

/**
 * The Asterisk mailbox (`<box>@<account>`) whose message-waiting state the box publishes and the owner's
 * devices list in their PJSIP `mailboxes`. Characters a dialplan argument could misread are replaced.
 */
export function mwiMailbox(accountId: string, boxId: string): string {
  const clean = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 80) || '_';
  return `${clean(boxId)}@${clean(accountId)}`;
}
