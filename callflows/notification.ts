// Sends an account-defined notification template now or when the call ends.
// Kazoo: cf_notification (master only), module name `notification`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { docId, moduleData, recipients } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'notification',
  summary: 'Send a custom notification (e-mail/SMS) at once or at hangup, then continue.',
  schema: moduleData({
    template_id: docId,
    recipients,
    comments: { type: 'string' },
    notification_media: { type: 'array', items: { type: 'string', enum: ['email', 'sms'] } },
    send_at: { type: 'string', enum: ['channel_destroy', 'callflow_exec'], default: 'channel_destroy' },
  }),
  children: ['_'],
  implemented: false,
};

export default definition;
