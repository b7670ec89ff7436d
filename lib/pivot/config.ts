// Pivot settings from the environment (documented in the README's Pivot section).
// Read on each request (a handful of env lookups) so an operator's change and a test's override
// apply without restarting; invalid values throw ConfigError naming the variable.
import { ConfigError, envInt } from '../config.ts';

export interface PivotConfig {
  /** Refuse targets whose address is private, link-local, unique-local or unspecified. */
  denyPrivate: boolean;
  /** With denyPrivate: still allow loopback (a pivot server on the same host, tests). */
  allowLoopback: boolean;
  /** Larger responses are refused (bytes of body, after decompression). */
  maxResponseBytes: number;
  /** Requests a call may make in a burst (token bucket capacity): bounds pivot → pivot loops. */
  maxBurst: number;
  /** One request token comes back every refillMs. */
  refillMs: number;
  /** Store request and response bodies of every exchange, not only of nodes with `debug: true`. */
  debugAlways: boolean;
  /** Bodies kept on the call record are cut to this many characters. */
  debugBodyChars: number;
  /** Exchanges kept on one call record (the latest ones). */
  debugMaxExchanges: number;
  /** ariflow's API as pivot servers reach it (TwiML Record's RecordingUrl); absent: RecordingUrl is a path. */
  publicUrl?: string;
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${env[name]}"`);
}

function publicUrl(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.ARIFLOW_PUBLIC_URL?.trim();
  if (!raw) return undefined;
  if (!/^https?:\/\/[^/]+/i.test(raw)) throw new ConfigError('ARIFLOW_PUBLIC_URL', `must be an http(s) URL, got "${raw}"`);
  return raw.replace(/\/+$/, '');
}

export function loadPivotConfig(env: NodeJS.ProcessEnv = process.env): PivotConfig {
  const debug = env.ARIFLOW_PIVOT_DEBUG?.trim().toLowerCase();
  if (debug && !['always', 'node', ''].includes(debug)) throw new ConfigError('ARIFLOW_PIVOT_DEBUG', `must be "always" or "node", got "${env.ARIFLOW_PIVOT_DEBUG}"`);
  return {
    denyPrivate: bool(env, 'ARIFLOW_PIVOT_DENY_PRIVATE', false),
    allowLoopback: bool(env, 'ARIFLOW_PIVOT_ALLOW_LOOPBACK', false),
    maxResponseBytes: envInt(env, 'ARIFLOW_PIVOT_MAX_RESPONSE_BYTES', 128 * 1024, 1),
    maxBurst: envInt(env, 'ARIFLOW_PIVOT_MAX_BURST', 10, 1),
    refillMs: envInt(env, 'ARIFLOW_PIVOT_REFILL_MS', 1000, 1),
    debugAlways: debug === 'always',
    debugBodyChars: envInt(env, 'ARIFLOW_PIVOT_DEBUG_BODY_CHARS', 8 * 1024, 0),
    debugMaxExchanges: envInt(env, 'ARIFLOW_PIVOT_DEBUG_MAX_EXCHANGES', 50, 1),
    publicUrl: publicUrl(env),
  };
}
