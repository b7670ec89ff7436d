// `npm run bench`: every benchmark, one after the other, each printing its figures and its own command.
// Needs the local stack (brought up here if ARI_URL/MONGO_URL are not set). Not a test: nothing is asserted.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { useLocalStack } from '../lib/cli/local-stack.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
useLocalStack();

const runs: [string, string[]][] = [
  ['bench/api.ts', ['--duration', '10']],
  ['bench/calls.ts', ['--duration', '5', '--rounds', '3', '--inflight', '24']],
];
let failed = false;
for (const [file, args] of runs) {
  console.log(`\n== ${file} ${args.join(' ')}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repo, file), ...args], { stdio: 'inherit', cwd: repo });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
