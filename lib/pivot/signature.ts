// Signing pivot requests so a pivot server can tell they come from ariflow (and are fresh):
//
//   X-Ariflow-Timestamp: <unix seconds>
//   X-Ariflow-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<payload>")>
//
// payload = the raw request body for POST, the raw query string (after `?`, as sent) for GET.
// The secret is per account (`pvt_pivot_secret` on the account document), made on first use, readable
// and rotatable over the API (GET/PUT /v2/accounts/{id}/pivot_secret). It is never logged nor stored on
// call records. A server should reject timestamps older than a few minutes to stop replays.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AccountData } from '../engine/module.ts';

export const SIGNATURE_HEADER = 'X-Ariflow-Signature';
export const TIMESTAMP_HEADER = 'X-Ariflow-Timestamp';
/** Field of the account document that holds the secret (pvt_: never shown in, nor replaced by, account updates). */
export const SECRET_FIELD = 'pvt_pivot_secret';

export function newPivotSecret(): string {
  return randomBytes(32).toString('hex');
}

export function signPayload(secret: string, timestamp: number, payload: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex')}`;
}

export function signatureHeaders(secret: string, payload: string, now = Date.now()): Record<string, string> {
  const timestamp = Math.floor(now / 1000);
  return { [TIMESTAMP_HEADER]: String(timestamp), [SIGNATURE_HEADER]: signPayload(secret, timestamp, payload) };
}

/**
 * What a pivot server does (also used by the example server and the tests): recompute and compare in
 * constant time, and refuse stale timestamps.
 */
export function verifySignature(
  secret: string,
  headers: { timestamp?: string | null; signature?: string | null },
  payload: string,
  opts: { toleranceSeconds?: number; now?: number } = {},
): boolean {
  const ts = Number(headers.timestamp);
  if (!Number.isInteger(ts) || !headers.signature) return false;
  const now = Math.floor((opts.now ?? Date.now()) / 1000);
  if (Math.abs(now - ts) > (opts.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signPayload(secret, ts, payload));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export interface AccountWithSecret {
  [SECRET_FIELD]?: unknown;
  realm?: unknown;
}

/**
 * The account's pivot secret, made and stored on first use (`account`: the document already read, if
 * any). The first write is conditional (only while the account has none), so two calls making it at the
 * same moment end up signing with the same secret: the loser re-reads the winner's.
 */
export async function accountPivotSecret(data: AccountData, accountId: string, account?: AccountWithSecret): Promise<string> {
  const doc = account ?? (await data.get<AccountWithSecret>('accounts', accountId));
  const existing = doc?.[SECRET_FIELD];
  if (typeof existing === 'string' && existing.length >= 32) return existing;
  if (!doc) throw new Error(`account ${accountId} not found`);
  const created = newPivotSecret();
  if (await data.update('accounts', accountId, { [SECRET_FIELD]: created }, { [SECRET_FIELD]: { $exists: false } })) return created;
  const stored = (await data.get<AccountWithSecret>('accounts', accountId))?.[SECRET_FIELD];
  if (typeof stored !== 'string') throw new Error('could not store the pivot secret on the account');
  return stored;
}
