// The HTTP face of ariflow: /health, /metrics and the Crossbar-style /v2 API on one Koa app.
import http from 'node:http';
import Koa from 'koa';
import Router from '@koa/router';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { version } from '../version.ts';

export interface HealthSources {
  ariConnected(): boolean;
  databaseReachable(): Promise<boolean>;
}

export interface HttpServerOptions {
  host: string;
  port: number;
  logger: Logger;
  metrics: Metrics;
  health: HealthSources;
  /** Mounted under /v2 (the Crossbar-style API); absent in tests that only need health. */
  api?: Router;
}

export interface HttpServer {
  port: number;
  app: Koa;
  close(): Promise<void>;
}

export function createApp({ logger, metrics, health, api }: Omit<HttpServerOptions, 'host' | 'port'>): Koa {
  const app = new Koa();
  app.proxy = false;
  app.silent = true;
  app.on('error', (err, ctx) => logger.error({ err, path: ctx?.path }, 'http error'));

  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      // Anything that reaches here is a bug; it must not leak internals to the client.
      logger.error({ err, method: ctx.method, path: ctx.path }, 'unhandled error in request');
      ctx.status = 500;
      ctx.body = { status: 'error', error: '500', message: 'internal error' };
    } finally {
      const route = (ctx as unknown as { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      metrics.httpRequests.inc({ method: ctx.method, route: String(route), status: String(ctx.status) });
    }
  });

  const root = new Router();
  root.get('/health', async (ctx) => {
    const [database] = await Promise.all([health.databaseReachable()]);
    const ari = health.ariConnected();
    ctx.status = ari && database ? 200 : 503;
    ctx.body = { status: ari && database ? 'ok' : 'degraded', version, ari: { connected: ari }, database: { reachable: database } };
  });
  root.get('/metrics', async (ctx) => {
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });
  // The API first: its own 404/405 handling must not be overridden by the root router's allowedMethods.
  if (api) app.use(api.routes()).use(api.allowedMethods());
  app.use(root.routes()).use(root.allowedMethods());
  return app;
}

export async function startHttpServer(opts: HttpServerOptions): Promise<HttpServer> {
  const app = createApp(opts);
  const server = http.createServer(app.callback());
  // Slow or stuck clients must not hold sockets forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    port,
    app,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
