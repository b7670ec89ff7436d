// Answers the call and waits until the answer is confirmed.
// Kazoo: cf_answer (master only), module name `answer`.
import { next, type ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'answer',
  summary: 'Answer the call, then continue.',
  schema: moduleData(),
  children: ['_'],
  implemented: true,
  async run(ctx) {
    await ctx.call.answer();
    return next();
  },
};

export default definition;
