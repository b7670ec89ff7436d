// Plays a media file, URL, tone or system prompt to the caller.
// Kazoo: cf_play, module name `play`.
import { next, type ModuleDefinition } from '../lib/engine/module.ts';
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
  implemented: true,
  async run(ctx, data) {
    const media = await ctx.media.resolve(String(data.id ?? ''), ctx.language);
    if (!media.length) return next('media not found');
    if (data.answer !== false) {
      await ctx.call.answer();
    }
    const terminators = data.terminators as string[];
    // endless_playback repeats until a terminator or hangup; loop_count bounds the repeats otherwise.
    const loops = data.endless_playback ? Number.POSITIVE_INFINITY : Number(data.loop_count ?? 1);
    for (let i = 0; i < loops; i++) {
      const r = await ctx.call.play(media, { terminators, language: ctx.language });
      if (r.status === 'interrupted') return next(`interrupted by ${r.digit}`);
      if (r.status === 'failed') return next('playback failed');
    }
    return next();
  },
};

export default definition;
