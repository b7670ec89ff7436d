// The API's request pipeline: request id + error mapping + one log line; token check; account reach.
import { randomBytes } from 'node:crypto';
import type Koa from 'koa';
import type { Logger } from '../log.ts';
import { AccountService } from '../accounts/accounts.ts';
import type { TokenService } from '../accounts/tokens.ts';
import { ACCOUNT_ID } from '../accounts/secrets.ts';
import type { ApiContext, ApiState } from './context.ts';
import type { DocumentStore } from './documents.ts';
import { NotFoundError, UnauthorizedError, toHttpError } from './errors.ts';

type Next = () => Promise<unknown>;

const CLIENT_REQUEST_ID = /^[\w.-]{1,64}$/;

// Request ids: 32 hex like Kazoo's, unique per process start (random prefix) and per request
// (counter) — cheaper than 16 random bytes on every request.
const ID_PREFIX = randomBytes(8).toString('hex');
let idCounter = 0;
function newRequestId(): string {
  idCounter = (idCounter + 1) % 0x1_0000_0000;
  return ID_PREFIX + (Date.now() % 0x1_0000_0000).toString(16).padStart(8, '0') + idCounter.toString(16).padStart(8, '0');
}

/**
 * Outermost API middleware: gives the request an id (echoed as X-Request-ID), maps every error to
 * HTTP once (errors.ts), and writes one log line per request — method, route template, status,
 * duration, request id — never bodies, tokens or keys.
 */
export function requestContext(logger: Logger) {
  return async (ctx: ApiContext, next: Next) => {
    const started = process.hrtime.bigint();
    const given = ctx.get('x-request-id');
    ctx.state.requestId = given && CLIENT_REQUEST_ID.test(given) ? given : newRequestId();
    ctx.set('X-Request-ID', ctx.state.requestId);
    try {
      await next();
    } catch (err) {
      const mapped = toHttpError(err);
      if (mapped.internal) logger.error({ err: safeError(err), request_id: ctx.state.requestId, method: ctx.method, route: routeOf(ctx) }, 'request failed');
      ctx.status = mapped.status;
      for (const [k, v] of Object.entries(mapped.headers)) ctx.set(k, v);
      ctx.type = 'application/json';
      ctx.body = { data: mapped.data, error: String(mapped.status), message: mapped.message, status: 'error', request_id: ctx.state.requestId };
    } finally {
      // Our 404 is final: an outer router's allowedMethods() (lib/api/server.ts mounts /health
      // first) would otherwise see `ctx.matched` and turn a 404 for an odd method into a 501.
      if (ctx.status === 404) (ctx as unknown as { matched?: unknown }).matched = undefined;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info(
        {
          request_id: ctx.state.requestId,
          method: ctx.method,
          route: routeOf(ctx),
          status: ctx.status,
          ms: Math.round(ms * 10) / 10,
          ...(ctx.state.auth ? { auth_account: ctx.state.auth.accountId } : {}),
          ...ctx.state.logFields,
        },
        'api request',
      );
    }
  };
}

/**
 * What of an unexpected error is logged: never the whole object — driver errors can carry the
 * document being written (a device's SIP password) in nested fields that redaction cannot reach.
 */
function safeError(err: unknown): Record<string, unknown> {
  const e = err as { name?: unknown; message?: unknown; code?: unknown; stack?: unknown } | null;
  return { type: String(e?.name ?? typeof err), message: String(e?.message ?? err), code: e?.code, stack: e?.stack };
}

function routeOf(ctx: Koa.Context): string {
  return String((ctx as unknown as { _matchedRoute?: string })._matchedRoute ?? 'unmatched');
}

/** The token of a request: X-Auth-Token, `Authorization: Bearer`, or `?auth_token=` (as Crossbar accepts). */
export function tokenOf(ctx: ApiContext): string {
  const header = ctx.get('x-auth-token');
  if (header) return header.trim();
  const authz = /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'));
  if (authz) return authz[1];
  const q = ctx.query.auth_token;
  return typeof q === 'string' ? q : '';
}

/** 401 unless the request carries a valid, unexpired token. */
export function authenticate(tokens: TokenService) {
  return async (ctx: ApiContext, next: Next) => {
    const token = tokenOf(ctx);
    if (!token) throw new UnauthorizedError('an X-Auth-Token header is required');
    const info = await tokens.verify(token);
    if (!info) throw new UnauthorizedError('the auth token is invalid or expired');
    ctx.state.auth = { accountId: info.accountId, token };
    return next();
  };
}

/**
 * Resolves `:account_id` and checks the token reaches it (its own account or a descendant).
 * Anything else — malformed id, unknown account, an account outside the token's tree — is the same
 * 404, so a token cannot learn which accounts exist.
 */
export function accountAccess(accounts: AccountService, documents: DocumentStore) {
  return async (ctx: ApiContext, next: Next) => {
    const id = ctx.params.account_id;
    const auth = ctx.state.auth;
    if (!auth || !id || !ACCOUNT_ID.test(id)) throw new NotFoundError();
    const account = await accounts.get(id);
    if (!account || !AccountService.reaches(auth.accountId, account)) throw new NotFoundError();
    ctx.state.account = account;
    ctx.state.docs = documents.scope(account._id);
    return next();
  };
}

export type { ApiState };
