// Holds the flow until the caller hangs up.
// Kazoo: cf_wait_for_hangup (master only), module name `wait_for_hangup`.
import { stop, type ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'wait_for_hangup',
  summary: 'Wait for the hangup; ends the flow.',
  schema: moduleData(),
  children: [],
  implemented: true,
  async run(ctx) {
    await ctx.call.waitForHangup();
    return stop('caller hung up');
  },
};

export default definition;
