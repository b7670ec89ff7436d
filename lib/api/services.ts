// What the API's routes share: the account, token and document services, the claim registries,
// the device provisioner, and the per-request pieces built from them.
import type Router from '@koa/router';
import type { Logger } from '../log.ts';
import type { AccountService } from '../accounts/accounts.ts';
import type { TokenService } from '../accounts/tokens.ts';
import type { DeviceProvisioner } from '../devices/provisioner.ts';
import type { ApiContext, ApiState } from './context.ts';
import { requireDocs } from './context.ts';
import type { DocumentStore } from './documents.ts';
import { DocumentWriter, type ChangeEvent, type UniqueClaims } from './writer.ts';

export interface ApiServices {
  accounts: AccountService;
  tokens: TokenService;
  documents: DocumentStore;
  claims: UniqueClaims;
  devices?: DeviceProvisioner;
  logger: Logger;
  mediaDir: string;
  onChange?: (event: ChangeEvent) => void;
  /** Per-route middleware: token required. */
  auth: Middleware;
  /** Per-route middleware: `:account_id` must be within the token's reach. */
  access: Middleware;
}

export type Middleware = (ctx: ApiContext, next: () => Promise<unknown>) => Promise<unknown>;
export type ApiRouter = Router<ApiState>;

export function writerFor(ctx: ApiContext, s: ApiServices): DocumentWriter {
  return new DocumentWriter({
    docs: requireDocs(ctx),
    claims: s.claims,
    devices: s.devices,
    mediaDir: s.mediaDir,
    logger: s.logger,
    onChange: s.onChange,
  });
}

/** Kazoo ids are 32 hex, but imported documents may carry other ids; anything else is a 404. */
export const DOC_ID = /^[A-Za-z0-9_.~:@+-]{1,128}$/;
