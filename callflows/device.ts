// Rings one device (its registration plus any call-forward / failover legs).
// Kazoo: cf_device, module name `device`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { BRIDGE_FAILURE_KEYS, customSipHeaders, docId, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'device',
  summary: 'Ring a device; stop when answered, failure-cause child or `_` otherwise.',
  schema: moduleData({
    id: { ...docId, description: 'Device id.' },
    timeout: { type: 'integer', minimum: 0, default: 20, description: 'Seconds; 0 means the system default (20).' },
    delay: { type: 'integer', minimum: 0, default: 0 },
    dial_strategy: { type: 'string', enum: ['simultaneous', 'single'], default: 'simultaneous' },
    can_call_self: { type: 'boolean', default: false },
    can_text_self: { type: 'boolean' },
    static_invite: { type: 'string' },
    suppress_clid: { type: 'boolean', default: false },
    custom_sip_headers: customSipHeaders,
    fail_on_single_reject: { type: 'boolean' },
  }),
  children: ['_', ...BRIDGE_FAILURE_KEYS],
  implemented: false,
};

export default definition;
