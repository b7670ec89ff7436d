// Plays a sequence of media, prompts, spoken values, TTS and tones; a terminator skips the rest.
// Kazoo: cf_audio_macro, module name `audio_macro`.
import { next, type CallContext, type JsonSchema, type ModuleDefinition } from '../lib/engine/module.ts';
import { planMacro, type MacroStep } from '../lib/audio-macro/items.ts';
import { resolveTimezone } from '../lib/temporal/local-clock.ts';
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
    terminators,
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
  implemented: true,
  async run(ctx, data) {
    const needsClock = Array.isArray(data.macros) && data.macros.some((m) => /^(current_|short_date)/.test(String((m as { type?: unknown })?.type ?? '')));
    const account = needsClock ? await ctx.data.get<{ timezone?: unknown }>('accounts', ctx.accountId) : undefined;
    const plan = planMacro(data, { language: ctx.language, now: new Date(), zone: needsClock ? resolveTimezone(undefined, account?.timezone) : undefined });
    if (plan.dropped.length) ctx.logger.info({ dropped: plan.dropped }, 'audio_macro items dropped');
    if (!plan.steps.length) return next(`nothing to play${plan.dropped.length ? ` (${plan.dropped.join('; ')})` : ''}`);
    await ctx.call.answer();
    let played = 0;
    for (const step of plan.steps) {
      const media = await playable(ctx, step);
      if (!media.length) continue;
      const r = await ctx.call.play(media, {
        terminators: step.terminators,
        ...(step.language ? { language: step.language } : {}),
        ...(step.kind === 'tone' ? { maxMs: step.durationMs } : {}),
      });
      played++;
      // A terminator skips the rest of the macro; the key stays buffered for the next node.
      if (r.status === 'interrupted') return next(`item ${played} of ${plan.steps.length} interrupted by ${r.digit}, rest skipped`);
    }
    const notes = plan.dropped.length ? `; dropped ${plan.dropped.join('; ')}` : '';
    return next(`played ${played} of ${plan.steps.length} items${notes}`);
  },
};

/** One step's URIs; an item that cannot be resolved or synthesised is skipped (logged), as Kazoo skips it. */
async function playable(ctx: CallContext, step: MacroStep): Promise<string[]> {
  try {
    switch (step.kind) {
      case 'uri':
      case 'tone':
        return [step.uri];
      case 'media': {
        const media = await ctx.media.resolve(step.ref, step.language ?? ctx.language);
        if (!media.length) ctx.logger.warn({ media: step.ref }, 'audio_macro media not found, skipped');
        return media;
      }
      case 'tts':
        return [await ctx.media.speak(step.text, { voice: step.voice, language: step.language ?? ctx.language })];
    }
  } catch (err) {
    ctx.logger.warn({ step: step.kind, err: (err as Error).message }, 'audio_macro item skipped');
    return [];
  }
}

export default definition;
