// Brings the local stack up for the suite when no external ARI/MongoDB is configured (a stack that already
// runs is used and left alone), and stops what it started at the end (ARIFLOW_KEEP_STACK=1 keeps it).
// It runs when mocha loads this file (--require), before any spec file is loaded, so specs may read the
// environment at load time.
import { stopLocalStack, useLocalStack } from '../../lib/cli/local-stack.ts';

const t0 = Date.now();
const { started } = useLocalStack();
if (started) {
  console.log(`  local stack up in ${((Date.now() - t0) / 1000).toFixed(1)} s (${process.env.ARI_URL}, ${process.env.MONGO_URL})`);
}

export function mochaGlobalTeardown() {
  if (started && process.env.ARIFLOW_KEEP_STACK !== '1') stopLocalStack();
}
