// Asks an HTTP server what to do next; its answer (a flow node or TwiML) replaces the rest of the flow.
// Kazoo: cf_pivot (with the pivot app's kzt_kazoo / kzt_twiml translators), module name `pivot`.
//
// A Kazoo JSON answer becomes the rest of the flow (Outcome `replace`; it may pivot again). A TwiML
// answer is run here verb by verb, and its Gather/Redirect ask the server again. Every failure (no
// connection, DNS, timeout, 3xx/4xx/5xx, an empty, oversized, trickling, unparseable or invalid body,
// a verb we cannot do, too many requests) takes `_` as soon as it is known and at the latest
// req_timeout_ms after the request started; with no `_` the caller hears a short apology and the call
// ends. Exchanges are kept on the call record (attributes.pivot), bodies too with `debug`.
import { ownerIdOf } from '../lib/branching/calling-endpoint.ts';
import { child, stop, type CallContext, type ModuleDefinition, type Outcome } from '../lib/engine/module.ts';
import { parseTargetUrl, type AddressPolicy } from '../lib/pivot/address-policy.ts';
import { armCdr } from '../lib/pivot/cdr.ts';
import { loadPivotConfig, type PivotConfig } from '../lib/pivot/config.ts';
import { cut, publicUrl, recordExchange, type ExchangeRecord } from '../lib/pivot/debug.ts';
import { PivotFailure } from '../lib/pivot/failure.ts';
import { startFiller, type FillerSpec } from '../lib/pivot/filler.ts';
import { exchange } from '../lib/pivot/http.ts';
import { buildRequest, requestParams, type CallFacts, type RequestFormat, type SessionVars } from '../lib/pivot/params.ts';
import { interpretResponse, type FlowValidator, type PivotResponse } from '../lib/pivot/response.ts';
import { pivotSession, type PivotSession } from '../lib/pivot/session.ts';
import { accountPivotSecret, signatureHeaders, type AccountWithSecret } from '../lib/pivot/signature.ts';
import { checkTwiml, runTwiml } from '../lib/pivot/twiml-run.ts';
import { moduleData } from './schema-parts.ts';

const httpUrl = { type: 'string', pattern: '^https?://', maxLength: 2048 };

interface PivotData {
  voice_url: string;
  method: string;
  req_body_format: 'form' | 'json';
  req_format: RequestFormat;
  req_timeout_ms?: number;
  req_timeout?: number;
  debug: boolean;
  cdr_url?: string;
  filler?: { media?: string; text?: string; voice?: string; delay_ms?: number };
}

// Responses are validated like stored callflows. The validator needs the module registry, which holds
// this module, so it is loaded on first use rather than imported (a static import makes a cycle that
// breaks whenever this file is loaded before callflows/index.ts). Where modules run as CommonJS (mocha
// under tsx) the registry is already in require's cache, and import() would build a second copy of it.
type ValidationModule = typeof import('../lib/validation/callflow.ts');
let validator: Promise<FlowValidator> | undefined;
function flowValidator(): Promise<FlowValidator> {
  const wrap = (m: ValidationModule): FlowValidator => (flow) => m.validateFlow(flow, 'flow');
  validator ??=
    typeof require === 'function'
      ? Promise.resolve(wrap(require('../lib/validation/callflow.ts') as ValidationModule))
      : import('../lib/validation/callflow.ts').then(wrap);
  return validator;
}

/** Kazoo's default and ceiling for req_timeout_ms. */
const DEFAULT_TIMEOUT_MS = 5000;

/** req_timeout_ms, else the older req_timeout (seconds), else 5 s; never above Kazoo's 5 s ceiling. */
export function requestTimeoutMs(data: Pick<PivotData, 'req_timeout_ms' | 'req_timeout'>): number {
  const ms = data.req_timeout_ms ?? (data.req_timeout !== undefined ? data.req_timeout * 1000 : DEFAULT_TIMEOUT_MS);
  return Math.min(Math.max(1, ms), DEFAULT_TIMEOUT_MS);
}

interface Exchange {
  url: URL;
  method: 'GET' | 'POST';
  vars: SessionVars;
}

interface Run {
  ctx: CallContext;
  data: PivotData;
  cfg: PivotConfig;
  policy: AddressPolicy;
  session: PivotSession;
  format: RequestFormat;
  bodyFormat: 'form' | 'json';
  timeoutMs: number;
  debug: boolean;
  filler?: FillerSpec;
  account?: AccountWithSecret;
  secret?: string;
}

