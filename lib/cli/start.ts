// `npm start`: the main job on a machine without Docker. Brings the local stack up (unless ARI_URL and
// MONGO_URL point elsewhere), starts ariflow, loads examples/ into the master account through the API,
// prints how to use it, and on Ctrl-C/SIGTERM stops ariflow and what this command started.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { startAriflow, type Ariflow } from '../main.ts';
import { runUntilSignal } from './lifecycle.ts';
import { stopLocalStack, useLocalStack } from './local-stack.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cacheDir = process.env.ARIFLOW_CACHE || '/var/cache/ariflow';
const logger = createLogger();

let startedStack = false;
try {
  startedStack = useLocalStack().started;
} catch {
  console.error('ariflow: cannot start: the local stack did not come up (see the lines above)');
  process.exit(1);
}

// The demo needs a master key; keep a generated one in a root-only file so restarts reuse it.
const keyFile = path.join(cacheDir, 'master-api-key');
if (!process.env.ARIFLOW_MASTER_API_KEY) {
  if (!existsSync(keyFile)) {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(keyFile, randomBytes(32).toString('hex'), { mode: 0o600 });
  }
  process.env.ARIFLOW_MASTER_API_KEY = readFileSync(keyFile, 'utf8').trim();
}

const config = loadConfig();

async function loadExamples(app: Ariflow) {
  const base = `http://${config.httpHost}:${app.http.port}/v2`;
  const auth = await fetch(`${base}/api_auth`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ data: { api_key: config.masterApiKey } }),
  });
  const authBody = (await auth.json()) as { auth_token?: string; data?: { account_id?: string } };
  const token = authBody.auth_token;
  const accountId = authBody.data?.account_id;
  if (!auth.ok || !token || !accountId) throw new Error(`cannot authenticate with the master key (HTTP ${auth.status})`);
  const dir = path.join(repo, 'examples');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  for (const file of files) {
    const bundle = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    const res = await fetch(`${base}/accounts/${accountId}/import`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-auth-token': token },
      body: JSON.stringify(bundle),
    });
    const body = (await res.json()) as { data?: unknown };
    if (!res.ok) logger.warn({ file, status: res.status, result: body.data }, 'example import reported problems');
    else logger.info({ file }, 'example loaded');
  }
  return { accountId, token };
}

await runUntilSignal(() => startAriflow(config, logger), logger, {
  async started(app) {
    const { accountId } = await loadExamples(app).catch((err: Error) => {
      logger.error({ err: err.message }, 'loading examples failed');
      return { accountId: '(unknown)' };
    });
    console.log(
      [
        '',
        `ariflow is running: API http://${config.httpHost}:${app.http.port}/v2  health http://${config.httpHost}:${app.http.port}/health`,
        `  master account ${accountId}; its API key is in ${process.env.ARIFLOW_MASTER_API_KEY === readFileSafe(keyFile) ? keyFile : 'ARIFLOW_MASTER_API_KEY'}`,
        `  get a token:  curl -s -X PUT http://${config.httpHost}:${app.http.port}/v2/api_auth -H 'content-type: application/json' -d '{"data":{"api_key":"'$(cat ${keyFile})'"}}'`,
        '  examples/README.md lists the numbers to call and the SIP phones to register.',
        '  Ctrl-C stops ariflow' + (startedStack ? ' and the local stack.' : '.'),
        '',
      ].join('\n'),
    );
  },
  stopped() {
    if (startedStack) stopLocalStack();
  },
});

function readFileSafe(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}
