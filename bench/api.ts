// Benchmark (not a test): indexed GET of one callflow through the whole API — token check, account
// reach, document read, Crossbar envelope, one log line per request (pino, to /dev/null).
// The server runs in this process; the load comes from a child process (its own core) over
// keep-alive connections in a closed loop. Prints the figures with the command that produced them.
//
//   npx tsx bench/api.ts [--duration 10] [--connections 8] [--cache-ms 2000] [--uncached]
//     --cache-ms   the API's in-process document cache (ApiDeps.cacheTtlMs; 0 = every GET reads MongoDB)
//     --uncached   also run a second pass with the document cache off, to show the database-bound figure
// Needs the database of the local stack (MONGO_URL, default mongodb://127.0.0.1:27117/ariflow).
import http from 'node:http';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { loadConfig } from '../lib/config.ts';
import { openStore } from '../lib/store/mongo.ts';
import { silentLogger } from '../lib/log.ts';
import { createMetrics } from '../lib/metrics.ts';
import { startHttpServer } from '../lib/api/server.ts';
import { createApiRouter } from '../lib/api/router.ts';
import { ensureMasterAccount } from '../lib/accounts/bootstrap.ts';

interface LoadSpec {
  port: number;
  path: string;
  token: string;
  connections: number;
  durationMs: number;
  warmupMs: number;
}

interface LoadResult {
  requests: number;
  errors: number;
  statuses: Record<string, number>;
  seconds: number;
  latenciesMs: number[];
}

/** Worker: closed-loop keep-alive GETs; latencies of the measured window only. */
async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  const start = Date.now();
  const measureFrom = start + spec.warmupMs;
  const end = measureFrom + spec.durationMs;
  const once = () =>
    new Promise<void>((resolve) => {
      const t0 = process.hrtime.bigint();
      const req = http.request({ host: '127.0.0.1', port: spec.port, path: spec.path, agent, headers: { 'X-Auth-Token': spec.token } }, (res) => {
        res.resume();
        res.on('end', () => {
          if (Date.now() >= measureFrom) {
            latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
            statuses[res.statusCode ?? 0] = (statuses[res.statusCode ?? 0] ?? 0) + 1;
          }
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end();
    });
  await Promise.all(
    Array.from({ length: spec.connections }, async () => {
      while (Date.now() < end) await once();
    }),
  );
  agent.destroy();
  return { requests: latencies.length, errors, statuses, seconds: (Date.now() - measureFrom) / 1000, latenciesMs: latencies };
}

if (process.env.ARIFLOW_BENCH_LOAD) {
  // The load generator: a child process, so it has its own event loop (and core).
  const result = await runLoad(JSON.parse(process.env.ARIFLOW_BENCH_LOAD) as LoadSpec);
  process.send!(result, () => process.exit(0));
} else {
  await main();
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
}

async function main() {
  const durationMs = arg('duration', 10) * 1000;
  const connections = arg('connections', 8);
  const cacheMs = arg('cache-ms', 2000);
  const passes = process.argv.includes('--uncached') && cacheMs !== 0 ? [cacheMs, 0] : [cacheMs];
  const command = `npx tsx bench/api.ts ${process.argv.slice(2).join(' ')}`.trim();
  const config = loadConfig();
  const dbName = `ariflow_bench_${randomBytes(4).toString('hex')}`;
  const store = await openStore({ url: config.mongoUrl, startupTimeoutMs: 10_000, logger: silentLogger, dbName });
  const mediaDir = await mkdtemp(path.join(os.tmpdir(), 'ariflow-bench-'));
  // Production-like logging: one JSON line per request, written asynchronously (to /dev/null here).
  const logger = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false }));
  const masterKey = randomBytes(32).toString('hex');
  const master = await ensureMasterAccount(store.db, { masterApiKey: masterKey, logger: silentLogger });

  console.log(`# ${command}`);
  console.log(`# ${os.cpus().length} CPU(s) ${os.cpus()[0]?.model ?? ''}, node ${process.version}, database ${config.mongoUrl.replace(/\/\/[^@]*@/, '//')} (${dbName})`);
  try {
    for (const pass of passes) {
      const api = createApiRouter({ store, logger, config: { mediaDir }, cacheTtlMs: pass });
      const server = await startHttpServer({
        host: '127.0.0.1',
        port: 0,
        logger,
        metrics: createMetrics(),
        health: { ariConnected: () => true, databaseReachable: () => store.ping() },
        api,
      });
      const base = `http://127.0.0.1:${server.port}/v2`;
      const auth = await (await fetch(`${base}/api_auth`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ data: { api_key: masterKey } }) })).json();
      const token = auth.auth_token as string;
      // A typical small IVR-ish flow (no references, so nothing else has to exist).
      const flow = {
        module: 'set_cid',
        data: { caller_id_name: 'Main line', caller_id_number: '+14155550100' },
        children: {
          _: {
            module: 'play',
            data: { id: 'tone_stream://%(400,200,400,450)', answer: true },
            children: { _: { module: 'collect_dtmf', data: { max_digits: 4, timeout: 5000 }, children: { _: { module: 'hangup', data: {} } } } },
          },
        },
      };
      const created = await (
        await fetch(`${base}/accounts/${master._id}/callflows`, {
          method: 'PUT',
          headers: { 'Content-Type': 'application/json', 'X-Auth-Token': token },
          body: JSON.stringify({ data: { name: `Bench ${pass}`, numbers: [`${2000 + pass}`, `+1415555${String(pass).padStart(4, '0')}`], flow } }),
        })
      ).json();
      const id = created.data.id as string;
      const target = `/v2/accounts/${master._id}/callflows/${id}`;
      const spec: LoadSpec = { port: server.port, path: target, token, connections, durationMs, warmupMs: 2_000 };
      const cpuBefore = process.cpuUsage();
      const result = await new Promise<LoadResult>((resolve, reject) => {
        const child = fork(fileURLToPath(import.meta.url), [], { execArgv: ['--import', 'tsx'], env: { ...process.env, ARIFLOW_BENCH_LOAD: JSON.stringify(spec) } });
        child.once('message', (m) => resolve(m as LoadResult));
        child.once('error', reject);
        child.once('exit', (code) => code !== 0 && reject(new Error(`load generator exited with ${code}`)));
      });
      const cpu = process.cpuUsage(cpuBefore);
      await server.close();
      const sorted = result.latenciesMs.sort((a, b) => a - b);
      const rps = result.requests / result.seconds;
      console.log(
        [
          `GET ${target.replace(master._id, '{account}').replace(id, '{callflow}')}  document cache ${pass ? `${pass} ms` : 'off (every GET reads MongoDB)'}`,
          `  ${connections} keep-alive connections, ${(durationMs / 1000).toFixed(0)} s after 2 s warm-up`,
          `  ${rps.toFixed(0)} req/s   p50 ${percentile(sorted, 50).toFixed(2)} ms   p90 ${percentile(sorted, 90).toFixed(2)} ms   p99 ${percentile(sorted, 99).toFixed(2)} ms   max ${sorted[sorted.length - 1]?.toFixed(2)} ms`,
          `  statuses ${JSON.stringify(result.statuses)}  errors ${result.errors}   server CPU ${((cpu.user + cpu.system) / 1000 / (result.requests * (1 + spec.warmupMs / durationMs))).toFixed(3)} ms/request (approx.)`,
        ].join('\n'),
      );
    }
  } finally {
    await store.db.dropDatabase().catch(() => {});
    await store.close();
    await rm(mediaDir, { recursive: true, force: true });
    logger.flush();
  }
}
