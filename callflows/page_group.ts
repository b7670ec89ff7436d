// Pages many endpoints at once with auto-answer, one-way (they listen) or two-way.
// Kazoo: cf_page_group, module name `page_group`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { endpointMember, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'page_group',
  summary: 'Auto-answer page to the members; `_` only when nobody could be paged.',
  schema: moduleData(
    {
      endpoints: { type: 'array', minItems: 1, items: endpointMember },
      audio: { type: 'string', enum: ['one-way', 'two-way'], default: 'one-way' },
      timeout: { type: 'integer', minimum: 0, default: 5, description: 'Seconds members have to auto-answer.' },
      barge_calls: { type: 'boolean', default: false },
    },
    ['endpoints'],
  ),
  children: ['_'],
  implemented: false,
};

export default definition;
