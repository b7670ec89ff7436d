// Hands the caller to a conference, stored (by id) or described inline (`config`).
// Kazoo: cf_conference, module name `conference`.
import type { JsonSchema, ModuleDefinition } from '../lib/engine/module.ts';
import { runConference, type ConferenceData } from '../lib/conference/join.ts';
import { conferencesSchema } from '../lib/validation/documents/conferences.ts';
import { docId, mediaRef, moduleData } from './schema-parts.ts';

/** Also used by conference_feature, which takes the conference id from the capture group. */
export const conferenceData: Record<string, JsonSchema> = {
  id: { ...docId, description: 'Conference id.' },
  config: conferencesSchema,
  moderator: { type: 'boolean', description: 'Join as moderator (no moderator PIN).' },
  welcome_prompt: {
    type: 'object',
    default: {},
    properties: {
      play: { type: 'boolean', default: true },
      media_id: mediaRef,
    },
  },
  play_entry_tone: { type: ['boolean', 'string'], description: 'true/false or a media reference.' },
  play_exit_tone: { type: ['boolean', 'string'], description: 'true/false or a media reference.' },
};

const definition: ModuleDefinition = {
  name: 'conference',
  summary: 'Put the caller into a conference; the conference owns the call (release). `_`: not found, wrong PINs, full.',
  schema: moduleData(conferenceData),
  // Kazoo has no children here (it hangs up on those failures); `_` lets a flow catch them.
  children: ['_'],
  implemented: true,
  run(ctx, data) {
    return runConference(ctx, data as ConferenceData);
  },
};

export default definition;
