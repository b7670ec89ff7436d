// Joins the conference whose id is the pattern's capture group.
// Kazoo: cf_conference_feature, module name `conference_feature`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { runConference, type ConferenceData } from '../lib/conference/join.ts';
import { conferenceData } from './conference.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'conference_feature',
  summary: 'Like conference, with the conference id taken from the capture group.',
  schema: moduleData(conferenceData),
  children: ['_'],
  implemented: true,
  run(ctx, data) {
    // Kazoo: cf_conference with the capture group as the conference id (an inline `config` still wins);
    // nothing captured → the caller is asked for a conference number.
    const id = ctx.captureGroup?.trim();
    return runConference(ctx, { ...(data as ConferenceData), ...(id ? { id } : {}) });
  },
};

export default definition;
