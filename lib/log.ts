// Structured logs (pino). Secrets are redacted by key wherever they appear in a logged object.
import { pino, type Logger } from 'pino';

export type { Logger };

export const redactedKeys = [
  'password', 'ariPassword', 'api_key', 'apiKey', 'masterApiKey', 'auth_token', 'authToken', 'secret',
  'pin', 'sip.password', 'headers.authorization', 'headers["x-auth-token"]',
];

export function createLogger(level = process.env.LOG_LEVEL || 'info'): Logger {
  return pino({
    level,
    base: { service: 'ariflow' },
    redact: { paths: [...redactedKeys, ...redactedKeys.map((k) => `*.${k}`)], censor: '[redacted]' },
  });
}

/** Tests and tools that must stay quiet. */
export const silentLogger: Logger = pino({ level: 'silent' });