async function facts(run: Run, vars: SessionVars): Promise<CallFacts> {
  const { ctx } = run;
  const deviceId = typeof ctx.attributes.device_id === 'string' ? ctx.attributes.device_id : undefined;
  const owner = deviceId ? ownerIdOf(await ctx.data.get('devices', deviceId)) : undefined;
  return {
    callId: ctx.call.id,
    accountId: ctx.accountId,
    callerIdName: ctx.call.callerId.name,
    callerIdNumber: ctx.call.callerId.number,
    dialed: ctx.call.dialed,
    realm: typeof run.account?.realm === 'string' ? run.account.realm : undefined,
    language: ctx.language,
    answered: ctx.call.isAnswered(),
    cav: ctx.cav,
    collected: ctx.collected,
    userIds: owner ? [owner] : undefined,
    vars,
  };
}

/** One request/response, recorded on the call; resolves to the interpreted answer or the failure. */
async function ask(run: Run, ex: Exchange, entry: ExchangeRecord): Promise<PivotResponse | PivotFailure> {
  const { ctx, cfg } = run;
  if (!run.session.budget.take()) {
    return new PivotFailure('loop', `more than ${cfg.maxBurst} pivot requests in a burst on this call (a pivot loop?)`, { requests: run.session.requests });
  }
  run.account ??= await ctx.data.get<AccountWithSecret>('accounts', ctx.accountId);
  run.secret ??= await accountPivotSecret(ctx.data, ctx.accountId, run.account);
  const req = buildRequest(ex.url, ex.method, run.bodyFormat, requestParams(run.format, await facts(run, ex.vars)));
  if (run.debug) entry.request_body = cut(ex.method === 'GET' ? req.url.search.slice(1) : req.body ?? '', cfg.debugBodyChars);
  const filler = startFiller(ctx, run.filler);
  const started = performance.now();
  try {
    const res = await exchange(
      { url: req.url, method: ex.method, headers: { ...req.headers, ...signatureHeaders(run.secret, req.signedPayload) }, body: req.body },
      { timeoutMs: run.timeoutMs, maxBytes: cfg.maxResponseBytes, callSignal: ctx.call.signal, policy: run.policy },
    );
    entry.latency_ms = Math.round(performance.now() - started);
    entry.status = res.status;
    entry.content_type = res.contentType || undefined;
    if (run.debug) {
      entry.response_bytes = Buffer.byteLength(res.body);
      entry.response_body = cut(res.body, cfg.debugBodyChars);
    }
    return interpretResponse(res.contentType, res.body, await flowValidator());
  } catch (err) {
    entry.latency_ms ??= Math.round(performance.now() - started);
    if (err instanceof PivotFailure) return err;
    throw err;
  } finally {
    await filler.stop();
  }
}

/** The failure path: `_` if the node has one, else a short apology and the end of this flow. */
async function failed(run: Run, failure: PivotFailure, entry: ExchangeRecord | undefined): Promise<Outcome> {
  const { ctx } = run;
  if (entry) {
    entry.result = 'failed';
    entry.error = { kind: failure.kind, message: failure.message, ...(failure.detail ? { detail: failure.detail } : {}) };
  }
  ctx.logger.warn({ pivot: { kind: failure.kind, error: failure.message, seq: entry?.seq } }, 'pivot failed');
  const reason = `pivot failed (${failure.kind}): ${failure.message}`;
  if (ctx.childKeys?.includes('_')) return child('_', reason);
  // Kazoo would `continue` into nothing and stop; a caller should at least hear that something went wrong.
  await ctx.call.answer();
  const apology = [...(await ctx.media.resolve('im-sorry')), ...(await ctx.media.resolve('please-try-call-later'))];
  await ctx.call.play(apology);
  return stop(`${reason}; apology played`);
}

function fillerSpec(raw: PivotData['filler']): FillerSpec | undefined {
  if (!raw || (!raw.media && !raw.text)) return undefined;
  return { media: raw.media, text: raw.text, voice: raw.voice, delayMs: raw.delay_ms ?? 300 };
}

/** A bounded signal for the checks made between exchanges (a Play URL's DNS lookup). */
async function withDeadline<T>(ms: number, callSignal: AbortSignal, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(new PivotFailure('timeout', `checks did not finish within ${ms} ms`)), ms);
  const onEnd = () => ctrl.abort(callSignal.reason);
  callSignal.addEventListener('abort', onEnd, { once: true });
  try {
    return await work(ctrl.signal);
  } catch (err) {
    if (ctrl.signal.aborted) throw ctrl.signal.reason;
    throw err;
  } finally {
    clearTimeout(timer);
    callSignal.removeEventListener('abort', onEnd);
  }
}

