// Whole-ariflow harness for module tests on real calls: startAriflow() in-process under its own Stasis app
// and database, callflows written straight into the account, and the AriDriver as the caller.
//
//   const h = await EngineHarness.start();
//   const number = await h.callflow({ module: 'play', data: { id: 'tt-monkeys' } });   // stored, routed
//   const caller = await h.call(number);            // Local/<number>@inbound into this ariflow
//   await caller.waitPlayback('PlaybackFinished');
//   const record = await h.record(caller.peerId);   // the call record, once written (after hangup)
//   await h.stop();
import { randomBytes, randomUUID } from 'node:crypto';
import { loadConfig, type Config } from '../../lib/config.ts';
import type { CallflowNode } from '../../lib/engine/module.ts';
import type { CallRecord } from '../../lib/engine/call-records.ts';
import { startAriflow, type Ariflow } from '../../lib/main.ts';
import { captureLogger, type LogLine } from '../asterisk/harness.ts';
import { AriDriver } from './ari-driver.ts';

export class EngineHarness {
  private numbers = 0;
  private constructor(
    readonly app: Ariflow,
    readonly driver: AriDriver,
    readonly accountId: string,
    readonly logs: LogLine[],
    private readonly dbName: string,
  ) {}

  static async start(overrides: Partial<Config> = {}): Promise<EngineHarness> {
    const dbName = `ariflow_it_${randomBytes(4).toString('hex')}`;
    const base = loadConfig();
    const url = new URL(base.mongoUrl);
    url.pathname = `/${dbName}`;
    const config: Config = {
      ...base,
      ariApp: `ariflow-it-${randomUUID().slice(0, 8)}`,
      mongoUrl: url.toString(),
      httpPort: 0,
      masterApiKey: randomBytes(16).toString('hex'),
      startupTimeoutMs: 10_000,
      ...overrides,
    };
    const { logger, lines } = captureLogger();
    const app = await startAriflow(config, logger);
    const driver = await AriDriver.start();
    const master = await app.store.db.collection('system_settings').findOne({ _id: 'master_account' as never });
    return new EngineHarness(app, driver, String(master!.account_id), lines, dbName);
  }

  get db() {
    return this.app.store.db;
  }

  /** Base URL of this instance's HTTP API. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.app.http.port}`;
  }

  /** Stores a callflow for a fresh number (or the given numbers/patterns) and returns the number to dial. */
  async callflow(flow: CallflowNode, opts: { numbers?: string[]; patterns?: string[]; name?: string; id?: string } = {}): Promise<string> {
    const number = opts.numbers?.[0] ?? `7${String(process.pid % 1000).padStart(3, '0')}${String(++this.numbers).padStart(4, '0')}`;
    const id = opts.id ?? randomBytes(16).toString('hex');
    await this.db.collection('callflows').insertOne({
      _id: id as never,
      account_id: this.accountId,
      name: opts.name ?? `test ${number}`,
      numbers: opts.numbers ?? (opts.patterns ? [] : [number]),
      patterns: opts.patterns ?? [],
      flow,
    });
    this.app.routes.invalidate(this.accountId);
    return number;
  }

  /** Inserts any account document (menus, vmboxes, media, temporal_rules...). */
  async doc(collection: string, doc: Record<string, unknown>): Promise<string> {
    const id = (doc.id as string | undefined) ?? randomBytes(16).toString('hex');
    const { id: _drop, ...rest } = doc;
    await this.db.collection(collection).insertOne({ ...rest, _id: id as never, account_id: this.accountId });
    return id;
  }

  call(number: string, opts: { callerId?: string; variables?: Record<string, string> } = {}) {
    return this.driver.call(number, { targetApp: this.app.config.ariApp, ...opts });
  }

  /** The call record of ariflow's channel `callId`, polled until written (records are written after hangup). */
  async record(callId: string, timeoutMs = 10_000): Promise<CallRecord> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rec = await this.db.collection<CallRecord>('calls').findOne({ _id: callId });
      if (rec) return rec;
      if (Date.now() > deadline) throw new Error(`no call record for ${callId} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    await this.driver.close().catch(() => {});
    const db = this.app.store.client.db(this.dbName);
    await this.app.close();
    // A second client: the app's is closed now.
    const { MongoClient } = await import('mongodb');
    const client = new MongoClient(this.app.config.mongoUrl, { serverSelectionTimeoutMS: 3000 });
    await client.db(db.databaseName).dropDatabase().catch(() => {});
    await client.close();
  }
}
