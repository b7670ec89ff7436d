// The recipients of a `dial` step (call tracking's Dial step): phone numbers reached through a carrier and
// SIP destinations (one of the account's devices, or a SIP URI), read defensively from the node's data,
// with the names the call record uses for them. Pure.
import { obj, text } from '../legs/documents.ts';
import { isLocalRoute } from './routes.ts';

export type Connection = 'direct' | 'multi_ring' | 'round_robin';
export const CONNECTIONS: Connection[] = ['direct', 'multi_ring', 'round_robin'];

export type Recipient =
  | { type: 'phone'; number: string; extension?: string }
  | { type: 'sip'; deviceId: string; extension?: string }
  | { type: 'sip'; uri: string; extension?: string };

/** Digits a recipient's extension may hold (sent as DTMF; `w`/`W` pause 0.5 s / 1 s). */
const EXTENSION = /^[0-9*#wW]{1,32}$/;
/** E.164 (a leading `+` and up to 15 digits), or national digits a carrier accepts. */
const PHONE = /^\+?[0-9]{2,15}$/;
const SIP_URI = /^sips?:[^\s,;'"<>]+$/;

/** A phone number as dialled: separators people type (spaces, dots, dashes, brackets) removed. */
export function normalisePhone(raw: string): string {
  return raw.replace(/[\s().-]/g, '');
}

/** One recipient entry of the data, or undefined when it names nothing that can ring. */
export function toRecipient(raw: unknown): Recipient | undefined {
  const o = obj(raw);
  if (!o) return undefined;
  const ext = text(o.extension);
  const extension = ext && EXTENSION.test(ext) ? { extension: ext } : {};
  if (o.type === 'phone') {
    const number = text(o.number);
    const n = number ? normalisePhone(number) : undefined;
    return n && PHONE.test(n) ? { type: 'phone', number: n, ...extension } : undefined;
  }
  if (o.type === 'sip') {
    const deviceId = text(o.device_id);
    if (deviceId) return { type: 'sip', deviceId, ...extension };
    const uri = text(o.uri);
    return uri && (SIP_URI.test(uri) || isLocalRoute(uri)) ? { type: 'sip', uri, ...extension } : undefined;
  }
  return undefined;
}

/** How the call record names a recipient: `phone:+15551234567`, `device:<id>`, `sip:alice@example.com`. */
export function recipientLabel(r: Recipient): string {
  if (r.type === 'phone') return `phone:${r.number}${r.extension ? `,${r.extension}` : ''}`;
  if ('deviceId' in r) return `device:${r.deviceId}`;
  return r.uri;
}

/**
 * The recipients this call rings, in order: `direct` rings the first one only; `round_robin` starts at the
 * call's turn in the rotation (rotation.ts) and goes round once; `multi_ring` rings them all.
 */
export function recipientsForCall<T>(connection: Connection, recipients: readonly T[], turn = 0): T[] {
  if (!recipients.length) return [];
  if (connection === 'direct') return [recipients[0]];
  if (connection === 'multi_ring') return [...recipients];
  const k = ((Math.trunc(turn) % recipients.length) + recipients.length) % recipients.length;
  return [...recipients.slice(k), ...recipients.slice(0, k)];
}

/**
 * The members a round robin's rotation counter is named by (lib/ringing/rotation.ts rotationKey): the same
 * recipients in the same order share one rotation; any change starts a new one. Distinct from ring groups'.
 */
export function rotationMembers(recipients: readonly Recipient[]): { id: string; endpoint_type: string }[] {
  return recipients.map((r) => ({ endpoint_type: `dial_${r.type}`, id: recipientLabel(r) }));
}

/**
 * Who was offered the call: with `multi_ring` every recipient rang; one at a time (`direct`, `round_robin`),
 * the recipients up to and including the one that answered, all of them when nobody did.
 */
export function offeredRecipients(connection: Connection, ordered: readonly string[], answeredBy?: string): string[] {
  if (connection === 'multi_ring' || answeredBy === undefined) return [...ordered];
  const i = ordered.indexOf(answeredBy);
  return i < 0 ? [...ordered] : ordered.slice(0, i + 1);
}