async function pivot(ctx: CallContext, data: PivotData): Promise<Outcome> {
  const cfg = loadPivotConfig();
  const run: Run = {
    ctx,
    data,
    cfg,
    policy: { denyPrivate: cfg.denyPrivate, allowLoopback: cfg.allowLoopback },
    session: pivotSession(ctx.call, cfg),
    format: data.req_format === 'kazoo' ? 'kazoo' : 'twiml',
    bodyFormat: data.req_body_format === 'json' ? 'json' : 'form',
    timeoutMs: requestTimeoutMs(data),
    debug: data.debug === true || cfg.debugAlways,
    filler: fillerSpec(data.filler),
  };
  let ex: Exchange;
  try {
    ex = { url: parseTargetUrl(String(data.voice_url)), method: String(data.method).toUpperCase() === 'POST' ? 'POST' : 'GET', vars: {} };
  } catch (err) {
    if (err instanceof PivotFailure) return failed(run, err, undefined);
    throw err;
  }
  if (data.cdr_url && !run.session.cdrArmed) {
    try {
      const url = parseTargetUrl(data.cdr_url);
      run.account ??= await ctx.data.get<AccountWithSecret>('accounts', ctx.accountId);
      const secret = await accountPivotSecret(ctx.data, ctx.accountId, run.account);
      const snapshot = await facts(run, {});
      run.session.cdrArmed = true;
      armCdr(ctx, { url, format: run.format, timeoutMs: run.timeoutMs, policy: run.policy, secret, facts: () => ({ ...snapshot, answered: ctx.call.isAnswered(), language: ctx.language }) });
    } catch (err) {
      if (!(err instanceof PivotFailure)) throw err;
      ctx.logger.warn({ cdr_url: data.cdr_url.slice(0, 200), err: err.message }, 'pivot cdr_url ignored');
    }
  }

  for (;;) {
    const entry = recordExchange(
      ctx.attributes,
      { at: new Date().toISOString(), seq: ++run.session.requests, method: ex.method, url: publicUrl(ex.url, run.debug), format: run.format },
      cfg,
    );
    const answer = await ask(run, ex, entry);
    if (answer instanceof PivotFailure) return failed(run, answer, entry);
    ctx.logger.info({ pivot: { seq: entry.seq, url: publicUrl(ex.url, false), status: entry.status, latency_ms: entry.latency_ms, kind: answer.kind } }, 'pivot answered');
    if (answer.kind === 'kazoo') {
      entry.result = 'flow';
      return { kind: 'replace', flow: answer.flow, reason: `flow from ${ex.url.host}: ${answer.flow.module}` };
    }
    entry.result = 'twiml';
    const log: string[] = (entry.twiml = []);
    try {
      await withDeadline(run.timeoutMs, ctx.call.signal, (signal) => checkTwiml(answer.verbs, { documentUrl: ex.url, policy: run.policy }, signal));
    } catch (err) {
      if (err instanceof PivotFailure) return failed(run, err, entry);
      throw err;
    }
    const out = await runTwiml(ctx, answer.verbs, { documentUrl: ex.url, policy: run.policy, log, publicUrl: cfg.publicUrl });
    switch (out.kind) {
      case 'request':
        ex = { url: out.url, method: out.method, vars: out.vars };
        continue;
      case 'end':
        return stop('TwiML document ended');
      case 'hangup':
        return { kind: 'hard_stop', reason: 'TwiML Hangup' };
      case 'reject':
        return { kind: 'hard_stop', cause: out.cause, reason: `TwiML Reject (${out.cause})` };
    }
  }
}

const definition: ModuleDefinition = {
  name: 'pivot',
  summary: 'Fetch the next flow node (Kazoo JSON) or TwiML from voice_url and run it instead; `_` if the request fails.',
  schema: moduleData(
    {
      voice_url: httpUrl,
      method: { type: 'string', pattern: '^([gG][eE][tT]|[pP][oO][sS][tT])$', default: 'get' },
      req_body_format: { type: 'string', enum: ['form', 'json'], default: 'form' },
      // Kazoo's API writes "kazoo" on save, but the pivot app uses twiml when the key is absent.
      req_format: { type: 'string', enum: ['kazoo', 'twiml'], default: 'twiml' },
      // No schema default: a document with only the older `req_timeout` (seconds) must keep it; 5000 at run time.
      req_timeout_ms: { type: 'integer', minimum: 1, maximum: 5000, description: 'HTTP timeout for the whole exchange, ms (default 5000).' },
      req_timeout: { type: 'integer', minimum: 1, description: 'Seconds; older docs use this name.' },
      debug: { type: 'boolean', default: false },
      cdr_url: httpUrl,
      filler: {
        type: 'object',
        description: 'ariflow extension: played while waiting for the server (media or TTS text), after delay_ms.',
        properties: {
          media: { type: 'string', minLength: 1, maxLength: 2048 },
          text: { type: 'string', minLength: 1, maxLength: 1000 },
          voice: { type: 'string' },
          delay_ms: { type: 'integer', minimum: 0, maximum: 5000, default: 300 },
        },
      },
    },
    ['voice_url'],
  ),
  children: ['_'],
  implemented: true,
  run: (ctx, data) => pivot(ctx, data as unknown as PivotData),
};

export default definition;
