// CLI: `tsx tools/mongo-gateway/main.ts`, configured by environment variables.
import { startGateway } from './server.ts';

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    console.error(`mongo-gateway: ${name} must be a port number, got '${raw}'`);
    process.exit(2);
  }
  return n;
}

const host = process.env.GATEWAY_HOST || '127.0.0.1';
const port = envInt('GATEWAY_PORT', 27117);
const pg = {
  host: process.env.PGHOST || '127.0.0.1',
  port: envInt('PGPORT', 55432),
  database: process.env.PGDATABASE || 'postgres',
  user: process.env.PGUSER || 'postgres',
  password: process.env.PGPASSWORD || undefined,
};

// Every acknowledged write is on disk before the reply (a crash must not lose it); GATEWAY_SYNC_COMMIT=off
// trades that for about twice the insert rate, like MongoDB's w:1 without journaling.
const synchronousCommit = process.env.GATEWAY_SYNC_COMMIT !== 'off';

const log = (line: string) => console.error(`mongo-gateway: ${line}`);

try {
  const gateway = await startGateway({ host, port, pg, synchronousCommit, log });
  console.log(
    `mongo-gateway listening on ${host}:${gateway.port} -> postgresql://${pg.user}@${pg.host}:${pg.port}/${pg.database}`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    // Closing waits for statements in flight; do not let one hang the exit.
    setTimeout(() => {
      log('shutdown timed out');
      process.exit(1);
    }, 10_000).unref();
    gateway.close().then(
      () => process.exit(0),
      (err: Error) => {
        log(`shutdown failed: ${err.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
} catch (err) {
  log(`cannot start: ${(err as Error).message}`);
  process.exit(1);
}
