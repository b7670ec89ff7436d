// Branches on the captured dialled number, or re-hunts it as a new callflow lookup.
// Kazoo: cf_branch_bnumber, module name `branch_bnumber`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData, regex } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'branch_bnumber',
  summary: 'hunt=false: take the child named by the capture group; hunt=true: branch to its callflow.',
  schema: moduleData({
    hunt: { type: 'boolean', default: false },
    hunt_allow: { ...regex, description: 'The capture must match this to hunt.' },
    hunt_deny: { ...regex, description: 'The capture must not match this to hunt.' },
  }),
  children: ['*', '_'],
  implemented: false,
};

export default definition;
