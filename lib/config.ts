// Configuration from the environment, with defaults that fit the local stack (asterisk/stack.sh).
import path from 'node:path';

export interface Config {
  ariUrl: string;
  ariUsername: string;
  ariPassword: string;
  ariApp: string;
  mongoUrl: string;
  httpPort: number;
  httpHost: string;
  mediaDir: string;
  masterApiKey: string | undefined;
  /** How long start keeps retrying Asterisk / the database before giving up. */
  startupTimeoutMs: number;
  /** Timeout applied to every ARI REST call. */
  ariRequestTimeoutMs: number;
  logLevel: string;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

/** An integer setting of at least `min`, `fallback` when unset; ConfigError naming the variable otherwise. */
export function envInt(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(name, `must be an integer >= ${min}, got "${raw}"`);
  return n;
}

function url(env: NodeJS.ProcessEnv, name: string, fallback: string, protocols: string[]): string {
  const raw = env[name] || fallback;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) throw new ConfigError(name, `must use ${protocols.join(' or ')}`);
  return raw;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    ariUrl: url(env, 'ARI_URL', 'http://127.0.0.1:8088', ['http:', 'https:']),
    ariUsername: env.ARI_USERNAME || 'ariflow',
    ariPassword: env.ARI_PASSWORD || 'ariflow',
    ariApp: env.ARI_APP || 'ariflow',
    mongoUrl: url(env, 'MONGO_URL', 'mongodb://127.0.0.1:27117/ariflow', ['mongodb:', 'mongodb+srv:']),
    httpPort: envInt(env, 'HTTP_PORT', 8000),
    httpHost: env.HTTP_HOST || '127.0.0.1',
    mediaDir: path.resolve(env.ARIFLOW_MEDIA_DIR || '/var/cache/ariflow/media'),
    masterApiKey: env.ARIFLOW_MASTER_API_KEY || undefined,
    startupTimeoutMs: envInt(env, 'ARIFLOW_STARTUP_TIMEOUT_MS', 20_000),
    ariRequestTimeoutMs: envInt(env, 'ARI_REQUEST_TIMEOUT_MS', 5_000, 1),
    logLevel: env.LOG_LEVEL || 'info',
  };
}
