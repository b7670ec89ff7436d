// `npm run bench`: every benchmark, one after the other, each printing its figures and its own command.
// Needs the local stack (brought up here if ARI_URL/MONGO_URL are not set). Not a test: nothing is asserted.
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (!process.env.ARI_URL || !process.env.MONGO_URL) {
  const out = execFileSync('bash', [path.join(repo, 'asterisk/stack.sh'), 'up'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  for (const line of out.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m && process.env[m[1]] === undefined) process.env[m[1]] = m[2];
  }
}

const runs: [string, string[]][] = [
  ['bench/api.ts', ['--duration', '10']],
  ['bench/calls.ts', ['--duration', '15', '--inflight', '24']],
];
let failed = false;
for (const [file, args] of runs) {
  console.log(`\n== ${file} ${args.join(' ')}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repo, file), ...args], { stdio: 'inherit', cwd: repo });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
