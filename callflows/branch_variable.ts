// Branches on the value of a call variable or of an account/user/device document field.
// Kazoo: cf_branch_variable, module name `branch_variable`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

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
  implemented: false,
};

export default definition;
