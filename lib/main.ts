// Starts ariflow: database, ARI, engine, API. The one place the parts are wired together.
import { registry } from '../callflows/index.ts';
import { ensureMasterAccount } from './accounts/bootstrap.ts';
import { createApiRouter } from './api/router.ts';
import { startHttpServer, type HttpServer } from './api/server.ts';
import { connectAri, type AriConnection } from './asterisk/index.ts';
import type { Config } from './config.ts';
import { createAriDeviceProvisioner } from './devices/provisioner.ts';
import { createCarrierProvisioner } from './carriers/provisioner.ts';
import { CallRecordWriter } from './engine/call-records.ts';
import { createEngine } from './engine/engine.ts';
import type { ModuleDefinition } from './engine/module.ts';
import { RouteCache } from './engine/routes.ts';
import type { Logger } from './log.ts';
import { createMetrics } from './metrics.ts';
import { openStore, type Store } from './store/mongo.ts';
import { createTts, loadTtsConfig } from './tts/index.ts';
import { withDefaults } from './validation/module-data.ts';
import { PostCallWebhooks } from './webhooks/post-call.ts';

export interface Ariflow {
  config: Config;
  store: Store;
  ari: AriConnection;
  http: HttpServer;
  routes: RouteCache;
  /** Post-call webhook queue and worker. */
  webhooks: PostCallWebhooks;
  /** Flushes call records and stops everything, in the reverse order of start. */
  close(): Promise<void>;
}

/** Names every part that could not be reached, so one line tells the operator what to fix. */
export class StartupError extends Error {
  constructor(readonly failures: string[]) {
    super(failures.join('; '));
    this.name = 'StartupError';
  }
}

export async function startAriflow(config: Config, logger: Logger): Promise<Ariflow> {
  const metrics = createMetrics();
  let routes: RouteCache | undefined;
  let engine: ReturnType<typeof createEngine> | undefined;
  // Calls that arrive in the instant between ARI connecting and the engine being ready are refused
  // cleanly rather than left ringing.
  const onCall: Parameters<typeof connectAri>[2]['onCall'] = (call, incoming) => {
    if (!engine) {
      void call.hangup('normal_temporary_failure').catch(() => {});
      return;
    }
    void engine.handleCall(call, incoming);
  };

  // Both are retried for startupTimeoutMs; starting them together keeps the worst case at one timeout.
  const [storeResult, ariResult] = await Promise.allSettled([
    openStore({ url: config.mongoUrl, startupTimeoutMs: config.startupTimeoutMs, logger }),
    connectAri(config, logger, { onCall }),
  ]);
  const failures = [storeResult, ariResult].filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason?.message ?? r));
  if (failures.length) {
    if (storeResult.status === 'fulfilled') await storeResult.value.close();
    if (ariResult.status === 'fulfilled') await ariResult.value.close({ hangupCalls: false });
    throw new StartupError(failures);
  }
  const store = (storeResult as PromiseFulfilledResult<Store>).value;
  const ari = (ariResult as PromiseFulfilledResult<AriConnection>).value;

  await ensureMasterAccount(store.db, { masterApiKey: config.masterApiKey, logger });
  routes = new RouteCache(store.db);
  const records = new CallRecordWriter(store.db, logger);
  // Post-call webhooks: a durable queue in the database and this process's worker (lib/webhooks/post-call.ts).
  const webhooks = new PostCallWebhooks(store.db, logger);
  await webhooks.ensureIndexes();
  webhooks.start();
  const tts = createTts({ ...loadTtsConfig(), mediaDir: config.mediaDir, logger });
  const prepared = new WeakMap<object, Record<string, unknown>>();
  engine = createEngine({
    db: store.db,
    routes,
    records,
    logger,
    mediaDir: config.mediaDir,
    speak: async (text, opts) => (await tts.speak(text, opts)).uri,
    lookup: (name) => registry.get(name),
    // Cached flows are reused call after call: coerce and default each node's data once.
    prepare: (def: ModuleDefinition, data) => {
      let out = prepared.get(data);
      if (!out) prepared.set(data, (out = withDefaults(def.name, data)));
      return out;
    },
    onCallStart: () => {
      metrics.callsActive.inc();
      metrics.callsTotal.inc();
    },
    onCallEnd: () => metrics.callsActive.dec(),
    postCall: async (record, callflow) => {
      await webhooks.enqueue(record, callflow);
    },
  });

  const devices = createAriDeviceProvisioner({ pjsip: ari.pjsip, db: store.db, logger, app: config.ariApp });
  const carriers = createCarrierProvisioner({ pjsip: ari.pjsip, db: store.db, logger });
  const pushDevices = () =>
    devices.pushAll().catch((err: Error) => logger.error({ err }, 'pushing devices into Asterisk failed'));
  metrics.ariConnected.set(1);
  ari.on('connected', (info: { reconnect: boolean }) => {
    metrics.ariConnected.set(1);
    if (info.reconnect) metrics.ariReconnects.inc();
    // Asterisk forgets memory-wizard objects when it restarts: push every device again.
    void pushDevices();
    void carriers.pushAll().catch((err: Error) => logger.error({ err: err.message }, 'pushing carriers into Asterisk failed'));
  });
  ari.on('disconnected', () => metrics.ariConnected.set(0));
  await pushDevices();
  await carriers.pushAll().catch((err: Error) => logger.error({ err: err.message }, 'pushing carriers into Asterisk failed'));

  const cache = routes;
  const api = createApiRouter({
    store,
    logger,
    config,
    devices,
    registry,
    onChange: (e) => {
      if (e.collection === 'callflows') cache.invalidate(e.accountId);
      // Carrier trunks follow their documents (lib/carriers/provisioner.ts); a failure is pushed again on reconnect.
      if (e.collection === 'resources') void carriers.sync(e.accountId, e.id).catch((err: Error) => logger.warn({ resource_id: e.id, err: err.message }, 'carrier not synchronised with Asterisk'));
    },
  });
  const http = await startHttpServer({
    host: config.httpHost,
    port: config.httpPort,
    logger,
    metrics,
    api,
    health: { ariConnected: () => ari.isConnected, databaseReachable: () => store.ping() },
  });
  logger.info({ http: `${config.httpHost}:${http.port}`, app: config.ariApp }, 'ariflow started');

  return {
    config,
    store,
    ari,
    http,
    routes,
    webhooks,
    async close() {
      await http.close();
      await ari.close({ hangupCalls: true });
      await records.flush();
      await webhooks.stop();
      await tts.close();
      await store.close();
    },
  };
}
