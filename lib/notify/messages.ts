// The facts a call notification is about, the missed-call e-mail, and the `{{ macro }}` substitution of
// account-defined templates (Kazoo's teletype templates use Django syntax; only plain variables are
// supported here: `{{ caller_id.number }}`, filters after `|` are ignored, unknown names render empty).
import { DateTime } from 'luxon';
import type { CallRecord } from '../engine/call-records.ts';

/** One call as a notification describes it: from the final record at hangup, or the live call. */
export interface CallFacts {
  callId: string;
  accountId: string;
  accountName?: string;
  /** IANA zone for local times (the account's `timezone`), UTC when unknown. */
  timezone?: string;
  callerIdName: string;
  callerIdNumber: string;
  /** The number dialled. */
  callee: string;
  startedAt: Date;
  answeredAt?: Date | null;
  endedAt?: Date;
  durationMs?: number;
  hangupCause?: string;
  /** Kazoo's Call-Bridged: the caller was connected to someone. */
  callBridged: boolean;
  /** Kazoo's Message-Left: a voicemail was left. */
  messageLeft: boolean;
}

export function factsFromRecord(record: Readonly<CallRecord>, account: { name?: unknown; timezone?: unknown } = {}): CallFacts {
  return {
    callId: record._id,
    accountId: record.account_id ?? '',
    accountName: typeof account.name === 'string' ? account.name : undefined,
    timezone: typeof account.timezone === 'string' ? account.timezone : undefined,
    callerIdName: record.caller_id_name,
    callerIdNumber: record.caller_id_number,
    callee: record.callee,
    startedAt: record.started_at,
    answeredAt: record.answered_at,
    endedAt: record.ended_at,
    durationMs: record.duration_ms,
    hangupCause: record.hangup_cause,
    callBridged: record.attributes?.call_bridged === true,
    messageLeft: messageLeft(record.attributes ?? {}),
  };
}

/** `message_left: true`, or the voicemail module's `voicemail: {message_left: true}`. */
export function messageLeft(attributes: Record<string, unknown>): boolean {
  const vm = attributes.voicemail as { message_left?: unknown } | undefined;
  return attributes.message_left === true || (vm !== null && typeof vm === 'object' && vm.message_left === true);
}

/**
 * Kazoo's missed_call_alert condition (cf_missed_call_alert:should_handle_termination): the call was
 * never bridged to anyone and no voicemail was left. Answering alone (an IVR) does not count.
 */
export function isMissedCall(facts: Pick<CallFacts, 'callBridged' | 'messageLeft'>): boolean {
  return !facts.callBridged && !facts.messageLeft;
}

function localTime(date: Date, zone?: string): { text: string; zone: string } {
  let dt = DateTime.fromJSDate(date, { zone: zone || 'UTC' });
  if (!dt.isValid) dt = DateTime.fromJSDate(date, { zone: 'UTC' });
  return { text: dt.toFormat('yyyy-MM-dd HH:mm:ss'), zone: dt.zoneName ?? 'UTC' };
}

/** "Name" <number>, or just the number when there is no distinct name. */
export function callerLabel(name: string, number: string): string {
  const n = name.trim();
  if (!number) return n || 'unknown caller';
  return n && n !== number ? `${n} <${number}>` : number;
}

/** The macros a template can use (Kazoo teletype names where they exist). */
export function templateMacros(facts: CallFacts, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const when = localTime(facts.startedAt, facts.timezone);
  return {
    account: { id: facts.accountId, name: facts.accountName ?? '' },
    caller_id: { name: facts.callerIdName, number: facts.callerIdNumber },
    callee_id: { number: facts.callee },
    to: { user: facts.callee },
    from: { user: facts.callerIdNumber },
    call_id: facts.callId,
    date_called: { local: when.text, timezone: when.zone, utc: facts.startedAt.toISOString() },
    duration_seconds: facts.durationMs === undefined ? '' : Math.round(facts.durationMs / 1000),
    hangup_cause: facts.hangupCause ?? '',
    call_bridged: facts.callBridged,
    message_left: facts.messageLeft,
    ...extra,
  };
}

function lookup(macros: Record<string, unknown>, path: string): unknown {
  let v: unknown = macros;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, part)) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `{{ path }}` → the macro's value (escaped for HTML when `html`); objects and unknown names render empty. */
export function renderTemplate(template: string, macros: Record<string, unknown>, opts: { html?: boolean } = {}): string {
  return template.replace(/\{\{\s*([A-Za-z0-9_.]+)\s*(?:\|[^}]*)?\}\}/g, (_m, path: string) => {
    const v = lookup(macros, path);
    const text = v === undefined || v === null || typeof v === 'object' ? '' : String(v);
    return opts.html ? text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]) : text;
  });
}

/** The missed-call e-mail (Kazoo's default missed_call template says much the same). */
export function missedCallMail(facts: CallFacts): { subject: string; text: string } {
  const caller = callerLabel(facts.callerIdName, facts.callerIdNumber);
  const when = localTime(facts.startedAt, facts.timezone);
  const lines = [
    `You missed a call from ${caller}.`,
    '',
    `Caller: ${caller}`,
    `Called number: ${facts.callee}`,
    `Date: ${when.text} (${when.zone})`,
  ];
  if (facts.durationMs !== undefined) lines.push(`Duration: ${Math.round(facts.durationMs / 1000)} s`);
  if (facts.accountName) lines.push(`Account: ${facts.accountName}`);
  lines.push(`Call ID: ${facts.callId}`);
  // Subject lines are one line: a caller id name could carry anything.
  const subject = `Missed call from ${caller}`.replace(/[\r\n]+/g, ' ');
  return { subject, text: `${lines.join('\n')}\n` };
}
