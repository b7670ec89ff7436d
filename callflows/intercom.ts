// Calls the extension in the capture group with auto-answer (intercom).
// Kazoo: cf_intercom, module name `intercom`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'intercom',
  summary: 'Branch into the captured extension\'s callflow with auto-answer; `_` if it is not found.',
  schema: moduleData({
    barge_calls: { type: 'boolean', default: false },
  }),
  children: ['_'],
  implemented: false,
};

export default definition;
