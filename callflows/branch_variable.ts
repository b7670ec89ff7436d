// Branches on the value of a call variable or of an account/user/device document field.
// Kazoo: cf_branch_variable, module name `branch_variable`.
import { child, next, type CallContext, type ModuleDefinition } from '../lib/engine/module.ts';
import { callingEndpoint, mergedEndpoint } from '../lib/branching/calling-endpoint.ts';
import { customChannelVars, getPath, valueAsKey, variablePath } from '../lib/branching/variables.ts';
import { moduleData } from './schema-parts.ts';

const hasChild = (ctx: CallContext, key: string | undefined): key is string =>
  key !== undefined && (ctx.childKeys === undefined || ctx.childKeys.includes(key));

const definition: ModuleDefinition = {
  name: 'branch_variable',
  summary: 'Take the child whose key equals the variable value (as a string), else `_`.',
  schema: moduleData(
    {
      variable: {
        type: ['string', 'array'],
        items: { type: 'string' },
        description: 'Variable name, or a key path inside the scoped document.',
      },
      scope: {
        type: 'string',
        enum: ['custom_channel_vars', 'account', 'user', 'device', 'merged'],
        default: 'custom_channel_vars',
      },
    },
    ['variable'],
  ),
  children: ['*', '_'],
  implemented: true,
  async run(ctx, data) {
    const scope = typeof data.scope === 'string' ? data.scope : 'custom_channel_vars';
    // Kazoo normalises the name (lower case, `-` → `_`) whatever the scope.
    const path = variablePath(data.variable, true);
    if (!path) return next('no variable');
    const name = path.join('.');
    const pick = (value: unknown, where: string) => {
      const key = valueAsKey(value);
      if (key === undefined) return next(`${name} unset in ${where}`);
      return hasChild(ctx, key) ? child(key, `${where} ${name}=${key}`) : next(`${where} ${name}=${key}, no such child`);
    };

    switch (scope) {
      case 'account':
        return pick(getPath(await ctx.data.get('accounts', ctx.accountId), path), 'account');
      case 'device':
      case 'user': {
        // Only calls from a device have a device (and through it an owner).
        if (typeof ctx.attributes.device_id !== 'string') return next(`scope ${scope} needs a call from a device`);
        const ep = await callingEndpoint(ctx);
        const doc = scope === 'device' ? ep.device : ep.user;
        if (!doc) return next(`no ${scope} document for this call`);
        return pick(getPath(doc, path), scope);
      }
      case 'merged': {
        // The merged endpoint (account → device → user) first, then the call's variables. Kazoo gives
        // up when the call has no endpoint; we still read the account and the variables (its merge
        // would have contained the account's settings), which is what a flow author expects.
        const endpointKey = valueAsKey(getPath(mergedEndpoint(await callingEndpoint(ctx)), path));
        if (hasChild(ctx, endpointKey)) return child(endpointKey, `endpoint ${name}=${endpointKey}`);
        const ccvKey = valueAsKey(getPath(customChannelVars(ctx), path));
        if (hasChild(ctx, ccvKey)) return child(ccvKey, `variable ${name}=${ccvKey}`);
        return next(`${name}: endpoint ${endpointKey ?? 'unset'}, variable ${ccvKey ?? 'unset'}, no such child`);
      }
      default:
        return pick(getPath(customChannelVars(ctx), path), 'variable');
    }
  },
};

export default definition;
