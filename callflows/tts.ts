// Speaks a text to the caller with a text-to-speech engine.
// Kazoo: cf_tts, module name `tts`.
import { next, type ModuleDefinition } from '../lib/engine/module.ts';
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
  implemented: true,
  async run(ctx, data) {
    await ctx.call.answer();
    let uri: string;
    try {
      uri = await ctx.media.speak(String(data.text), {
        voice: data.voice as string | undefined,
        language: (data.language as string | undefined) ?? ctx.language,
        engine: data.engine as string | undefined,
      });
    } catch (err) {
      // A failed synthesis skips the prompt rather than holding the caller in silence.
      ctx.logger.warn({ err: (err as Error).message }, 'tts failed');
      return next('tts failed');
    }
    const terminators = data.terminators as string[];
    do {
      const r = await ctx.call.play([uri], { terminators });
      if (r.status !== 'done') return next(r.status === 'interrupted' ? `interrupted by ${r.digit}` : 'playback failed');
    } while (data.endless_playback);
    return next();
  },
};

export default definition;
