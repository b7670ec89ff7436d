// ARI's REST half: loads ari-client's API, and runs every REST call with a timeout and one error mapping.
// Why the timeout: ari-client's promises never settle while Asterisk is unreachable. Why the mapping: a
// channel operation can 404 whenever the caller hangs up meanwhile, which is "call gone", never a crash.
import http from 'node:http';
import https from 'node:https';
import { createRequire } from 'node:module';
import ari, { type Client } from 'ari-client';
import { CallGoneError, UpstreamTimeoutError } from '../callcontrol/port.ts';
import { AriRequestError, AriUnreachableError, ariErrorMessage, isChannelGoneMessage } from './ari-errors.ts';
import { installAriHttp } from './ari-http.ts';

// swagger-client (under ari-client) assigns an implicit global `log` that console.logs a deprecation
// notice on every connect and keeps every message in `log.history`; replace it with a no-op.
(globalThis as { log?: unknown }).log = () => {};

// swagger-client signs every REST request by base64-encoding the ARI credentials again through the `btoa`
// package's deprecated `new Buffer()`, whose deprecation check walks the stack each time: measured as the
// largest share of ariflow's CPU per ARI request. The header never changes, so it is computed once.
{
  const swagger = createRequire(createRequire(import.meta.url).resolve('ari-client'))('swagger-client') as {
    PasswordAuthorization?: { prototype: { apply(obj: { headers: Record<string, string> }): boolean } };
    SwaggerHttp?: { prototype: { execute(obj: unknown): unknown } };
  };
  installAriHttp(swagger);
  const proto = swagger.PasswordAuthorization?.prototype as
    | { apply(obj: { headers: Record<string, string> }): boolean; username?: string; password?: string; header?: string }
    | undefined;
  if (proto && typeof proto.apply === 'function') {
    proto.apply = function (this: { username: string; password: string; header?: string }, obj: { headers: Record<string, string> }) {
      this.header ??= `Basic ${Buffer.from(`${this.username}:${this.password}`, 'latin1').toString('base64')}`;
      obj.headers.Authorization = this.header;
      return true;
    };
  }
}

/** Where ARI is, for the few requests ari-client cannot make (binary downloads). */
export interface AriEndpoint {
  url: string;
  username: string;
  password: string;
}

export class AriRest {
  constructor(readonly client: Client, readonly timeoutMs: number, private readonly endpoint?: AriEndpoint) {}

  /**
   * GET of a binary ARI resource (e.g. `/recordings/stored/{name}/file`; ari-client reads bodies as text).
   * Undefined on 404; AriRequestError on another status; UpstreamTimeoutError after `timeoutMs`.
   */
  download(resource: string): Promise<Buffer | undefined> {
    const endpoint = this.endpoint;
    if (!endpoint) return Promise.reject(new AriRequestError(`GET ${resource}`, 'no ARI endpoint configured for downloads'));
    const url = `${endpoint.url.replace(/\/+$/, '')}/ari${resource}`;
    return new Promise<Buffer | undefined>((resolve, reject) => {
      const lib = url.startsWith('https:') ? https : http;
      const req = lib.get(url, { auth: `${endpoint.username}:${endpoint.password}`, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          if (res.statusCode === 200) resolve(body);
          else if (res.statusCode === 404) resolve(undefined);
          else reject(new AriRequestError(`GET ${resource}`, `HTTP ${res.statusCode} ${ariErrorMessage(new Error(body.toString('utf8')))}`));
        });
        res.on('error', (err) => reject(new AriRequestError(`GET ${resource}`, err.message)));
      });
      req.setTimeout(this.timeoutMs, () => req.destroy(new UpstreamTimeoutError(`ARI GET ${resource}`, this.timeoutMs)));
      req.on('error', (err) => reject(err instanceof UpstreamTimeoutError ? err : new AriRequestError(`GET ${resource}`, (err as NodeJS.ErrnoException).code ?? err.message)));
    });
  }

  /**
   * Runs one REST call. Rejects with UpstreamTimeoutError after `timeoutMs`; when `channelId` is given, ARI's
   * "channel not found / not in Stasis" becomes CallGoneError; any other ARI error is an AriRequestError.
   */
  call<T>(operation: string, run: (client: Client) => PromiseLike<T>, channelId?: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new UpstreamTimeoutError(`ARI ${operation}`, this.timeoutMs)), this.timeoutMs);
      const fail = (err: unknown) => {
        clearTimeout(timer);
        const message = ariErrorMessage(err);
        reject(channelId !== undefined && isChannelGoneMessage(message) ? new CallGoneError(channelId) : new AriRequestError(operation, message));
      };
      try {
        run(this.client).then((value) => {
          clearTimeout(timer);
          resolve(value);
        }, fail);
      } catch (err) {
        fail(err);
      }
    });
  }
}

/** Raised by loadAriRest when ARI answers but refuses the credentials: retrying will not help. */
export class AriCredentialsError extends AriUnreachableError {
  constructor(url: string, username: string) {
    super(url, `credentials for user "${username}" refused (HTTP 401)`);
    this.name = 'AriCredentialsError';
  }
}

/**
 * Loads ARI's API description into ari-client. A plain GET goes first because swagger-client throws from
 * inside its HTTP callback (an uncaught exception, i.e. a crash) when the description answers anything but 200.
 */
export async function loadAriRest(url: string, username: string, password: string, timeoutMs: number): Promise<AriRest> {
  const base = url.replace(/\/+$/, '');
  const status = await probe(`${base}/ari/api-docs/resources.json`, username, password, timeoutMs).catch((reason: string) => {
    throw new AriUnreachableError(base, reason);
  });
  if (status === 401) throw new AriCredentialsError(base, username);
  if (status !== 200) throw new AriUnreachableError(base, `HTTP ${status} for /ari/api-docs/resources.json`);
  const client = await new Promise<Client>((resolve, reject) => {
    const timer = setTimeout(() => reject(new AriUnreachableError(base, `API description not loaded within ${timeoutMs} ms`)), timeoutMs);
    ari.connect(base, username, password).then(
      (c) => {
        clearTimeout(timer);
        resolve(c);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(new AriUnreachableError(base, ariErrorMessage(err)));
      },
    );
  });
  return new AriRest(client, timeoutMs, { url: base, username, password });
}

/**
 * GET with node:http (not fetch: fetch refuses "bad ports" such as 1, 5060 or 6000 outright); resolves with the
 * status, rejects with a short reason (the socket error code, or "no answer within N ms").
 */
function probe(url: string, username: string, password: string, timeoutMs: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const lib = url.startsWith('https:') ? https : http;
    const req = lib.get(url, { auth: `${username}:${password}`, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', (err: NodeJS.ErrnoException) => reject(err.code ?? err.message));
    });
    req.setTimeout(timeoutMs, () => {
      req.destroy();
      reject(`no answer within ${timeoutMs} ms`);
    });
    req.on('error', (err: NodeJS.ErrnoException) => reject(err.code ?? err.message));
  });
}
