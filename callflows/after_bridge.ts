// Decides what happens to this leg once a later bridge ends: park it, hang up, or transfer it.
// Kazoo: cf_after_bridge, module name `after_bridge`.
// The choice is stored on the call; the ringing modules follow it once their bridge has ended
// (lib/ringing/after-bridge.ts says how each action plays out).
import { next, type ModuleDefinition } from '../lib/engine/module.ts';
import { AFTER_BRIDGE_KEY } from '../lib/ringing/after-bridge.ts';
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
  implemented: true,
  async run(ctx, data) {
    const action = data.action;
    if (action !== 'park' && action !== 'transfer' && action !== 'hangup') return next(`unknown action ${String(action)}: nothing set`);
    const value = action === 'transfer' ? String(data.data ?? '').trim() : data.data === true || data.data === 'true';
    if (action === 'transfer' && !value) return next('transfer without a number: nothing set');
    ctx.attributes[AFTER_BRIDGE_KEY] = { action, data: value };
    return next(`after bridge: ${action} ${String(value)}`);
  },
};

export default definition;
