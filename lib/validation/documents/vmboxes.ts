// Schema of a voicemail box document.
import type { JsonSchema } from '../../engine/module.ts';
import { docId } from './endpoint-parts.ts';

export const vmboxesSchema: JsonSchema = {
  type: 'object',
  required: ['name', 'mailbox'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 128 },
    mailbox: { type: 'string', minLength: 1, maxLength: 30 },
    pin: { type: 'string', minLength: 4, maxLength: 6, pattern: '^[0-9]+$' },
    require_pin: { type: 'boolean' },
    check_if_owner: { type: 'boolean' },
    owner_id: docId,
    is_setup: { type: 'boolean' },
    skip_greeting: { type: 'boolean' },
    skip_instructions: { type: 'boolean' },
    skip_envelope: { type: 'boolean' },
    announcement_only: { type: 'boolean' },
    play_greeting_intro: { type: 'boolean' },
    use_person_not_available: { type: 'boolean' },
    not_configurable: { type: 'boolean' },
    media: {
      type: 'object',
      properties: {
        unavailable: { type: 'string', minLength: 1 },
        temporary_unavailable: { type: 'string', minLength: 1 },
      },
    },
    media_extension: { type: 'string', enum: ['mp3', 'mp4', 'wav'] },
    operator_number: { type: ['string', 'integer'] },
    oldest_message_first: { type: 'boolean' },
    timezone: { type: 'string', minLength: 5, maxLength: 32 },
    transcribe: { type: 'boolean' },
    delete_after_notify: { type: 'boolean' },
    save_after_notify: { type: 'boolean' },
    notify_email_addresses: { type: 'array', items: { type: 'string' } },
    include_message_on_notify: { type: 'boolean' },
    seek_duration_ms: { type: 'integer', minimum: 0 },
    is_voicemail_ff_rw_enabled: { type: 'boolean' },
    flags: { type: 'array', items: { type: 'string' } },
  },
};
