// JSON Schema fragments shared by several callflow module schemas (and nothing else).
// Conventions, so each module file can stay a plain description of Kazoo's data:
// - numbers and booleans are declared with their real type (`integer`, `boolean`); the validator
//   runs ajv with type coercion, so the strings old UIs write ("30", "true") are accepted and
//   range checks still apply to them (see lib/validation/ajv.ts);
// - `default` is what Kazoo's runtime does when the key is absent (the "code default" of the
//   reference), applied at run time by withDefaults(), never written into stored documents;
// - unknown keys are allowed everywhere (no additionalProperties: false).
import type { JsonSchema } from '../lib/engine/module.ts';

/** The `data` object of a module: every Kazoo module honours `skip_module`. */
export function moduleData(properties: Record<string, JsonSchema> = {}, required: string[] = []): JsonSchema {
  return {
    type: 'object',
    properties: {
      skip_module: { type: 'boolean', description: 'Skip this node and continue with its `_` child.' },
      ...properties,
    },
    ...(required.length > 0 ? { required } : {}),
  };
}

/** Id of another document of the account (Kazoo uses 32 hex chars; imports may carry others). */
export const docId: JsonSchema = { type: 'string', minLength: 1, maxLength: 128 };

/**
 * A media reference: 32-hex media id, `/<db>/<id>` path, http(s) URL, `tone_stream://…`,
 * `silence_stream://N`, `system_media/<name>` or a system prompt id such as `vm-goodbye`.
 */
export const mediaRef: JsonSchema = { type: 'string', minLength: 1, maxLength: 2048 };

/** A regular expression stored in data (PCRE dialect, checked for compilability). */
export const regex: JsonSchema = { type: 'string', format: 'kazoo-regex' };

export const DTMF_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

/** Keys that stop a playback; Kazoo's default is every key. */
export const terminators: JsonSchema = {
  type: 'array',
  items: { type: 'string', enum: DTMF_KEYS },
  default: DTMF_KEYS,
};

export const customSipHeaders: JsonSchema = {
  type: 'object',
  description: 'Header name → value added to every outgoing leg (a nested {in, out} form is also accepted).',
};

/** One member of ring_group / page_group / legacy group `endpoints`. */
export const endpointMember: JsonSchema = {
  type: 'object',
  required: ['id'],
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 128 },
    endpoint_type: { type: 'string', enum: ['device', 'user', 'group'], default: 'device' },
    delay: { type: 'integer', minimum: 0, default: 0 },
    timeout: { type: 'integer', minimum: 0, default: 20 },
    weight: { type: 'integer', minimum: 1, maximum: 100 },
    disable_until: { type: 'integer', description: 'Gregorian seconds; member skipped until then (ring_group_toggle).' },
  },
};

export const ringtones: JsonSchema = {
  type: 'object',
  properties: {
    internal: { type: 'string', description: 'Alert-Info for on-net calls.' },
    external: { type: 'string', description: 'Alert-Info for calls from carriers.' },
  },
};

/** Who may use pickup / intercept / eavesdrop: first field present decides. */
export const approvalFields: Record<string, JsonSchema> = {
  approved_device_id: docId,
  approved_user_id: docId,
  approved_group_id: docId,
};

/** Notification recipients (missed_call_alert, notification). */
export const recipients: JsonSchema = {
  type: 'array',
  items: {
    type: 'object',
    required: ['type', 'id'],
    properties: {
      type: { type: 'string', enum: ['user', 'email'] },
      id: { type: ['string', 'array'], items: { type: 'string' }, description: 'User id(s) or e-mail address(es).' },
    },
  },
};

/** T.38 option: boolean or the strings Kazoo also accepts. */
export const faxOption: JsonSchema = {
  type: ['boolean', 'string'],
  enum: [true, false, 'auto', 'true', 'false'],
};

/**
 * Child keys taken after a failed bridge: the hangup cause, then `sip:<code>`.
 * `sip:*` stands for any key starting with `sip:` (e.g. `sip:486`).
 */
export const BRIDGE_FAILURE_KEYS = [
  'UNALLOCATED_NUMBER',
  'NO_ROUTE_TRANSIT_NET',
  'NO_ROUTE_DESTINATION',
  'USER_BUSY',
  'NO_USER_RESPONSE',
  'NO_ANSWER',
  'SUBSCRIBER_ABSENT',
  // A device with no registration (FreeSWITCH's name, which Kazoo flows use).
  'USER_NOT_REGISTERED',
  'CALL_REJECTED',
  'NUMBER_CHANGED',
  'DESTINATION_OUT_OF_ORDER',
  'INVALID_NUMBER_FORMAT',
  'FACILITY_REJECTED',
  'NORMAL_UNSPECIFIED',
  'NORMAL_CIRCUIT_CONGESTION',
  'NETWORK_OUT_OF_ORDER',
  'NORMAL_TEMPORARY_FAILURE',
  'SWITCH_CONGESTION',
  'INCOMPATIBLE_DESTINATION',
  'RECOVERY_ON_TIMER_EXPIRE',
  'ORIGINATOR_CANCEL',
  'MEDIA_TIMEOUT',
  'PROGRESS_TIMEOUT',
  'sip:*',
];
