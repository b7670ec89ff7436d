// Post-call webhooks, the pure part: the callflow field that configures them, the retry schedule, and the
// body sent after hangup (the call record with who answered, recordings, voicemail, tags and attribution).
// The queue and its worker are lib/webhooks/post-call.ts.
import type { JsonSchema } from '../engine/module.ts';
import type { CallRecord } from '../engine/call-records.ts';
import { ConfigError } from '../config.ts';

/** The callflow document's `post_call_webhooks` field. */
export const postCallWebhooksSchema: JsonSchema = {
  type: 'array',
  maxItems: 10,
  description: 'After each call of this callflow ends, its record is POSTed (signed, retried) to every url.',
  items: {
    type: 'object',
    required: ['url'],
    properties: {
      url: { type: 'string', pattern: '^https?://', maxLength: 2048 },
      secret: {
        type: 'string',
        minLength: 16,
        maxLength: 256,
        description: "Signs this webhook's deliveries instead of the account's secret (GET /v2/accounts/{id}/pivot_secret).",
      },
      retry_schedule_s: {
        type: 'array',
        maxItems: 10,
        items: { type: 'integer', minimum: 0, maximum: 86400 },
        description: 'Seconds before each retry after a failed attempt (default 60, 300, 900: 4 attempts in all).',
      },
      enabled: { type: 'boolean', default: true },
    },
  },
};

export interface PostCallWebhook {
  url: string;
  secret?: string;
  retry_schedule_s?: number[];
}

/** CallScaler's schedule: retries 1, 5 and 15 minutes after a failed attempt. */
export const DEFAULT_RETRY_SCHEDULE_S = [60, 300, 900];

/** ARIFLOW_WEBHOOK_RETRY_S: comma-separated seconds, e.g. "60,300,900" (empty list "": no retries). */
export function retryScheduleFrom(env: NodeJS.ProcessEnv = process.env): number[] {
  const raw = env.ARIFLOW_WEBHOOK_RETRY_S;
  if (raw === undefined) return DEFAULT_RETRY_SCHEDULE_S;
  if (raw.trim() === '') return [];
  const parts = raw.split(',').map((p) => p.trim());
  if (parts.length > 10 || parts.some((p) => !/^\d{1,5}$/.test(p))) {
    throw new ConfigError('ARIFLOW_WEBHOOK_RETRY_S', `must be up to 10 comma-separated whole seconds, got "${raw}"`);
  }
  return parts.map(Number);
}

/** The webhooks a callflow document asks for (invalid or disabled entries are left out). */
export function webhooksOf(callflow: Record<string, unknown> | undefined): PostCallWebhook[] {
  const list = callflow?.post_call_webhooks;
  if (!Array.isArray(list)) return [];
  const out: PostCallWebhook[] = [];
  for (const w of list.slice(0, 10)) {
    if (!w || typeof w !== 'object') continue;
    const o = w as Record<string, unknown>;
    if (o.enabled === false || typeof o.url !== 'string' || !/^https?:\/\//i.test(o.url)) continue;
    const schedule = Array.isArray(o.retry_schedule_s) && o.retry_schedule_s.every((s) => Number.isInteger(s) && (s as number) >= 0)
      ? (o.retry_schedule_s as number[]).slice(0, 10)
      : undefined;
    out.push({ url: o.url, ...(typeof o.secret === 'string' && o.secret ? { secret: o.secret } : {}), ...(schedule ? { retry_schedule_s: schedule } : {}) });
  }
  return out;
}

/**
 * When the next attempt is due after attempt number `attempt` (1-based) failed, or undefined when
 * that was the last one (the schedule has one entry per retry).
 */
export function nextAttemptAt(schedule: readonly number[], attempt: number, failedAt: Date): Date | undefined {
  const wait = schedule[attempt - 1];
  return wait === undefined ? undefined : new Date(failedAt.getTime() + wait * 1000);
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Links are absolute with ARIFLOW_PUBLIC_URL, else paths of ariflow's API (they need an auth token). */
function link(base: string | undefined, path: string): string {
  return `${base ?? ''}${path}`;
}

/**
 * The body of a post-call webhook: the call record (without the full trace), what a call-tracking
 * receiver wants at the top level (answered, who answered, recordings and voicemail with links, tags,
 * attribution, ZIP, RTB decision) and the path through the flow (module → result).
 */
export function postCallBody(record: Readonly<CallRecord>, opts: { publicUrl?: string; now?: Date } = {}): Record<string, unknown> {
  const a = record.attributes ?? {};
  const account = record.account_id ?? '';
  const recordings = (Array.isArray(a.recordings) ? a.recordings : [])
    .map(obj)
    .filter((r): r is Record<string, unknown> => !!r && typeof r.media_id === 'string')
    .map((r) => ({ ...r, url: link(opts.publicUrl, `/v2/accounts/${account}/media/${r.media_id as string}/raw`) }));
  const vm = obj(a.voicemail);
  const voicemail =
    vm && vm.message_left === true && typeof vm.media_id === 'string' && typeof vm.box_id === 'string'
      ? { ...vm, url: link(opts.publicUrl, `/v2/accounts/${account}/vmboxes/${vm.box_id}/messages/${vm.media_id}/raw`) }
      : vm;
  const rtb = obj(a.rtb);
  const { _id: _unused, trace: _trace, attributes: _attributes, ...fields } = record;
  return {
    event: 'call.ended',
    timestamp: Math.floor((opts.now ?? new Date()).getTime() / 1000),
    call: {
      ...fields,
      call_id: record._id,
      callflow_name: a.callflow_name,
      answered: record.answered_at !== null,
      talk_time_s: record.answered_at ? Math.max(0, Math.round((record.ended_at.getTime() - record.answered_at.getTime()) / 1000)) : 0,
      answered_by: a.call_bridged === true ? (a.answered_by ?? a.bridged_to ?? null) : (a.answered_by ?? null),
      recordings,
      voicemail: voicemail ?? null,
      tags: Array.isArray(a.tags) ? a.tags : [],
      attribution: obj(a.attribution) ?? null,
      ...(a.zip !== undefined ? { zip: a.zip } : {}),
      ...(rtb ? { rtb: { decision: rtb.decision, connection: rtb.connection } } : {}),
      path: record.trace.map((s) => ({ module: s.module, result: s.result })),
      attributes: a,
    },
  };
}
