// Schema of a faxbox document (Kazoo's faxboxes): where received faxes go and who is told about them.
// Read by the `faxbox` callflow module (lib/fax/receive.ts); the outbound fields are kept for imports.
import type { JsonSchema } from '../../engine/module.ts';
import { docId } from './endpoint-parts.ts';

const emailList: JsonSchema = {
  oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
  description: 'Addresses to send to.',
};

const notificationTarget: JsonSchema = {
  type: 'object',
  properties: {
    email: { type: 'object', properties: { send_to: emailList } },
    sms: { type: 'object', properties: { send_to: emailList } },
    callback: { type: 'object', properties: { url: { type: 'string' }, method: { type: 'string' }, type: { type: 'string' } } },
  },
};

export const faxboxesSchema: JsonSchema = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 128 },
    owner_id: { ...docId, description: 'User owning the faxbox: also receives its inbound fax e-mails.' },
    caller_name: { type: 'string', maxLength: 128 },
    caller_id: { type: 'string', maxLength: 35 },
    fax_header: { type: 'string', maxLength: 64, description: 'Header line of the pages sent.' },
    fax_identity: { type: 'string', maxLength: 20, description: 'Station id (TSI/CSI) presented to the other fax machine.' },
    fax_timezone: { type: 'string' },
    retries: { type: 'integer', minimum: 0, maximum: 4 },
    attempts: { type: 'integer', minimum: 0 },
    notifications: { type: 'object', properties: { inbound: notificationTarget, outbound: notificationTarget } },
    smtp_permission_list: { type: 'array', items: { type: 'string' } },
    custom_smtp_email_address: { type: 'string' },
    media: {
      type: 'object',
      properties: { fax_option: { oneOf: [{ type: 'boolean' }, { type: 'string', enum: ['auto', 'true', 'false'] }] } },
    },
    flags: { type: 'array', items: { type: 'string' } },
  },
};
