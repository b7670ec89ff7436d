// What the callflow `webhook` sends: the call's details as Kazoo's cf_webhook does (the call object with
// its channel-internal fields removed, keys in snake_case), the call's CAVs, then `custom_data` on top
// (Kazoo: "these properties will be added to the event and will overwrite existing values").
import type { CallContext } from '../engine/module.ts';

export interface WebhookCall {
  call_id: string;
  account_id: string;
  callflow_id?: string;
  caller_id_name: string;
  caller_id_number: string;
  /** The number dialled (Kazoo's request/to user part). */
  request: string;
  to: string;
  from: string;
  /** Kazoo's authorizing type/id: set for calls placed by a registered device. */
  authorizing_type?: string;
  authorizing_id?: string;
  language: string;
  answered: boolean;
  capture_group?: string;
  custom_application_vars?: Record<string, string>;
  /** When the hook fired (Unix seconds). */
  timestamp: number;
}

export function callPayload(ctx: CallContext, now = new Date()): WebhookCall {
  const device = typeof ctx.attributes.device_id === 'string' ? ctx.attributes.device_id : undefined;
  const payload: WebhookCall = {
    call_id: ctx.call.id,
    account_id: ctx.accountId,
    callflow_id: ctx.callflowId,
    caller_id_name: ctx.call.callerId.name,
    caller_id_number: ctx.call.callerId.number,
    request: ctx.call.dialed,
    to: ctx.call.dialed,
    from: ctx.call.callerId.number,
    ...(device ? { authorizing_type: 'device', authorizing_id: device } : {}),
    language: ctx.language,
    answered: ctx.call.isAnswered(),
    capture_group: ctx.captureGroup,
    ...(Object.keys(ctx.cav).length ? { custom_application_vars: { ...ctx.cav } } : {}),
    timestamp: Math.floor(now.getTime() / 1000),
  };
  for (const k of Object.keys(payload) as Array<keyof WebhookCall>) if (payload[k] === undefined) delete payload[k];
  return payload;
}

/** The request body: the call, then custom_data's keys over it. */
export function withCustomData(call: WebhookCall, custom: unknown): Record<string, unknown> {
  const extra = custom !== null && typeof custom === 'object' && !Array.isArray(custom) ? (custom as Record<string, unknown>) : {};
  return { ...call, ...extra };
}
