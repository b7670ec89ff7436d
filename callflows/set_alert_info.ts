// Sets the Alert-Info header (distinctive ring) of legs created afterwards.
// Kazoo: cf_set_alert_info, module name `set_alert_info`.
import { next, type ModuleDefinition } from '../lib/engine/module.ts';
import { inherited } from '../lib/branching/variables.ts';
import { moduleData } from './schema-parts.ts';

/** ctx.attributes key the leg-building modules read (ring_group ringtones take precedence, §3.6). */
export const ALERT_INFO_KEY = 'alert_info';
/** Channel variable holding it (chan_sip's name for an outgoing Alert-Info), inherited by new channels. */
export const ALERT_INFO_VARIABLE = 'ALERT_INFO';

const definition: ModuleDefinition = {
  name: 'set_alert_info',
  summary: 'Set Alert-Info for later legs, then continue.',
  schema: moduleData({ alert_info: { type: 'string', minLength: 1, description: 'Sent verbatim as the Alert-Info header of later legs.' } }, ['alert_info']),
  children: ['_'],
  implemented: true,
  async run(ctx, data) {
    const value = typeof data.alert_info === 'string' ? data.alert_info.trim() : '';
    if (!value) return next('no alert_info');
    ctx.attributes[ALERT_INFO_KEY] = value;
    await ctx.call.setVariable(inherited(ALERT_INFO_VARIABLE), value);
    return next(`Alert-Info: ${value}`);
  },
};

export default definition;
