// Sets custom application variables (CAVs) that follow the call into events, CDRs and pivot.
// Kazoo: cf_set_variables, module name `set_variables`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'set_variables',
  summary: 'Set CAVs on the call (export: also on later legs), then continue.',
  schema: moduleData(
    {
      custom_application_vars: { type: 'object', description: 'Name → value; values should be strings.' },
      export: { type: 'boolean', default: false },
    },
    ['custom_application_vars'],
  ),
  children: ['_'],
  implemented: false,
};

export default definition;
