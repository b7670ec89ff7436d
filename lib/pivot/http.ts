// One pivot HTTP exchange over Node's fetch, bounded on every side: a single deadline for the whole
// exchange (name lookup, connect, headers and the complete body, so a body that trickles a byte at a
// time still ends on time), a size cap on the body, no redirects, and the call's own signal (a caller
// who hangs up aborts the request). Every exit clears its timer and listener and aborts the request,
// so nothing outlives the exchange. Failures come out as PivotFailure with a kind.
import { CallGoneError } from '../callcontrol/port.ts';
import { checkTarget, type AddressPolicy, type Lookup } from './address-policy.ts';
import { PivotFailure } from './failure.ts';

export interface HttpRequest {
  url: URL;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  contentType: string;
  body: string;
}

export interface ExchangeOptions {
  timeoutMs: number;
  maxBytes: number;
  /** The call's signal: aborts the exchange (with CallGoneError) when the caller hangs up. */
  callSignal: AbortSignal;
  policy: AddressPolicy;
  lookup?: Lookup;
}

const dnsCodes = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);

/** A fetch rejection → PivotFailure (transport errors hide their code in `cause`). */
export function transportFailure(err: unknown): PivotFailure {
  if (err instanceof PivotFailure) return err;
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  const code = e.cause?.code;
  const detail = e.cause?.message ?? e.message ?? String(err);
  if (code === 'ECONNREFUSED') return new PivotFailure('refused', `connection refused (${detail})`);
  if (code && dnsCodes.has(code)) return new PivotFailure('dns', `name lookup failed (${detail})`);
  if (/bad port/i.test(detail)) return new PivotFailure('bad_url', `the port is blocked for HTTP clients (${detail})`);
  return new PivotFailure('network', `request failed: ${code ? `${code} ` : ''}${detail}`);
}

async function discard(res: Response): Promise<void> {
  await res.body?.cancel().catch(() => {});
}

/** Reads the whole body, refusing it once it passes maxBytes. */
async function readCapped(res: Response, maxBytes: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new PivotFailure('too_large', `response body larger than ${maxBytes} bytes`, { limit: maxBytes });
    }
    chunks.push(value);
  }
  return new TextDecoder('utf-8').decode(Buffer.concat(chunks));
}

export async function exchange(req: HttpRequest, opts: ExchangeOptions): Promise<HttpResponse> {
  const { callSignal } = opts;
  if (callSignal.aborted) throw callSignal.reason instanceof Error ? callSignal.reason : new CallGoneError('?');
  const ctrl = new AbortController();
  const timer = setTimeout(
    () => ctrl.abort(new PivotFailure('timeout', `no complete response within ${opts.timeoutMs} ms`, { timeout_ms: opts.timeoutMs })),
    opts.timeoutMs,
  );
  const onCallEnd = () => ctrl.abort(callSignal.reason);
  callSignal.addEventListener('abort', onCallEnd, { once: true });
  try {
    await checkTarget(req.url, opts.policy, ctrl.signal, opts.lookup);
    let res: Response;
    try {
      res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal: ctrl.signal, redirect: 'manual' });
    } catch (err) {
      if (ctrl.signal.aborted) throw err;
      throw transportFailure(err);
    }
    const contentType = res.headers.get('content-type') ?? '';
    if (res.status >= 300 && res.status < 400) {
      await discard(res);
      const location = res.headers.get('location');
      throw new PivotFailure('redirect', `HTTP ${res.status} redirect${location ? ` to ${location.slice(0, 200)}` : ''} (redirects are not followed: use the final URL)`, { status: res.status });
    }
    if (res.status < 200 || res.status >= 400) {
      await discard(res);
      throw new PivotFailure('http_status', `HTTP ${res.status}`, { status: res.status });
    }
    const declared = Number(res.headers.get('content-length') ?? Number.NaN);
    if (declared > opts.maxBytes) {
      await discard(res);
      throw new PivotFailure('too_large', `response of ${declared} bytes is larger than ${opts.maxBytes}`, { limit: opts.maxBytes });
    }
    let body: string;
    try {
      body = await readCapped(res, opts.maxBytes);
    } catch (err) {
      if (err instanceof PivotFailure || ctrl.signal.aborted) throw err;
      throw transportFailure(err);
    }
    return { status: res.status, contentType, body };
  } catch (err) {
    // An abort surfaces as whatever fetch or the body stream makes of it: report why we aborted.
    if (ctrl.signal.aborted) throw ctrl.signal.reason;
    throw err;
  } finally {
    clearTimeout(timer);
    callSignal.removeEventListener('abort', onCallEnd);
    // Whatever is still in flight (a body we refused, a half-read stream) is torn down now.
    if (!ctrl.signal.aborted) ctrl.abort(new PivotFailure('network', 'exchange finished'));
  }
}
