// Hangs up the call with normal clearing and ends the flow.
// Kazoo: cf_hangup, module name `hangup`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'hangup',
  summary: 'Hang up and end the flow (ignores any branch stack).',
  schema: moduleData(),
  children: [],
  implemented: true,
  async run() {
    return { kind: 'hard_stop', cause: 'normal_clearing', reason: 'hangup module' };
  },
};

export default definition;
