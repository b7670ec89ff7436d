// What the API's middleware puts on a request, and Crossbar's success envelope.
import type Koa from 'koa';
import type { AccountDoc } from '../accounts/accounts.ts';
import type { AccountDocuments } from './documents.ts';

export interface ApiState {
  requestId: string;
  /** Set by authenticate(): the token's account. */
  auth?: { accountId: string; token: string };
  /** Set by accountAccess(): the account named in the path, already checked to be within reach. */
  account?: AccountDoc;
  /** The account's documents (scoped data access). */
  docs?: AccountDocuments;
  /** Extra log fields for the request line. */
  logFields?: Record<string, unknown>;
}

export type ApiContext = Koa.ParameterizedContext<ApiState> & { params: Record<string, string> };

export interface SuccessExtras {
  revision?: string;
  /** Pagination, warnings and other top-level envelope keys. */
  [key: string]: unknown;
}

/** Crossbar's success envelope: {data, status, request_id, revision, auth_token, ...}. */
export function send(ctx: ApiContext, status: number, data: unknown, extras: SuccessExtras = {}): void {
  ctx.status = status;
  ctx.type = 'application/json';
  const body: Record<string, unknown> = { data, status: 'success', request_id: ctx.state.requestId };
  for (const [k, v] of Object.entries(extras)) if (v !== undefined) body[k] = v;
  if (ctx.state.auth) body.auth_token = ctx.state.auth.token;
  if (extras.revision) ctx.set('ETag', `"${extras.revision}"`);
  ctx.body = body;
}

export function requireAccount(ctx: ApiContext): AccountDoc {
  if (!ctx.state.account) throw new Error('accountAccess() must run before this route');
  return ctx.state.account;
}

export function requireDocs(ctx: ApiContext): AccountDocuments {
  if (!ctx.state.docs) throw new Error('accountAccess() must run before this route');
  return ctx.state.docs;
}
