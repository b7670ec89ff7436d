// Benchmark (not a test): calls per second through a callflow stored in the database
// (answer → set_variables → a 20 ms prompt → hangup) against a bare ARI app that only answers and hangs up,
// both driven the same way on the same Asterisk in one run; then the engine's added latency per step
// (ARI event → the next ARI command) at half of the measured stored-callflow rate.
//
//   npx tsx bench/calls.ts [--duration 15] [--inflight 24]
//
// Load: a driver keeps `inflight` calls up, each `Local/<n>@inbound` originated with its `;1` half parked in
// Echo; ariflow (or the bare app) gets the `;2` half. A call counts when its `;1` half is destroyed. Calls
// are originated as G.711 µ-law, what SIP phones and carriers send (a Local channel left to choose would
// run at signed linear 192 kHz and make Asterisk resample every prompt).
// Needs the local stack (or ARI_URL/MONGO_URL); ariflow runs in this process under its own app name.
import { randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type Config } from '../lib/config.ts';
import { silentLogger } from '../lib/log.ts';
import { startAriflow } from '../lib/main.ts';
import { encodeWav } from '../lib/tts/wav.ts';
import { writeUlawCopy } from '../lib/media/ulaw.ts';
import { connectAri } from '../lib/asterisk/index.ts';
import { cpuPerCall, cpuSnapshot } from './cpu.ts';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const durationS = Number(args.get('duration') ?? 15);
const inflight = Number(args.get('inflight') ?? 24);

interface Ws {
  on(event: string, listener: (...a: any[]) => void): void;
  close(): void;
}
const WebSocket = createRequire(import.meta.url)('ws') as new (url: string, opts?: object) => Ws;

const base = loadConfig();
const auth = 'Basic ' + Buffer.from(`${base.ariUsername}:${base.ariPassword}`).toString('base64');

