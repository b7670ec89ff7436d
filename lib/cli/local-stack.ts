// The local stack (asterisk/stack.sh) as the CLI, the test suite and the benchmarks use it: bring it up if
// it is not running, and put the addresses it prints (ARI_URL=..., MONGO_URL=...) into the environment.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const stackScript = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../asterisk/stack.sh');

function applyEnv(out: string) {
  for (const line of out.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m && process.env[m[1]] === undefined) process.env[m[1]] = m[2];
  }
}

/**
 * Does nothing when ARI_URL and MONGO_URL are set. A stack that already runs is used as it is; otherwise
 * it is started. Returns whether this call started it (then the caller stops it with stopLocalStack()).
 */
export function useLocalStack(): { started: boolean } {
  if (process.env.ARI_URL && process.env.MONGO_URL) return { started: false };
  try {
    applyEnv(execFileSync('bash', [stackScript, 'status'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    return { started: false };
  } catch {
    /* not (fully) running */
  }
  applyEnv(execFileSync('bash', [stackScript, 'up'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
  return { started: true };
}

export function stopLocalStack() {
  execFileSync('bash', [stackScript, 'down'], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** The local stack's chroot (ARIFLOW_STACK_ROOT, else what `stack.sh root` prints), for tools run inside it. */
export function stackRoot(): string {
  if (process.env.ARIFLOW_STACK_ROOT) return process.env.ARIFLOW_STACK_ROOT;
  return execFileSync('bash', [stackScript, 'root'], { encoding: 'utf8' }).trim();
}
