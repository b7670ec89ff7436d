// Plays a media file, URL, tone or system prompt to the caller.
// Kazoo: cf_play, module name `play`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { mediaRef, moduleData, terminators } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'play',
  summary: 'Answer (unless answer=false), play the media, then continue.',
  schema: moduleData({
    id: mediaRef,
    answer: { type: 'boolean', default: true },
    terminators,
    endless_playback: { type: 'boolean', default: false },
    loop_count: { type: 'integer', minimum: 1 },
  }),
  children: ['_'],
  implemented: false,
};

export default definition;
