// Benchmark (not a test): calls per second through a callflow stored in the database
// (answer → set_variables → a 20 ms prompt → hangup) against a bare ARI app that only answers and hangs up,
// both driven the same way on the same Asterisk in one run; then the engine's added latency per step
// (ARI event → the next ARI command) at half of the measured stored-callflow rate.
//
//   npx tsx bench/calls.ts [--duration 5] [--rounds 3] [--inflight 24]
//
// Load: SIPp places real SIP calls into Asterisk (bench/sipp-load.ts), `inflight` at a time, each replaced as
// soon as it ends; a call counts when SIPp got the BYE and answered it. A third app answers, plays the same
// prompt and hangs up: the flow against it is the engine's own cost (routing, the flow walk, set_variables,
// the call record); the bare app against it is what the prompt costs Asterisk and the ARI client.
// Needs the local stack and root (SIPp runs in its chroot); ariflow runs in this process under its own app name.
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type Config } from '../lib/config.ts';
import { silentLogger } from '../lib/log.ts';
import { startAriflow } from '../lib/main.ts';
import { encodeWav } from '../lib/tts/wav.ts';
import { writeUlawCopy } from '../lib/media/ulaw.ts';
import { connectAri, PjsipConfig } from '../lib/asterisk/index.ts';
import type { CallControl } from '../lib/callcontrol/port.ts';
import { cpuPerCall, cpuSnapshot, type CpuSnapshot } from './cpu.ts';
import { SippLoad, type LoadResult } from './sipp-load.ts';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const durationS = Number(args.get('duration') ?? 5);
const inflight = Number(args.get('inflight') ?? 24);
const rounds = Number(args.get('rounds') ?? 3);

const base = loadConfig();

/**
 * A baseline: a Stasis app over the same ARI adapter as ariflow (lib/asterisk) that runs `handle` on each call,
 * so the difference between it and ariflow is the engine.
 */
async function bareApp(name: string, handle: (call: CallControl) => Promise<void>) {
  const app = `bench-${name}-${randomUUID().slice(0, 8)}`;
  const conn = await connectAri({ ...base, ariApp: app }, silentLogger, { onCall: handle });
  return { app, conn, close: () => conn.close({ hangupCalls: true }) };
}

function pct(sorted: number[], p: number) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
}

// A 20 ms prompt, so the flow's own media time does not dominate the rate; stored the way ariflow stores the
// prompts it makes (TTS, uploads): the WAV plus its µ-law copy.
const promptDir = path.join(base.mediaDir, 'bench');
mkdirSync(promptDir, { recursive: true });
const prompt = path.join(promptDir, 'blip20ms');
writeFileSync(`${prompt}.wav`, encodeWav({ pcm: Buffer.alloc(160 * 2), sampleRate: 8000 }));
await writeUlawCopy(prompt, Buffer.alloc(160 * 2));

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
        module: 'play', data: { id: prompt }, children: { _: {
          module: 'hangup', data: {} } } } } } },
  },
});

const bare = await bareApp('bare', async (call) => {
  await call.answer();
  await call.hangup();
});
const prompted = await bareApp('prompt', async (call) => {
  await call.answer();
  await call.play([`sound:${prompt}`]);
  await call.hangup();
});
const load = await SippLoad.create(new PjsipConfig(flow.ari.rest));
await load.endpointFor('bench-bare', bare.app);
await load.endpointFor('bench-prompt', prompted.app);
await load.endpointFor('bench-ariflow', config.ariApp);

const apps = [
  { endpoint: 'bench-bare', label: 'bare ARI app over lib/asterisk (answer, hangup)', short: 'bare app' },
  { endpoint: 'bench-prompt', label: 'bare ARI app with the prompt (answer, 20 ms prompt, hangup)', short: 'bare app with the prompt' },
  { endpoint: 'bench-ariflow', label: 'ariflow stored callflow (answer, set_variables, 20 ms prompt, hangup)', short: 'stored callflow' },
];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`calls benchmark: ${rounds} rounds of ${durationS} s per app (the order turns each round), ${inflight} SIP calls in flight (SIPp), Asterisk at ${base.ariUrl}`);
for (const app of apps) await load.run(app.endpoint, number, { seconds: 2, inflight }); // warm-up (route cache, connections)
const runs = new Map<string, LoadResult[]>(apps.map((a) => [a.endpoint, []]));
const cpu = new Map<string, { before: CpuSnapshot | undefined; after: CpuSnapshot | undefined }[]>(apps.map((a) => [a.endpoint, []]));
for (let round = 0; round < rounds; round++) {
  for (let i = 0; i < apps.length; i++) {
    const { endpoint } = apps[(i + round) % apps.length];
    const before = cpuSnapshot();
    runs.get(endpoint)!.push(await load.run(endpoint, number, { seconds: durationS, inflight }));
    cpu.get(endpoint)!.push({ before, after: cpuSnapshot() });
  }
}
const rate = new Map(apps.map((a) => [a.endpoint, median(runs.get(a.endpoint)!.map((r) => r.rate))]));
for (const app of apps) {
  const rs = runs.get(app.endpoint)!;
  const calls = rs.reduce((n, r) => n + r.completed, 0);
  const failed = rs.reduce((n, r) => n + r.failed, 0);
  console.log(`  ${app.label}: ${rate.get(app.endpoint)!.toFixed(0)} calls/s (median of ${rs.map((r) => r.rate.toFixed(0)).join(', ')}; ${calls} calls, ${failed} failed)`);
}
const [bareRate, promptRate, flowRate] = apps.map((a) => rate.get(a.endpoint)!);
console.log(`  ratio to the bare app: ${(flowRate / bareRate).toFixed(2)}; to the bare app with the prompt (the engine's own cost): ${(flowRate / promptRate).toFixed(2)}; the prompt alone: ${(promptRate / bareRate).toFixed(2)}`);
for (const app of apps) {
  const line = cpuPerCall(cpu.get(app.endpoint)!, runs.get(app.endpoint)!.reduce((n, r) => n + r.completed, 0));
  if (line) console.log(`  ${app.short} ${line}`);
}
await bare.close();
await prompted.close();

const latency = flow.ari.stepLatency;
{
  latency.reset();
  const half = Math.max(1, Math.round(flowRate / 2));
  const run = await load.run('bench-ariflow', number, { seconds: 10, rate: half });
  const s = latency.samples().sort((a, b) => a - b);
  console.log(`  engine step latency (ARI event → next ARI command) at ${half} calls/s (${run.completed} calls, ${s.length} steps): p50 ${pct(s, 50).toFixed(3)} ms, p99 ${pct(s, 99).toFixed(3)} ms`);
}
console.log(`  command: npx tsx bench/calls.ts --duration ${durationS} --rounds ${rounds} --inflight ${inflight}`);
await load.close();
await flow.close();
const { MongoClient } = await import('mongodb');
const c = new MongoClient(base.mongoUrl);
await c.db(dbName).dropDatabase().catch(() => {});
await c.close();
process.exit(0);
