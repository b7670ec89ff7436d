// Post-call webhooks: a durable queue in the `webhook_deliveries` collection and the worker that sends it.
//
// When a call of a callflow with `post_call_webhooks` ends, one delivery per URL is stored (the signed body
// is fixed then) with next_attempt_at = now. A worker in every ariflow process claims due deliveries one
// at a time with findOneAndUpdate (status pending → delivering, with a lease), so two processes never send
// the same attempt; a process that dies mid-delivery leaves a lease that expires (ARIFLOW_WEBHOOK_LEASE_MS)
// and the delivery is claimed again. Each attempt (time, HTTP status or error, latency) is appended to the
// delivery's log. 2xx → delivered; anything else → retried after the webhook's retry_schedule_s (default
// 60/300/900 s), then `failed`. The queue lives in the database, so a restart loses nothing.
//
// Wire format (POST, JSON): headers Content-Type: application/json, X-Ariflow-Event: call.ended,
// X-Ariflow-Delivery: <delivery id> (the same on every retry: receivers de-duplicate on it),
// X-Ariflow-Attempt: <n>, X-Ariflow-Timestamp: <unix s>, X-Ariflow-Signature: v1=<hex HMAC-SHA256(secret,
// "<timestamp>.<body>")> — the pivot scheme (lib/pivot/signature.ts, verifySignature), with the webhook's
// own `secret` or else the account's pivot secret (GET /v2/accounts/{id}/pivot_secret).
import { randomUUID } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { accountData } from '../engine/account-data.ts';
import type { CallRecord } from '../engine/call-records.ts';
import { envInt } from '../config.ts';
import type { Logger } from '../log.ts';
import { checkTarget, parseTargetUrl, type AddressPolicy } from '../pivot/address-policy.ts';
import { loadPivotConfig } from '../pivot/config.ts';
import { transportFailure } from '../pivot/http.ts';
import { accountPivotSecret, signatureHeaders } from '../pivot/signature.ts';
import { version } from '../version.ts';
import { nextAttemptAt, postCallBody, retryScheduleFrom, webhooksOf } from './post-call-payload.ts';

export const DELIVERIES = 'webhook_deliveries';
export const EVENT_HEADER = 'X-Ariflow-Event';
export const DELIVERY_HEADER = 'X-Ariflow-Delivery';
export const ATTEMPT_HEADER = 'X-Ariflow-Attempt';

export interface DeliveryAttempt {
  n: number;
  at: Date;
  status_code?: number;
  error?: string;
  latency_ms: number;
}

export type DeliveryStatus = 'pending' | 'delivering' | 'delivered' | 'failed';

export interface WebhookDelivery {
  _id: string;
  account_id: string;
  callflow_id: string | null;
  call_id: string;
  event: 'call.ended';
  url: string;
  /** The webhook's own secret, when it has one (never shown over the API). */
  pvt_secret?: string;
  /** The exact JSON body every attempt sends (and signs). */
  body: string;
  status: DeliveryStatus;
  retry_schedule_s: number[];
  attempts: DeliveryAttempt[];
  next_attempt_at: Date | null;
  lease_until: Date | null;
  lease_token: string | null;
  created_at: Date;
  updated_at: Date;
  delivered_at?: Date;
}

export interface PostCallSettings {
  /** How often the worker looks for due deliveries (enqueueing also wakes it at once). */
  pollMs: number;
  /** One attempt's whole HTTP exchange. */
  timeoutMs: number;
  /** A claimed delivery not finished by then is claimed again (its process died). */
  leaseMs: number;
  /** Deliveries sent at the same time by one process. */
  concurrency: number;
  retryScheduleS: number[];
  publicUrl?: string;
  policy: AddressPolicy;
}

