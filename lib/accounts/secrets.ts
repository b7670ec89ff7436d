// Ids, API keys and tokens: random values from the OS CSPRNG; secrets are stored only as SHA-256.
// A plain (unsalted) SHA-256 is enough here: keys and tokens are 256-bit random values, not
// passwords, so there is nothing to brute-force, and a fast hash keeps per-request checks cheap.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Kazoo-style document/account id: 32 lower-case hex characters. */
export function newId(): string {
  return randomBytes(16).toString('hex');
}

/** A new API key or auth token: 64 hex characters (256 bits). */
export function newSecret(): string {
  return randomBytes(32).toString('hex');
}

export function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex digests. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export const ACCOUNT_ID = /^[0-9a-f]{32}$/;

/**
 * Next document revision, CouchDB-like `<n>-<16 hex>`: the counter orders revisions, the random
 * part makes two writers that both started from revision n produce different revisions.
 */
export function nextRevision(previous?: string): string {
  const n = previous ? Number.parseInt(previous, 10) || 0 : 0;
  return `${n + 1}-${randomBytes(8).toString('hex')}`;
}

/** Kazoo's timestamps: Gregorian seconds (Unix seconds + 62167219200). */
export function gregorianNow(): number {
  return Math.floor(Date.now() / 1000) + 62_167_219_200;
}
