// Schema of a device document: a SIP phone/softphone (or a PSTN number) that can be rung.
import type { JsonSchema } from '../../engine/module.ts';
import { docId, endpointProperties } from './endpoint-parts.ts';

const faxOption = { type: ['boolean', 'string'], enum: [true, false, 'auto', 'true', 'false'] };

export const devicesSchema: JsonSchema = {
  type: 'object',
  required: ['name'],
  properties: {
    ...endpointProperties,
    name: { type: 'string', minLength: 1, maxLength: 128 },
    device_type: { type: 'string' },
    owner_id: docId,
    sip: {
      type: 'object',
      properties: {
        username: { type: 'string', minLength: 2, maxLength: 32 },
        password: { type: 'string', minLength: 5, maxLength: 32 },
        realm: { type: 'string', minLength: 4, maxLength: 253, pattern: '^[.\\w-]+$' },
        method: { type: 'string', enum: ['password', 'ip'] },
        ip: { type: 'string' },
        invite_format: {
          type: 'string',
          enum: ['contact', 'username', 'npan', '1npan', 'e164', 'route', 'strip_plus'],
        },
        number: { type: 'string' },
        route: { type: 'string' },
        static_invite: { type: 'string' },
        static_route: { type: 'string' },
        proxy: { type: 'string' },
        forward: { type: 'string' },
        transport: { type: 'string' },
        expire_seconds: { type: 'integer', minimum: 0 },
        ignore_completed_elsewhere: { type: 'boolean' },
        custom_sip_headers: { type: 'object' },
      },
    },
    media: {
      type: 'object',
      properties: {
        audio: { type: 'object', properties: { codecs: { type: 'array', items: { type: 'string' } } } },
        video: { type: 'object', properties: { codecs: { type: 'array', items: { type: 'string' } } } },
        bypass_media: { type: ['boolean', 'string'] },
        ignore_early_media: { type: 'boolean' },
        progress_timeout: { type: 'integer', minimum: 0 },
        fax_option: faxOption,
        encryption: {
          type: 'object',
          properties: {
            enforce_security: { type: 'boolean' },
            methods: { type: 'array', items: { type: 'string', enum: ['srtp', 'zrtp'] } },
          },
        },
      },
    },
    hotdesk: {
      type: 'object',
      properties: {
        users: { type: 'object', description: 'User id → settings of users hot-desked here.', additionalProperties: { type: 'object' } },
      },
    },
    exclude_from_queues: { type: 'boolean' },
    outbound_flags: { type: ['array', 'object'] },
    mwi_unsolicited_updates: { type: 'boolean' },
    suppress_unregister_notifications: { type: 'boolean' },
    register_overwrite_notify: { type: 'boolean' },
    mac_address: { type: 'string' },
    contact_list: { type: 'object', properties: { exclude: { type: 'boolean' } } },
    provision: { type: 'object' },
  },
};
