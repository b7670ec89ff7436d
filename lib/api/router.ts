// The Crossbar-style API under /v2, mounted by lib/api/server.ts (its `api` option).
//
// Wiring at start (lib/main or the CLI):
//   await ensureMasterAccount(store.db, { masterApiKey: config.masterApiKey, logger })
//   const devices = createAriDeviceProvisioner({ pjsip: ari.pjsip, db: store.db, logger })
//   const api = createApiRouter({ store, logger, config, devices, onChange: (e) => e.collection === 'callflows' && routes.invalidate(e.accountId) })
//   ari.on('connected', () => devices.pushAll())   // start and every reconnect
import http from 'node:http';
import Router from '@koa/router';
import type { Logger } from '../log.ts';
import type { Config } from '../config.ts';
import type { Store } from '../store/mongo.ts';
import type { ModuleDefinition } from '../engine/module.ts';
import { registry as defaultRegistry } from '../../callflows/index.ts';
import { AccountService } from '../accounts/accounts.ts';
import { TokenService } from '../accounts/tokens.ts';
import type { DeviceProvisioner } from '../devices/provisioner.ts';
import type { ApiContext, ApiState } from './context.ts';
import { DocumentStore } from './documents.ts';
import { ApiError, NotFoundError } from './errors.ts';
import { accountAccess, authenticate, requestContext } from './middleware.ts';
import { buildOpenApi } from './openapi.ts';
import type { ApiServices, Middleware } from './services.ts';
import { createUniqueClaims, type ChangeEvent } from './writer.ts';
import { registerAccountRoutes } from './routes/accounts.ts';
import { registerAuthRoutes } from './routes/auth.ts';
import { registerCallRoutes } from './routes/calls.ts';
import { registerCallflowRoutes } from './routes/callflows.ts';
import { registerDeviceRoutes } from './routes/devices.ts';
import { registerDocumentRoutes } from './routes/documents.ts';
import { registerMediaRoutes } from './routes/media.ts';
import { registerPivotRoutes } from './routes/pivot.ts';
import { registerVmboxMessageRoutes } from './routes/vmbox-messages.ts';
import { registerTransferRoutes } from './routes/transfer.ts';
import { registerWebhookDeliveryRoutes } from './routes/webhook-deliveries.ts';
import { registerFaxRoutes } from './routes/faxes.ts';
import { registerTrackingRoutes } from './routes/tracking.ts';
import { registerParkingRoutes } from './routes/parking.ts';

export interface ApiDeps {
  store: Pick<Store, 'db'>;
  logger: Logger;
  config: Pick<Config, 'mediaDir'>;
  /** Pushes devices into Asterisk; without it devices are only stored and /status answers 503. */
  devices?: DeviceProvisioner;
  /** Callflow module registry (drives the OpenAPI document; validation uses callflows/index.ts). */
  registry?: ReadonlyMap<string, ModuleDefinition>;
  /** Called after every successful write, e.g. to drop the engine's route cache of the account. */
  onChange?: (event: ChangeEvent) => void;
  /** Auth token lifetime (default 3600 s). */
  tokenTtlSeconds?: number;
  /**
   * How long a read document is reused in-process (default 2000 ms; 0 disables). This process's
   * writes invalidate at once; another process's writes are seen after at most this long.
   */
  cacheTtlMs?: number;
  /**
   * The same for verified tokens (default 30 s) and accounts (at most 5 s); 0 disables. A token
   * revoked or an account changed by another process is seen after at most this long.
   */
  authCacheTtlMs?: number;
}

export interface ApiRouterExtras {
  /** The services behind the routes (tests and the CLI use them). */
  services: ApiServices;
}

const CATCH_ALL = '/{*rest}';

export function createApiRouter(deps: ApiDeps): Router<ApiState> & ApiRouterExtras {
  const { store, logger } = deps;
  // Every HTTP method is "implemented" so @koa/router never answers 501 (a 5xx) for an odd
  // method: the catch-all below answers 404/405 instead.
  const router = new Router<ApiState>({ prefix: '/v2', methods: [...http.METHODS] }) as Router<ApiState> & ApiRouterExtras;
  const authCacheMs = deps.authCacheTtlMs ?? 30_000;
  const accounts = new AccountService(store.db, { cacheTtlMs: Math.min(authCacheMs, 5_000) });
  const tokens = new TokenService(store.db, { ttlSeconds: deps.tokenTtlSeconds, cacheTtlMs: authCacheMs });
  const documents = new DocumentStore(store.db, { cacheTtlMs: deps.cacheTtlMs ?? 2_000 });
  const services: ApiServices = {
    accounts,
    tokens,
    documents,
    claims: createUniqueClaims(store.db),
    devices: deps.devices,
    logger,
    mediaDir: deps.config.mediaDir,
    onChange: deps.onChange
      ? (e) => {
          try {
            deps.onChange!(e);
          } catch (err) {
            logger.warn({ err }, 'change listener failed');
          }
        }
      : undefined,
    auth: authenticate(tokens) as Middleware,
    access: accountAccess(accounts, documents) as Middleware,
  };
  router.services = services;

  router.use(requestContext(logger) as never);

  registerAuthRoutes(router, services);
  let openapi: string | undefined;
  router.get('/openapi.json', async (ctx) => {
    openapi ??= JSON.stringify(buildOpenApi(deps.registry ?? defaultRegistry));
    ctx.type = 'application/json';
    ctx.body = openapi;
  });
  registerAccountRoutes(router, services);
  registerDeviceRoutes(router, services);
  registerCallflowRoutes(router, services);
  registerMediaRoutes(router, services);
  registerPivotRoutes(router, services);
  registerVmboxMessageRoutes(router, services);
  registerTransferRoutes(router, services);
  registerCallRoutes(router, services);
  registerWebhookDeliveryRoutes(router, services);
  registerFaxRoutes(router, services);
  registerTrackingRoutes(router, services);
  registerParkingRoutes(router, services);
  registerDocumentRoutes(router, services);

  // Anything else under /v2: OPTIONS lists the methods of a known path, a known path with another
  // method is 405, an unknown path 404 — always with Crossbar's JSON error envelope.
  router.all(CATCH_ALL, async (ctx) => {
    const matched = ((ctx as unknown as { matched?: Array<{ path: string; methods: string[] }> }).matched ?? []).filter(
      (l) => l.methods.length > 0 && !l.path.endsWith(CATCH_ALL),
    );
    const allowed = [...new Set(matched.flatMap((l) => l.methods))];
    if (allowed.length === 0) throw new NotFoundError();
    ctx.set('Allow', allowed.join(', '));
    if (ctx.method === 'OPTIONS') {
      ctx.status = 204;
      return;
    }
    throw new ApiError(405, 'method not allowed', { message: `use one of ${allowed.join(', ')}` });
  });

  return router;
}

export type { ApiContext, ChangeEvent };