async function ari(method: string, p: string, query: Record<string, string> = {}, body?: unknown) {
  const url = new URL(`/ari${p}`, base.ariUrl);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const res = await fetch(url, {
    method,
    headers: { authorization: auth, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.status >= 400 && res.status !== 404) throw new Error(`${method} ${p}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.json().catch(() => undefined);
}

function events(app: string, onEvent: (e: any) => void): Promise<Ws> {
  const url = new URL(base.ariUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = '/ari/events';
  url.searchParams.set('app', app);
  url.searchParams.set('api_key', `${base.ariUsername}:${base.ariPassword}`);
  const ws = new WebSocket(url.toString());
  ws.on('message', (data: Buffer) => onEvent(JSON.parse(data.toString('utf8'))));
  return new Promise((resolve, reject) => {
    ws.on('open', () => resolve(ws));
    ws.on('error', reject);
  });
}

/** Keeps `inflight` calls up for `seconds` into Stasis app `target`; returns completed calls per second. */
async function drive(target: string, number: string, seconds: number, inflightCalls: number, ratePerSec?: number) {
  const driverApp = `bench-driver-${randomUUID().slice(0, 8)}`;
  let completed = 0;
  let failed = 0;
  let running = true;
  // The ;1 half enters the driver's app once the far end answers; its StasisEnd means the call is over.
  const done = new Map<string, () => void>();
  const ws = await events(driverApp, (e) => {
    if (e.type === 'StasisEnd' && done.has(e.channel.id)) {
      done.get(e.channel.id)!();
      done.delete(e.channel.id);
    }
  });
  const originate = async (): Promise<void> => {
    const id = randomUUID();
    const ended = new Promise<void>((r) => done.set(id, r));
    try {
      await ari('POST', '/channels', { endpoint: `Local/${number}@inbound`, channelId: id, app: driverApp, timeout: '30', callerId: '"bench" <5550000>', formats: 'ulaw' }, { variables: { __ARIFLOW_APP: target } });
    } catch {
      failed++;
      done.delete(id);
      return;
    }
    // A call that never answers would stall this worker: give up on it after 10 s.
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000).unref());
    if ((await Promise.race([ended, timeout])) === 'timeout') {
      failed++;
      done.delete(id);
      return;
    }
    completed++;
  };
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  const workers: Promise<void>[] = [];
  if (ratePerSec) {
    // Open loop at a fixed rate (for the latency run).
    const gap = 1000 / ratePerSec;
    workers.push(
      (async () => {
        const pending: Promise<void>[] = [];
        for (let next = performance.now(); performance.now() < deadline; next += gap) {
          const wait = next - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          pending.push(originate());
        }
        await Promise.all(pending);
      })(),
    );
  } else {
    for (let i = 0; i < inflightCalls; i++) {
      workers.push(
        (async () => {
          while (running && performance.now() < deadline) await originate();
        })(),
      );
    }
  }
  await Promise.all(workers);
  running = false;
  const elapsed = (performance.now() - t0) / 1000;
  ws.close();
  return { rate: completed / elapsed, completed, failed, elapsed };
}

/**
 * The baseline: a Stasis app that answers and hangs up, over the same ARI adapter as ariflow (lib/asterisk),
 * so the difference between the two runs is the engine: routing, the flow walk, the modules, the record.
 */
async function bareApp(): Promise<{ app: string; close(): Promise<void> }> {
  const app = `bench-bare-${randomUUID().slice(0, 8)}`;
  const conn = await connectAri({ ...base, ariApp: app }, silentLogger, {
    onCall: async (call) => {
      await call.answer();
      await call.hangup();
    },
  });
  return { app, close: () => conn.close({ hangupCalls: true }) };
}

function pct(sorted: number[], p: number) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
}

// A 20 ms prompt, so the flow's own media time does not dominate the rate; stored the way ariflow stores the
// prompts it makes (TTS, uploads): the WAV plus its µ-law copy.
const promptDir = path.join(base.mediaDir, 'bench');
mkdirSync(promptDir, { recursive: true });
const wav = encodeWav({ pcm: Buffer.alloc(160 * 2), sampleRate: 8000 });
writeFileSync(path.join(promptDir, 'blip20ms.wav'), wav);
await writeUlawCopy(path.join(promptDir, 'blip20ms'), Buffer.alloc(160 * 2));

const dbName = `ariflow_bench_${randomBytes(3).toString('hex')}`;
const mongo = new URL(base.mongoUrl);
mongo.pathname = `/${dbName}`;
const config: Config = { ...base, ariApp: `bench-ariflow-${randomUUID().slice(0, 8)}`, mongoUrl: mongo.toString(), httpPort: 0, masterApiKey: randomBytes(8).toString('hex') };
const flow = await startAriflow(config, silentLogger);
const master = await flow.store.db.collection('system_settings').findOne({ _id: 'master_account' as never });
const accountId = String(master!.account_id);
const number = '8800001';
await flow.store.db.collection('callflows').insertOne({
  _id: randomBytes(16).toString('hex') as never,
  account_id: accountId,
  name: 'bench',
  numbers: [number],
  patterns: [],
  flow: {
    module: 'answer', data: {}, children: { _: {
      module: 'set_variables', data: { custom_application_vars: { campaign: 'bench' } }, children: { _: {
        module: 'play', data: { id: `sound:${path.join(promptDir, 'blip20ms')}`.replace(/^sound:/, '') }, children: { _: {
          module: 'hangup', data: {} } } } } } },
  },
});

const bare = await bareApp();
console.log(`calls benchmark: ${durationS} s per run, ${inflight} calls in flight, Asterisk at ${base.ariUrl}`);
await drive(bare.app, number, 2, inflight); // warm-up
let cpu0 = cpuSnapshot();
const bareRun = await drive(bare.app, number, durationS, inflight);
const bareCpu = cpuPerCall(cpu0, cpuSnapshot(), bareRun.completed);
await bare.close();
await drive(config.ariApp, number, 2, inflight); // warm-up (route cache, TTS-free flow)
cpu0 = cpuSnapshot();
const flowRun = await drive(config.ariApp, number, durationS, inflight);
const flowCpu = cpuPerCall(cpu0, cpuSnapshot(), flowRun.completed);

console.log(`  bare ARI app over lib/asterisk (answer, hangup):   ${bareRun.rate.toFixed(0)} calls/s (${bareRun.completed} calls, ${bareRun.failed} failed)`);
console.log(`  ariflow stored callflow (answer, set_variables, 20 ms prompt, hangup): ${flowRun.rate.toFixed(0)} calls/s (${flowRun.completed} calls, ${flowRun.failed} failed)`);
console.log(`  ratio: ${(flowRun.rate / bareRun.rate).toFixed(2)}`);
if (bareCpu) console.log(`  bare app ${bareCpu}`);
if (flowCpu) console.log(`  stored callflow ${flowCpu}`);

const latency = flow.ari.stepLatency;
{
  latency.reset();
  const half = Math.max(1, Math.round(flowRun.rate / 2));
  const run = await drive(config.ariApp, number, Math.min(durationS, 10), inflight, half);
  const s = latency.samples().sort((a, b) => a - b);
  console.log(`  engine step latency (ARI event → next ARI command) at ${half} calls/s (${run.completed} calls, ${s.length} steps): p50 ${pct(s, 50).toFixed(3)} ms, p99 ${pct(s, 99).toFixed(3)} ms`);
}
console.log(`  command: npx tsx bench/calls.ts --duration ${durationS} --inflight ${inflight}`);
await flow.close();
const { MongoClient } = await import('mongodb');
const c = new MongoClient(base.mongoUrl);
await c.db(dbName).dropDatabase().catch(() => {});
await c.close();
process.exit(0);
