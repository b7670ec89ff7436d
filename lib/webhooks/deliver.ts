// One webhook delivery over Node's fetch: Kazoo's verbs and body formats, retries on transport
// failures and server errors, all within one deadline that the caller's hangup can cut short.
import { version } from '../version.ts';
import { toQueryString } from './form.ts';

export type WebhookMethod = 'get' | 'post';
/** Kazoo webhooks' `format`: form-data (default) or json; GET always sends a query string. */
export type WebhookFormat = 'form-data' | 'json';

export interface WebhookRequest {
  uri: string;
  method: WebhookMethod;
  format: WebhookFormat;
  body: Record<string, unknown>;
}

export interface DeliveryOptions {
  /** Total attempts (1 = no retry). */
  attempts: number;
  /** The whole delivery (every attempt and pause) ends by then. */
  timeoutMs: number;
  /** Aborts the delivery (the call ended). */
  signal?: AbortSignal;
  /** Pause before retry n (1-based); shortened to fit the deadline. */
  backoffMs?: (retry: number) => number;
}

export interface DeliveryResult {
  ok: boolean;
  /** HTTP status of the last response, if any came. */
  status?: number;
  attempts: number;
  /** Why it failed: `HTTP 500`, `timeout after 3000 ms`, `cancelled: call ended`, a network error. */
  error?: string;
}

export class WebhookUriError extends Error {
  constructor(uri: string, why: string) {
    super(`webhook uri ${JSON.stringify(uri.slice(0, 200))} ${why}`);
    this.name = 'WebhookUriError';
  }
}

/** The URL to call: only absolute http(s) URLs without credentials are accepted. */
export function webhookUrl(uri: string): URL {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new WebhookUriError(uri, 'is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new WebhookUriError(uri, 'must use http or https');
  return url;
}

/** Method, URL, headers and body of one attempt (pure: what goes on the wire). */
export function buildHttpRequest(req: WebhookRequest): { url: string; init: RequestInit } {
  const url = webhookUrl(req.uri);
  const headers: Record<string, string> = { 'User-Agent': `ariflow/${version}` };
  if (req.method === 'get') {
    const qs = toQueryString(req.body);
    if (qs) url.search = url.search ? `${url.search}&${qs}` : qs;
    return { url: url.toString(), init: { method: 'GET', headers } };
  }
  if (req.format === 'json') {
    headers['Content-Type'] = 'application/json';
    return { url: url.toString(), init: { method: 'POST', headers, body: JSON.stringify(req.body) } };
  }
  headers['Content-Type'] = 'application/x-www-form-urlencoded';
  return { url: url.toString(), init: { method: 'POST', headers, body: toQueryString(req.body) } };
}

/** Worth another attempt: the server may get better (5xx, 429); a 4xx will not. */
function retryable(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

function describe(err: unknown): string {
  const e = err as { cause?: { code?: string; message?: string }; message?: string };
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}

const defaultBackoff = (retry: number) => 200 * retry;

export async function deliverWebhook(req: WebhookRequest, opts: DeliveryOptions): Promise<DeliveryResult> {
  const { url, init } = buildHttpRequest(req);
  const deadline = Date.now() + opts.timeoutMs;
  const attempts = Math.max(1, Math.floor(opts.attempts));
  const backoff = opts.backoffMs ?? defaultBackoff;
  let last: DeliveryResult = { ok: false, attempts: 0, error: 'not sent' };
  for (let n = 1; n <= attempts; n++) {
    if (opts.signal?.aborted) return { ...last, ok: false, error: 'cancelled: call ended' };
    const left = deadline - Date.now();
    if (left <= 0) break;
    const timeout = AbortSignal.timeout(left);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    try {
      const res = await fetch(url, { ...init, signal });
      // The reply's body is not used: drop it so the connection is freed.
      await res.body?.cancel().catch(() => {});
      if (res.ok) return { ok: true, status: res.status, attempts: n };
      last = { ok: false, status: res.status, attempts: n, error: `HTTP ${res.status}` };
      if (!retryable(res.status)) return last;
    } catch (err) {
      if (opts.signal?.aborted) return { ok: false, attempts: n, error: 'cancelled: call ended' };
      if (timeout.aborted) return { ok: false, attempts: n, error: `timeout after ${opts.timeoutMs} ms` };
      last = { ok: false, attempts: n, error: describe(err) };
    }
    if (n < attempts) {
      const pause = Math.min(backoff(n), deadline - Date.now());
      if (pause <= 0) break;
      const slept = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          opts.signal?.removeEventListener('abort', onAbort);
          resolve(true);
        }, pause);
        const onAbort = () => {
          clearTimeout(timer);
          resolve(false);
        };
        opts.signal?.addEventListener('abort', onAbort, { once: true });
      });
      if (!slept) return { ...last, ok: false, error: 'cancelled: call ended' };
    }
  }
  return last.attempts === 0 ? { ok: false, attempts: 0, error: `timeout after ${opts.timeoutMs} ms` } : last;
}
