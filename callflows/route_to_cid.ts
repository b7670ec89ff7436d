// Rings the users/devices whose configured caller-ID number equals the dialled number.
// Kazoo: cf_route_to_cid, module name `route_to_cid`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { BRIDGE_FAILURE_KEYS, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'route_to_cid',
  summary: 'Reverse caller-ID lookup of the callee; ring the matches, else `_`.',
  schema: moduleData({
    cid_types: { type: 'array', minItems: 1, items: { type: 'string' }, default: ['internal'] },
    endpoint_types: {
      type: 'array',
      items: { type: 'string', enum: ['user', 'device'] },
      default: [],
      description: 'Empty: both.',
    },
    timeout: { type: 'integer', minimum: 0, default: 20 },
    delay: { type: 'integer', minimum: 0, default: 0 },
    can_call_self: { type: 'boolean', default: false },
    can_text_self: { type: 'boolean' },
    static_invite: { type: 'string' },
    suppress_clid: { type: 'boolean', default: false },
  }),
  children: ['_', ...BRIDGE_FAILURE_KEYS],
  implemented: false,
};

export default definition;
