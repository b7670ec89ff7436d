// Rings the members of a group document (or, with `endpoints`, behaves like ring_group).
// Kazoo: cf_group, module name `group`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { BRIDGE_FAILURE_KEYS, docId, endpointMember, mediaRef, moduleData, ringtones } from './schema-parts.ts';

// No defaults for timeout/strategy/ignore_forward/ringback: the group document's values win
// over data at run time, so a default injected into data must not mask them.
const definition: ModuleDefinition = {
  name: 'group',
  summary: 'Answer, then ring a group\'s members; stop when answered, failure-cause child or `_`.',
  schema: moduleData({
    id: { ...docId, description: 'Group id.' },
    endpoints: {
      type: 'array',
      description: 'Legacy: ring_group members (objects) or bare ids; non-empty means "act as ring_group".',
      items: { ...endpointMember, type: ['object', 'string'] },
    },
    strategy: { type: 'string', enum: ['simultaneous', 'single'] },
    timeout: { type: 'integer', minimum: 0 },
    repeats: { type: 'integer', minimum: 1, default: 1 },
    ringback: mediaRef,
    ringtones,
    ignore_forward: { type: 'boolean' },
    fail_on_single_reject: { type: 'boolean' },
  }),
  children: ['_', ...BRIDGE_FAILURE_KEYS],
  implemented: false,
};

export default definition;
