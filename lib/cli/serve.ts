// `npm run serve`: ariflow against the Asterisk and database named by the environment (Docker, production).
import { loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { startAriflow } from '../main.ts';
import { runUntilSignal } from './lifecycle.ts';

const logger = createLogger();
let config;
try {
  config = loadConfig();
} catch (err) {
  console.error(`ariflow: bad configuration: ${(err as Error).message}`);
  process.exit(2);
}
await runUntilSignal(() => startAriflow(config, logger), logger);
