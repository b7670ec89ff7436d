// Kazoo's pivot `cdr_url`: when the call ends, its summary is POSTed there (form-encoded, signed like
// every pivot request). Fire-and-forget after the hangup, bounded by the node's request timeout; the
// outcome is logged (the call record is already being written by then).
import type { CallContext } from '../engine/module.ts';
import type { AddressPolicy } from './address-policy.ts';
import { PivotFailure } from './failure.ts';
import { exchange } from './http.ts';
import { buildRequest, requestParams, type CallFacts, type RequestFormat } from './params.ts';
import { signatureHeaders } from './signature.ts';

export interface CdrTarget {
  url: URL;
  format: RequestFormat;
  timeoutMs: number;
  policy: AddressPolicy;
  secret: string;
  /** The call's facts at hangup time. */
  facts: () => CallFacts;
}

/** Fields Kazoo/Twilio put in a completed-call callback, on top of the request parameters. */
export function cdrParams(target: Pick<CdrTarget, 'format'>, facts: CallFacts, end: { durationSec: number; cause: string }) {
  const base = requestParams(target.format, { ...facts, vars: {} });
  if (target.format === 'twiml') return { ...base, CallStatus: 'completed', CallDuration: end.durationSec, HangupCause: end.cause };
  return { ...base, 'Call-Status': 'completed', 'Call-Duration': end.durationSec, 'Hangup-Cause': end.cause };
}

export function armCdr(ctx: CallContext, target: CdrTarget): void {
  const log = ctx.logger;
  void ctx.call.waitForHangup().then(async () => {
    const answeredAt = ctx.call.answeredAt?.getTime();
    const durationSec = answeredAt ? Math.max(0, Math.round((Date.now() - answeredAt) / 1000)) : 0;
    const params = cdrParams(target, target.facts(), { durationSec, cause: ctx.call.hangupCause ?? 'NORMAL_CLEARING' });
    const req = buildRequest(target.url, 'POST', 'form', params);
    const started = performance.now();
    try {
      // The call's own signal is aborted by now: this request gets a fresh one, bounded by its timeout.
      const res = await exchange(
        { url: req.url, method: 'POST', headers: { ...req.headers, ...signatureHeaders(target.secret, req.signedPayload) }, body: req.body },
        { timeoutMs: target.timeoutMs, maxBytes: 64 * 1024, callSignal: new AbortController().signal, policy: target.policy },
      );
      log.info({ cdr_url: `${target.url.origin}${target.url.pathname}`, status: res.status, latency_ms: Math.round(performance.now() - started) }, 'pivot cdr sent');
    } catch (err) {
      const kind = err instanceof PivotFailure ? err.kind : 'error';
      log.warn({ cdr_url: `${target.url.origin}${target.url.pathname}`, kind, err: (err as Error).message }, 'pivot cdr failed');
    }
  });
}
