// Sets one of the whitelisted channel variables (call_priority, group_id) on the call.
// Kazoo: cf_set_variable, module name `set_variable`.
import { next, type ModuleDefinition } from '../lib/engine/module.ts';
import { CCV_KEY, cavValue, exportVariable, inherited } from '../lib/branching/variables.ts';
import { moduleData } from './schema-parts.ts';

/** The only names Kazoo honours, and the channel variable each one becomes. */
export const SET_VARIABLE_NAMES: Readonly<Record<string, string>> = {
  call_priority: 'Call-Priority',
  group_id: 'Group-ID',
};

const definition: ModuleDefinition = {
  name: 'set_variable',
  summary: 'Set a channel variable (this leg or also later legs), then continue.',
  schema: moduleData({
    variable: { type: 'string', minLength: 1, description: 'Kazoo honours call_priority and group_id.' },
    value: { type: 'string' },
    channel: { type: 'string', enum: ['a', 'both'], default: 'a' },
  }),
  children: ['_'],
  implemented: true,
  async run(ctx, data) {
    const requested = typeof data.variable === 'string' ? data.variable : '';
    const name = Object.hasOwn(SET_VARIABLE_NAMES, requested) ? SET_VARIABLE_NAMES[requested] : undefined;
    if (!name) return next(`variable ${requested || '(none)'} is not one Kazoo sets`);
    const value = cavValue(data.value);
    if (value === undefined) return next(`no value for ${requested}`);
    // Also a CCV of the call, which branch_variable reads (scope custom_channel_vars, key call_priority).
    const ccv = ctx.attributes[CCV_KEY] && typeof ctx.attributes[CCV_KEY] === 'object' ? (ctx.attributes[CCV_KEY] as Record<string, string>) : {};
    ccv[name] = value;
    ctx.attributes[CCV_KEY] = ccv;
    if (data.channel === 'both') {
      exportVariable(ctx, name, value);
      await ctx.call.setVariable(inherited(name), value);
      return next(`${name}=${value} on both legs`);
    }
    await ctx.call.setVariable(name, value);
    return next(`${name}=${value}`);
  },
};

export default definition;
