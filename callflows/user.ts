// Rings every device a user owns (or is hot-desked on).
// Kazoo: cf_user, module name `user`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { BRIDGE_FAILURE_KEYS, customSipHeaders, docId, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'user',
  summary: 'Ring the user\'s devices; stop when answered, failure-cause child or `_`.',
  schema: moduleData({
    id: { ...docId, description: 'User id.' },
    timeout: { type: 'integer', minimum: 0, default: 20 },
    delay: { type: 'integer', minimum: 0, default: 0 },
    strategy: { type: 'string', enum: ['simultaneous', 'single'], default: 'simultaneous' },
    can_call_self: { type: 'boolean', default: false },
    can_text_self: { type: 'boolean' },
    fail_on_single_reject: { type: 'boolean' },
    static_invite: { type: 'string' },
    suppress_clid: { type: 'boolean', default: false },
    custom_sip_headers: customSipHeaders,
  }),
  children: ['_', ...BRIDGE_FAILURE_KEYS],
  implemented: false,
};

export default definition;
