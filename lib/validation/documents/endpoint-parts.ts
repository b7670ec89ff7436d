// Fields that accounts, users and devices share (the endpoint attributes Kazoo merges, §3.3),
// described once so the three document schemas agree on them.
import type { JsonSchema } from '../../engine/module.ts';

export const docId: JsonSchema = { type: 'string', minLength: 1, maxLength: 128 };

const nameNumber: JsonSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', maxLength: 35 },
    number: { type: 'string', maxLength: 35 },
  },
};

export const callerId: JsonSchema = {
  type: 'object',
  properties: {
    internal: nameNumber,
    external: nameNumber,
    emergency: nameNumber,
    asserted: { ...nameNumber, properties: { ...(nameNumber.properties as object), realm: { type: 'string' } } },
  },
  additionalProperties: nameNumber, // custom caller-ID types used by resources.caller_id_type
};

export const callForward: JsonSchema = {
  type: 'object',
  properties: {
    enabled: { type: 'boolean' },
    number: { type: 'string', maxLength: 35 },
    substitute: { type: 'boolean' },
    require_keypress: { type: 'boolean' },
    keep_caller_id: { type: 'boolean' },
    direct_calls_only: { type: 'boolean' },
    ignore_early_media: { type: 'boolean' },
    failover: { type: 'boolean' },
  },
};

export const callRestriction: JsonSchema = {
  type: 'object',
  description: 'Number class (emergency, did_us, international, …) → {action}.',
  additionalProperties: {
    type: 'object',
    properties: { action: { type: 'string', enum: ['inherit', 'deny', 'allow'] } },
  },
};

export const enabledFlag: JsonSchema = { type: 'object', properties: { enabled: { type: 'boolean' } } };

export const ringtones: JsonSchema = {
  type: 'object',
  properties: {
    internal: { type: 'string', maxLength: 256 },
    external: { type: 'string', maxLength: 256 },
  },
};

export const musicOnHold: JsonSchema = {
  type: 'object',
  properties: { media_id: { type: 'string', maxLength: 2048 } },
};

export const callerIdOptions: JsonSchema = {
  type: 'object',
  properties: { outbound_privacy: { type: 'string', enum: ['full', 'name', 'number', 'none'] } },
};

/** The fields every endpoint-like document (account, user, device) may carry. */
export const endpointProperties: Record<string, JsonSchema> = {
  enabled: { type: 'boolean' },
  caller_id: callerId,
  caller_id_options: callerIdOptions,
  call_forward: callForward,
  call_restriction: callRestriction,
  call_waiting: enabledFlag,
  do_not_disturb: enabledFlag,
  dial_plan: { type: 'object' },
  music_on_hold: musicOnHold,
  ringtones,
  language: { type: 'string' },
  timezone: { type: 'string' },
  presence_id: { type: 'string' },
  metaflows: { type: 'object' },
  formatters: { type: 'object' },
  record_call: { type: 'object' },
  call_recording: { type: 'object' },
  flags: { type: 'array', items: { type: 'string' } },
};
