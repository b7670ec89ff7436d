// TTS settings from the environment (see the README's configuration table).
import path from 'node:path';
import { ConfigError, envInt } from '../config.ts';
import type { TtsOptions } from './index.ts';

function bool(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return undefined;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${env[name]}"`);
}

export function loadTtsConfig(env: NodeJS.ProcessEnv = process.env): Omit<TtsOptions, 'logger'> {
  const engine = (env.ARIFLOW_TTS_ENGINE || 'espeak').trim().toLowerCase();
  if (!['espeak', 'espeak-ng', 'flite', 'google'].includes(engine)) throw new ConfigError('ARIFLOW_TTS_ENGINE', `must be espeak or google, got "${engine}"`);
  const endpoint = env.ARIFLOW_GOOGLE_TTS_ENDPOINT?.trim() || undefined;
  if (endpoint && !/^(\[[^\]]+\]|[^:/\s]+)(:\d+)?$/.test(endpoint)) throw new ConfigError('ARIFLOW_GOOGLE_TTS_ENDPOINT', `must be host:port, got "${endpoint}"`);
  return {
    mediaDir: path.resolve(env.ARIFLOW_MEDIA_DIR || '/var/cache/ariflow/media'),
    defaultEngine: engine,
    defaultVoice: env.ARIFLOW_TTS_VOICE || undefined,
    defaultLanguage: env.ARIFLOW_TTS_LANGUAGE || undefined,
    maxChars: envInt(env, 'ARIFLOW_TTS_MAX_CHARS', 4000, 1),
    concurrency: envInt(env, 'ARIFLOW_TTS_CONCURRENCY', 4, 1),
    timeoutMs: envInt(env, 'ARIFLOW_TTS_TIMEOUT_MS', 20_000, 1),
    espeak: { chrootDir: env.ARIFLOW_STACK_ROOT || undefined },
    google: {
      apiEndpoint: endpoint,
      insecure: bool(env, 'ARIFLOW_GOOGLE_TTS_INSECURE'),
      apiKey: env.ARIFLOW_GOOGLE_TTS_API_KEY || undefined,
      timeoutMs: envInt(env, 'ARIFLOW_GOOGLE_TTS_TIMEOUT_MS', 10_000, 1),
    },
  };
}
