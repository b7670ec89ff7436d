// Schema of a conference document (also the shape of the `conference` module's inline `config`).
import type { JsonSchema } from '../../engine/module.ts';

const digitStrings: JsonSchema = { type: 'array', items: { type: 'string', pattern: '^[0-9]+$' } };

const participant: JsonSchema = {
  type: 'object',
  properties: {
    pins: digitStrings,
    numbers: digitStrings,
    join_muted: { type: 'boolean' },
    join_deaf: { type: 'boolean' },
    play_entry_prompt: { type: 'boolean' },
  },
};

export const conferencesSchema: JsonSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 128 },
    owner_id: { type: 'string', minLength: 1, maxLength: 128 },
    conference_numbers: digitStrings,
    member: participant,
    moderator: participant,
    max_participants: { type: 'integer', minimum: 0 },
    max_members_media: { type: 'string', minLength: 1, maxLength: 2048, description: 'What a caller refused by max_participants hears (a media id, URL or prompt).' },
    play_name: { type: 'boolean' },
    play_welcome: { type: 'boolean' },
    play_entry_tone: { type: ['boolean', 'string'] },
    play_exit_tone: { type: ['boolean', 'string'] },
    require_moderator: { type: 'boolean', description: 'ariflow: members are mixed only while a moderator is in (Kazoo stores it without effect).' },
    wait_for_moderator: { type: 'boolean', description: 'Members hear music on hold until the first moderator joins.' },
    language: { type: 'string' },
    profile: { type: 'object' },
    profile_name: { type: 'string' },
    caller_controls: { type: 'string' },
    moderator_controls: { type: 'string' },
    flags: { type: 'array', items: { type: 'string' } },
  },
};
