// Camps on a busy extension (from the capture group) and calls both parties back when it frees.
// Kazoo: cf_camping_feature, module name `camping_feature`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'camping_feature',
  summary: 'Camp on the captured extension: call back when it is free, or connect now if idle.',
  schema: moduleData({
    timeout: { type: 'integer', minimum: 0, description: 'How long the camp request lives (s).' },
    tries: { type: 'integer', minimum: 1, description: 'Offnet targets: call-back attempts.' },
    try_interval: { type: 'integer', minimum: 0, description: 'Offnet targets: seconds between attempts.' },
    stop_after: { type: 'integer', minimum: 0, description: 'Offnet targets: give up after (s).' },
  }),
  children: [],
  implemented: false,
};

export default definition;
