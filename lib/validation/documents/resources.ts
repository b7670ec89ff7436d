// Schema of a carrier document (Kazoo's `resources`: an account's local carriers; the master account's
// resources are the system's global carriers, used by `offnet`). Each gateway becomes a PJSIP trunk
// (lib/carriers/pjsip.ts); `rules` decide which numbers a carrier takes, `weight_cost` their order.
import type { JsonSchema } from '../../engine/module.ts';

const stringList: JsonSchema = { type: 'array', items: { type: 'string' } };

/** One SIP gateway of a carrier. */
export const gatewaySchema: JsonSchema = {
  type: 'object',
  required: ['server'],
  properties: {
    server: { type: 'string', minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.:\\[\\]-]+$', description: 'Host name or IP of the carrier\'s SIP server.' },
    port: { type: 'integer', minimum: 1, maximum: 65535, description: 'Default 5060.' },
    realm: { type: 'string', maxLength: 253 },
    username: { type: 'string', maxLength: 128 },
    password: { type: 'string', maxLength: 128, description: 'Never shown by the API.' },
    enabled: { type: 'boolean' },
    prefix: { type: 'string', maxLength: 32, pattern: '^[0-9*#+]*$', description: 'Added before the number.' },
    suffix: { type: 'string', maxLength: 32, pattern: '^[0-9*#+]*$', description: 'Added after the number.' },
    invite_format: { type: 'string', enum: ['route', 'e164', 'npan', '1npan', 'username'], description: 'Request-URI user: route (the rule\'s number, default), e164, npan, 1npan, username (the gateway user).' },
    caller_id_type: { type: 'string' },
    codecs: stringList,
    custom_sip_headers: { type: 'object', additionalProperties: { type: 'string' } },
    format_from_uri: { type: 'boolean' },
    from_uri_realm: { type: 'string', maxLength: 253 },
    progress_timeout: { type: 'integer', minimum: 0 },
    endpoint_type: { type: 'string', enum: ['sip'] },
  },
};

export const resourcesSchema: JsonSchema = {
  type: 'object',
  required: ['name', 'gateways'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 128 },
    enabled: { type: 'boolean' },
    emergency: { type: 'boolean', description: 'Carries emergency calls (and only those).' },
    weight_cost: { type: 'integer', minimum: 1, maximum: 100, description: 'Lower is tried first (default 50).' },
    rules: { ...stringList, description: 'Regexes on the E.164 number; the first capture group (if any) is what is dialled. Empty: every number.' },
    cid_rules: { ...stringList, description: 'Regexes the caller-ID number must match.' },
    flags: { ...stringList, description: 'A call\'s outbound_flags must all be among these.' },
    require_flags: { type: 'boolean' },
    ignore_flags: { type: 'boolean' },
    gateways: { type: 'array', minItems: 1, maxItems: 10, items: gatewaySchema },
    caller_id_options: { type: 'object', properties: { type: { type: 'string' } } },
    format_from_uri: { type: 'boolean' },
    from_uri_realm: { type: 'string', maxLength: 253 },
    grace_period: { type: 'integer', minimum: 0 },
    classifiers: { type: 'object' },
  },
};
