// Start, then stop cleanly on SIGINT/SIGTERM; a start that fails exits 1 with one line naming the cause.
import type { Logger } from '../log.ts';

export interface Stoppable {
  close(): Promise<void>;
}

export async function runUntilSignal<T extends Stoppable>(
  start: () => Promise<T>,
  logger: Logger,
  after?: { started?(app: T): Promise<void> | void; stopped?(): Promise<void> | void },
): Promise<void> {
  let app: T;
  try {
    app = await start();
  } catch (err) {
    console.error(`ariflow: cannot start: ${(err as Error).message}`);
    await after?.stopped?.();
    process.exit(1);
  }
  await after?.started?.(app);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    // A stuck shutdown must not keep the process (and the operator) waiting forever.
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    try {
      await app.close();
      await after?.stopped?.();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // npm does not pass SIGTERM on to the script it runs: when npm (our parent) is gone, stop as if told to.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stop('parent exited');
  }, 1000).unref();
}
