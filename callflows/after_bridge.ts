// Decides what happens to this leg once a later bridge ends: park it, hang up, or transfer it.
// Kazoo: cf_after_bridge, module name `after_bridge`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'after_bridge',
  summary: 'Set park/hangup/transfer-after-bridge behaviour for the caller, then continue.',
  schema: moduleData({
    action: { type: 'string', enum: ['park', 'transfer', 'hangup'] },
    data: {
      type: ['boolean', 'string'],
      description: 'true/false for park and hangup; the target extension for transfer.',
    },
  }),
  children: ['_'],
  implemented: false,
};

export default definition;
