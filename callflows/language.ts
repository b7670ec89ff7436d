// Sets the language used for prompts and TTS for the rest of the call.
// Kazoo: cf_language, module name `language`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'language',
  summary: 'Set the call language (xx or xx-yy), then continue.',
  schema: moduleData(
    { language: { type: 'string', pattern: '^[A-Za-z]{2}(-[A-Za-z]{2})?$' } },
    ['language'],
  ),
  children: ['_'],
  implemented: false,
};

export default definition;