export function loadPostCallSettings(env: NodeJS.ProcessEnv = process.env): PostCallSettings {
  const pivot = loadPivotConfig(env);
  const timeoutMs = envInt(env, 'ARIFLOW_WEBHOOK_TIMEOUT_MS', 10_000, 100);
  return {
    pollMs: envInt(env, 'ARIFLOW_WEBHOOK_POLL_MS', 1_000, 10),
    timeoutMs,
    leaseMs: Math.max(envInt(env, 'ARIFLOW_WEBHOOK_LEASE_MS', 60_000, 1_000), timeoutMs + 1_000),
    concurrency: envInt(env, 'ARIFLOW_WEBHOOK_CONCURRENCY', 4, 1),
    retryScheduleS: retryScheduleFrom(env),
    publicUrl: pivot.publicUrl,
    policy: { denyPrivate: pivot.denyPrivate, allowLoopback: pivot.allowLoopback },
  };
}

function describe(err: unknown): string {
  const f = transportFailure(err);
  return `${f.kind}: ${f.message}`;
}

export class PostCallWebhooks {
  readonly col: Collection<WebhookDelivery>;
  private timer: NodeJS.Timeout | undefined;
  private running = 0;
  private wake = false;
  private stopped = true;
  private stopping = new AbortController();
  private idle: Promise<void> = Promise.resolve();
  private settle: (() => void) | undefined;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    readonly settings: PostCallSettings = loadPostCallSettings(),
  ) {
    this.col = db.collection<WebhookDelivery>(DELIVERIES);
  }

  async ensureIndexes(): Promise<void> {
    await Promise.all([
      this.col.createIndex({ status: 1, next_attempt_at: 1 }),
      this.col.createIndex({ status: 1, lease_until: 1 }),
      this.col.createIndex({ account_id: 1, created_at: -1, _id: -1 }),
      this.col.createIndex({ account_id: 1, callflow_id: 1, created_at: -1 }),
    ]);
  }

  /** Stores one delivery per webhook of the callflow for this call; the worker sends them. */
  async enqueue(record: Readonly<CallRecord>, callflow: Record<string, unknown> | undefined): Promise<string[]> {
    const hooks = webhooksOf(callflow);
    if (!hooks.length || !record.account_id) return [];
    const now = new Date();
    const body = JSON.stringify(postCallBody(record, { publicUrl: this.settings.publicUrl, now }));
    const docs: WebhookDelivery[] = hooks.map((w) => ({
      _id: randomUUID().replace(/-/g, ''),
      account_id: record.account_id!,
      callflow_id: record.callflow_id,
      call_id: record._id,
      event: 'call.ended',
      url: w.url,
      ...(w.secret ? { pvt_secret: w.secret } : {}),
      body,
      status: 'pending',
      retry_schedule_s: w.retry_schedule_s ?? this.settings.retryScheduleS,
      attempts: [],
      next_attempt_at: now,
      lease_until: null,
      lease_token: null,
      created_at: now,
      updated_at: now,
    }));
    await this.col.insertMany(docs);
    this.kick();
    return docs.map((d) => d._id);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.stopping = new AbortController();
    this.timer = setInterval(() => this.kick(), this.settings.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** Stops claiming; deliveries in flight are cut and handed back (pending, due now) for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.stopping.abort();
    await this.idle;
  }

  /** Looks for due deliveries now (up to `concurrency` senders). */
  kick(): void {
    if (this.stopped) return;
    this.wake = true;
    while (this.running < this.settings.concurrency && this.wake) {
      this.wake = false;
      this.running++;
      if (this.running === 1) this.idle = new Promise<void>((resolve) => (this.settle = resolve));
      void this.drain().finally(() => {
        if (--this.running === 0) this.settle?.();
      });
    }
  }

  /** Claims and sends due deliveries until none is left. */
  private async drain(): Promise<void> {
    try {
      for (;;) {
        if (this.stopped) return;
        const claimed = await this.claim();
        if (!claimed) return;
        // More may be due: let another sender look while this one sends.
        if (this.running < this.settings.concurrency) this.kick();
        await this.attempt(claimed);
      }
    } catch (err) {
      if (!this.stopped) this.logger.error({ err }, 'post-call webhook worker failed');
    }
  }

  /** Atomically takes one due delivery (or one whose lease expired). */
  async claim(now = new Date()): Promise<WebhookDelivery | null> {
    const token = randomUUID();
    return this.col.findOneAndUpdate(
      {
        $or: [
          { status: 'pending', next_attempt_at: { $lte: now } },
          { status: 'delivering', lease_until: { $lte: now } },
        ],
      },
      { $set: { status: 'delivering', lease_token: token, lease_until: new Date(now.getTime() + this.settings.leaseMs), updated_at: now } },
      { sort: { next_attempt_at: 1 }, returnDocument: 'after' },
    );
  }

  /** One attempt of a claimed delivery, and its outcome written (only while the claim is still ours). */
  private async attempt(d: WebhookDelivery): Promise<void> {
    const n = d.attempts.length + 1;
    const at = new Date();
    const started = performance.now();
    const result = await this.send(d, n);
    const latency_ms = Math.round(performance.now() - started);
    const mine = { _id: d._id, lease_token: d.lease_token };
    if (result.shutdown) {
      // Not the receiver's fault: hand it back untouched for the next process (or this one's restart).
      await this.col.updateOne(mine, { $set: { status: 'pending', next_attempt_at: new Date(), lease_token: null, lease_until: null } }).catch(() => {});
      return;
    }
    const entry: DeliveryAttempt = { n, at, latency_ms, ...(result.status ? { status_code: result.status } : {}), ...(result.error ? { error: result.error } : {}) };
    const now = new Date();
    const clear = { lease_token: null, lease_until: null, updated_at: now };
    if (result.ok) {
      await this.col.updateOne(mine, { $set: { status: 'delivered', delivered_at: now, next_attempt_at: null, ...clear }, $push: { attempts: entry } });
      this.logger.info({ delivery: d._id, call: d.call_id, attempt: n, status: result.status }, 'post-call webhook delivered');
      return;
    }
    const next = nextAttemptAt(d.retry_schedule_s, n, now);
    await this.col.updateOne(mine, { $set: { status: next ? 'pending' : 'failed', next_attempt_at: next ?? null, ...clear }, $push: { attempts: entry } });
    this.logger.warn({ delivery: d._id, call: d.call_id, attempt: n, status: result.status, error: result.error, retry_at: next }, next ? 'post-call webhook failed, will retry' : 'post-call webhook failed, given up');
    if (next && next.getTime() - now.getTime() < this.settings.pollMs && !this.stopped) {
      // A retry due before the next poll: wake up for it.
      setTimeout(() => this.kick(), next.getTime() - now.getTime()).unref();
    }
  }

  private async send(d: WebhookDelivery, n: number): Promise<{ ok: boolean; status?: number; error?: string; shutdown?: boolean }> {
    const timeout = AbortSignal.timeout(this.settings.timeoutMs);
    const signal = AbortSignal.any([timeout, this.stopping.signal]);
    try {
      const url = parseTargetUrl(d.url);
      await checkTarget(url, this.settings.policy, signal);
      const secret = d.pvt_secret ?? (await accountPivotSecret(accountData(this.db, d.account_id), d.account_id));
      const res = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        signal,
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': `ariflow/${version}`,
          [EVENT_HEADER]: d.event,
          [DELIVERY_HEADER]: d._id,
          [ATTEMPT_HEADER]: String(n),
          ...signatureHeaders(secret, d.body),
        },
        body: d.body,
      });
      // The answer's body is not used: drop it so the connection is freed.
      await res.body?.cancel().catch(() => {});
      if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
      return { ok: false, status: res.status, error: res.status >= 300 && res.status < 400 ? `HTTP ${res.status} (redirects are not followed)` : `HTTP ${res.status}` };
    } catch (err) {
      if (this.stopping.signal.aborted) return { ok: false, shutdown: true };
      if (timeout.aborted) return { ok: false, error: `timeout: no answer within ${this.settings.timeoutMs} ms` };
      return { ok: false, error: describe(err) };
    }
  }
}
