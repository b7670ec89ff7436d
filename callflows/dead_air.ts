// Answers and keeps the line silent until the caller hangs up.
// Kazoo: cf_dead_air, module name `dead_air`.
import { stop, type ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'dead_air',
  summary: 'Answer, play nothing, wait for hangup.',
  schema: moduleData(),
  children: [],
  implemented: true,
  async run(ctx) {
    await ctx.call.answer();
    await ctx.call.waitForHangup();
    return stop('caller hung up');
  },
};

export default definition;
