// Speaks a text to the caller with a text-to-speech engine.
// Kazoo: cf_tts, module name `tts`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData, terminators } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'tts',
  summary: 'Answer, speak the text, then continue.',
  schema: moduleData(
    {
      text: { type: 'string', minLength: 1, maxLength: 1000 },
      voice: { type: 'string', default: 'female' },
      language: { type: 'string', description: 'Default: the call language.' },
      engine: { type: 'string', enum: ['flite', 'google', 'ispeech', 'voicefabric'] },
      terminators,
      endless_playback: { type: 'boolean', default: false },
    },
    ['text'],
  ),
  children: ['_'],
  implemented: false,
};

export default definition;
