// Joins the conference whose id is the pattern's capture group.
// Kazoo: cf_conference_feature, module name `conference_feature`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { conferenceData } from './conference.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'conference_feature',
  summary: 'Like conference, with the conference id taken from the capture group.',
  schema: moduleData(conferenceData),
  children: [],
  implemented: false,
};

export default definition;
