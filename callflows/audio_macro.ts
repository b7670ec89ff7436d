// Plays a sequence of media, prompts, spoken values, TTS and tones; a terminator skips the rest.
// Kazoo: cf_audio_macro, module name `audio_macro`.
import type { JsonSchema, ModuleDefinition } from '../lib/engine/module.ts';
import { mediaRef, moduleData, terminators } from './schema-parts.ts';

const SAY_TYPES = [
  'number', 'items', 'persons', 'messages', 'currency', 'time_measurement', 'current_date',
  'current_time', 'current_date_time', 'telephone_number', 'telephone_extension', 'url',
  'ip_address', 'e-mail_address', 'postal_address', 'account_number', 'name_spelled',
  'name_phonetic', 'short_date_time',
];

// Item fields depend on `macro`; each kind is checked only when the item is of that kind.
const itemKinds: Record<string, Record<string, JsonSchema>> = {
  play: { id: mediaRef, terminators },
  prompt: { id: { type: 'string', description: 'System prompt name.' }, language: { type: 'string' } },
  say: {
    text: { type: 'string' },
    type: { type: 'string', enum: SAY_TYPES },
    method: { type: 'string', enum: ['none', 'pronounced', 'iterated', 'counted'] },
    gender: { type: 'string', enum: ['masculine', 'feminine', 'neuter'] },
    language: { type: 'string' },
  },
  tts: { text: { type: 'string' }, voice: { type: 'string' }, language: { type: 'string' }, terminators },
  tone: {
    frequencies: { type: 'array', items: { type: 'integer', minimum: 0 } },
    duration_on: { type: 'integer', minimum: 0, description: 'ms' },
    duration_off: { type: 'integer', minimum: 0, description: 'ms' },
    repeat: { type: 'integer', minimum: 0 },
    volume: { type: 'integer', minimum: 0, maximum: 100 },
  },
};

const macroItem: JsonSchema = {
  type: 'object',
  required: ['macro'],
  properties: { macro: { type: 'string', enum: Object.keys(itemKinds) } },
  allOf: Object.entries(itemKinds).map(([kind, properties]) => ({
    if: { properties: { macro: { const: kind } }, required: ['macro'] },
    then: { properties },
  })),
};

const definition: ModuleDefinition = {
  name: 'audio_macro',
  summary: 'Play a list of play/prompt/say/tts/tone items in order, then continue.',
  schema: moduleData({
    macros: { type: 'array', minItems: 1, items: macroItem },
    language: { type: 'string', description: 'Default language of the items.' },
    terminators,
  }),
  children: ['_'],
  implemented: false,
};

export default definition;
