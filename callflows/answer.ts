// Answers the call and waits until the answer is confirmed.
// Kazoo: cf_answer (master only), module name `answer`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'answer',
  summary: 'Answer the call, then continue.',
  schema: moduleData(),
  children: ['_'],
  implemented: false,
};

export default definition;
