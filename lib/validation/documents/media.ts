// Schema of a media document (uploaded/recorded audio or TTS) that callflows refer to by id.
import type { JsonSchema } from '../../engine/module.ts';

export const mediaSchema: JsonSchema = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 128 },
    description: { type: 'string', maxLength: 128 },
    media_source: { type: 'string', enum: ['upload', 'recording', 'tts'] },
    tts: {
      type: 'object',
      properties: { text: { type: 'string', minLength: 1 }, voice: { type: 'string' } },
    },
    streamable: { type: 'boolean' },
    language: { type: 'string' },
    content_type: { type: 'string' },
    content_length: { type: 'integer', minimum: 0 },
    prompt_id: { type: 'string' },
    source_id: { type: 'string' },
    source_type: { type: 'string' },
  },
};
