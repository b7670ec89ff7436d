// Sets the language used for prompts and TTS for the rest of the call.
// Kazoo: cf_language, module name `language`.
import { next, type ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'language',
  summary: 'Set the call language (xx or xx-yy), then continue.',
  schema: moduleData(
    { language: { type: 'string', pattern: '^[A-Za-z]{2}(-[A-Za-z]{2})?$' } },
    ['language'],
  ),
  children: ['_'],
  implemented: true,
  async run(ctx, data) {
    ctx.language = String(data.language).toLowerCase();
    // Asterisk picks prompts by its own CHANNEL(language), e.g. sounds/fr/... for `fr`.
    await ctx.call.setVariable('CHANNEL(language)', ctx.language.split('-')[0]);
    return next(`language ${ctx.language}`);
  },
};

export default definition;
