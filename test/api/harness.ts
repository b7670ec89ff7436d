// Starts the API in-process on an ephemeral port against the real database (a fresh database per
// harness, dropped at close) and gives tests a small Crossbar client over fetch.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { openStore, type Store } from '../../lib/store/mongo.ts';
import { silentLogger, createLogger, type Logger } from '../../lib/log.ts';
import { createMetrics } from '../../lib/metrics.ts';
import { startHttpServer, type HttpServer } from '../../lib/api/server.ts';
import { createApiRouter, type ApiDeps } from '../../lib/api/router.ts';
import { ensureMasterAccount } from '../../lib/accounts/bootstrap.ts';
import type { ApiServices } from '../../lib/api/services.ts';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  token?: string | null;
  /** JSON body (wrapped as given: pass {data: ...} yourself). */
  json?: unknown;
  /** Raw body (string or bytes) with its content type. */
  raw?: string | Uint8Array;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface Harness {
  url: string;
  store: Store;
  dbName: string;
  mediaDir: string;
  masterKey: string;
  masterId: string;
  masterToken: string;
  services: ApiServices;
  logger: Logger;
  request<T = any>(method: string, path: string, opts?: RequestOptions): Promise<ApiResponse<T>>;
  /** Logs in with an API key; returns the token. */
  login(apiKey: string): Promise<string>;
  /** Creates a child account of `parentId` and returns its id and a token for it. */
  childAccount(parentId: string, name: string, token?: string): Promise<{ id: string; token: string; apiKey: string }>;
  close(): Promise<void>;
}

export function mongoUrl(): string {
  const url = process.env.MONGO_URL;
  if (!url) throw new Error('MONGO_URL is not set (the global test setup brings the local stack up)');
  return url;
}

export async function startApi(opts: Partial<Pick<ApiDeps, 'devices' | 'cacheTtlMs' | 'tokenTtlSeconds' | 'onChange'>> & { logger?: Logger } = {}): Promise<Harness> {
  const logger = opts.logger ?? (process.env.ARIFLOW_TEST_LOG ? createLogger('debug') : silentLogger);
  const dbName = `ariflow_test_${randomBytes(6).toString('hex')}`;
  const store = await openStore({ url: mongoUrl(), startupTimeoutMs: 10_000, logger, dbName });
  const mediaDir = await mkdtemp(path.join(os.tmpdir(), 'ariflow-media-'));
  const masterKey = randomBytes(32).toString('hex');
  const master = await ensureMasterAccount(store.db, { masterApiKey: masterKey, logger });
  const api = createApiRouter({ store, logger, config: { mediaDir }, ...opts });
  const server: HttpServer = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    logger,
    metrics: createMetrics(),
    health: { ariConnected: () => true, databaseReachable: () => store.ping() },
    api,
  });
  const url = `http://127.0.0.1:${server.port}`;

  async function request<T = any>(method: string, p: string, o: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...o.headers };
    const token = o.token === undefined ? h.masterToken : o.token;
    if (token) headers['X-Auth-Token'] = token;
    let body: string | Blob | undefined;
    if (o.json !== undefined) {
      body = JSON.stringify(o.json);
      headers['Content-Type'] ??= 'application/json';
    } else if (o.raw !== undefined) {
      body = typeof o.raw === 'string' ? o.raw : new Blob([new Uint8Array(o.raw)]);
      if (o.contentType) headers['Content-Type'] = o.contentType;
    }
    const res = await fetch(`${url}${p}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  const h: Harness = {
    url,
    store,
    dbName,
    mediaDir,
    masterKey,
    masterId: master._id,
    masterToken: '',
    services: api.services,
    logger,
    request,
    async login(apiKey) {
      const res = await request('PUT', '/v2/api_auth', { token: null, json: { data: { api_key: apiKey } } });
      if (res.status !== 201) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.auth_token as string;
    },
    async childAccount(parentId, name, token) {
      const created = await request('PUT', `/v2/accounts/${parentId}`, { token: token ?? h.masterToken, json: { data: { name } } });
      if (created.status !== 201) throw new Error(`account creation failed: ${created.status} ${JSON.stringify(created.body)}`);
      const id = created.body.data.id as string;
      const key = await request('PUT', `/v2/accounts/${id}/api_key`, { token: token ?? h.masterToken });
      const apiKey = key.body.data.api_key as string;
      return { id, apiKey, token: await h.login(apiKey) };
    },
    async close() {
      await server.close();
      await store.db.dropDatabase().catch(() => {});
      await store.close();
      await rm(mediaDir, { recursive: true, force: true });
    },
  };
  h.masterToken = await h.login(masterKey);
  return h;
}

/** Kazoo-style 32-hex id. */
export function hexId(): string {
  return randomBytes(16).toString('hex');
}
