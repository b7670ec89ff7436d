// Auth tokens (Crossbar's X-Auth-Token): random 256-bit values given out by PUT /v2/api_auth, stored
// only as their SHA-256 with the account they belong to and an expiry. Verification is the hot path
// of every request, so a verified token is remembered in-process for a short while; revocation by
// this process is immediate, by another one effective after at most `cacheTtlMs`.
import type { Collection, Db } from 'mongodb';
import { TtlCache } from './ttl-cache.ts';
import { newSecret, sha256 } from './secrets.ts';

export interface TokenDoc {
  _id: string; // sha256(token)
  account_id: string;
  created_at: Date;
  expires_at: Date;
}

export interface TokenInfo {
  accountId: string;
  expiresAt: Date;
}

export interface TokenServiceOptions {
  /** Lifetime of a token (default one hour). */
  ttlSeconds?: number;
  cacheTtlMs?: number;
}

export class TokenService {
  readonly ttlSeconds: number;
  private readonly col: Collection<TokenDoc>;
  private readonly cache: TtlCache<TokenInfo>;
  private issued = 0;

  constructor(db: Db, opts: TokenServiceOptions = {}) {
    this.col = db.collection<TokenDoc>('auth_tokens');
    this.ttlSeconds = opts.ttlSeconds ?? 3600;
    this.cache = new TtlCache(opts.cacheTtlMs ?? 30_000, 50_000);
  }

  async issue(accountId: string): Promise<{ token: string; expiresAt: Date }> {
    const token = newSecret();
    const now = Date.now();
    const expiresAt = new Date(now + this.ttlSeconds * 1000);
    await this.col.insertOne({ _id: sha256(token), account_id: accountId, created_at: new Date(now), expires_at: expiresAt });
    // Expired tokens are useless but would pile up: sweep now and then (real MongoDB could use a TTL index).
    if (++this.issued % 100 === 1) void this.col.deleteMany({ expires_at: { $lt: new Date(now) } }).catch(() => {});
    return { token, expiresAt };
  }

  async verify(token: string): Promise<TokenInfo | undefined> {
    if (!/^[0-9a-f]{64}$/.test(token)) return undefined;
    const now = Date.now();
    // Keyed by the token itself (process memory only): hashing is for what is stored.
    let info = this.cache.get(token);
    if (!info) {
      const doc = await this.col.findOne({ _id: sha256(token) });
      if (!doc) return undefined;
      info = { accountId: doc.account_id, expiresAt: doc.expires_at };
      this.cache.set(token, info, Math.min(this.cache.ttlMs, info.expiresAt.getTime() - now));
    }
    return info.expiresAt.getTime() > now ? info : undefined;
  }

  async revoke(token: string): Promise<void> {
    this.cache.delete(token);
    await this.col.deleteOne({ _id: sha256(token) });
  }

  /** Drops every token of an account (its key was re-created, or the account deleted). */
  async revokeAccount(accountId: string): Promise<void> {
    this.cache.clear();
    await this.col.deleteMany({ account_id: accountId });
  }
}
