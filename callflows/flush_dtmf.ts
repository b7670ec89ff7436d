// Forgets the digits stored in a DTMF collection.
// Kazoo: cf_flush_dtmf, module name `flush_dtmf`.
import { next, type ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'flush_dtmf',
  summary: 'Clear a DTMF collection, then continue.',
  schema: moduleData({
    collection_name: { type: 'string', minLength: 1, default: 'default' },
  }),
  children: ['_'],
  implemented: true,
  async run(ctx, data) {
    const name = typeof data.collection_name === 'string' && data.collection_name !== '' ? data.collection_name : 'default';
    const had = Object.prototype.hasOwnProperty.call(ctx.collected, name);
    delete ctx.collected[name];
    // Kazoo's `default` collection is also where unconsumed keypresses wait: they go too.
    if (name === 'default') ctx.call.flushDigits();
    return next(`flushed ${name}${had ? '' : ' (was empty)'}`);
  },
};

export default definition;
