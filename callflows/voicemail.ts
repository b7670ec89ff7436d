// Leaves a message in a voicemail box, or logs in to listen to messages.
// Kazoo: cf_voicemail, module name `voicemail`.
import { next, type ModuleDefinition } from '../lib/engine/module.ts';
import { boxByNumber, check, compose, loadBox, type VoicemailData } from '../lib/voicemail/session.ts';
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
  implemented: true,
  async run(ctx, raw) {
    const data = raw as VoicemailData;
    if (data.action === 'check') return check(ctx, data);
    if (data.action !== undefined && data.action !== 'compose') return next(`unknown action ${String(data.action)}`);
    // compose: the box named by id, else the one whose number the pattern captured.
    let box = data.id ? await loadBox(ctx, data.id) : undefined;
    if (!data.id && ctx.captureGroup) box = await boxByNumber(ctx, ctx.captureGroup);
    return compose(ctx, data, box);
  },
};

export default definition;
