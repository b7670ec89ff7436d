// Brings the local stack up for the suite when no external ARI/MongoDB is configured, and stops what it
// started at the end (a stack that was already running is left alone; ARIFLOW_KEEP_STACK=1 keeps it for the next run).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const stackScript = path.join(repo, 'asterisk/stack.sh');
let startedHere = false;

function applyStatus(out: string) {
  for (const line of out.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m && process.env[m[1]] === undefined) process.env[m[1]] = m[2];
  }
}

// Runs when mocha loads this file (--require), before any spec file is loaded, so specs may read the
// environment at load time.
function bringStackUp() {
  if (process.env.ARI_URL && process.env.MONGO_URL) return;
  // A stack someone else already runs (a developer, a parallel run) is used as it is and left running.
  try {
    applyStatus(execFileSync('bash', [stackScript, 'status'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    return;
  } catch {
    /* not (fully) running: bring it up below */
  }
  const t0 = Date.now();
  const out = execFileSync('bash', [stackScript, 'up'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  applyStatus(out);
  startedHere = true;
  console.log(`  local stack up in ${((Date.now() - t0) / 1000).toFixed(1)} s (${process.env.ARI_URL}, ${process.env.MONGO_URL})`);
}

export function mochaGlobalTeardown() {
  if (!startedHere || process.env.ARIFLOW_KEEP_STACK === '1') return;
  execFileSync('bash', [stackScript, 'down'], { stdio: ['ignore', 'ignore', 'inherit'] });
}

bringStackUp();
