// Leaves a message in a voicemail box, or logs in to listen to messages.
// Kazoo: cf_voicemail, module name `voicemail`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { docId, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'voicemail',
  summary: 'compose: record a message (owner may be sent to check); check: mailbox menu; then continue.',
  schema: moduleData({
    action: { type: 'string', enum: ['compose', 'check'], default: 'compose' },
    id: { ...docId, description: 'Box id; absent: by capture group, caller\'s owner, or asked.' },
    // No defaults for the two below: box and system values take part in their precedence.
    max_message_length: { type: 'integer', minimum: 1, description: 'Seconds.' },
    interdigit_timeout: { type: 'integer', minimum: 1, description: 'ms.' },
    single_mailbox_login: { type: 'boolean', default: false },
    callerid_match_login: { type: 'boolean', default: false },
  }),
  children: ['_'],
  implemented: false,
};

export default definition;
