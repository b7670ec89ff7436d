// Deprecated form of resources that dials through the system-wide (global) carriers.
// Kazoo: cf_offnet, module name `offnet`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { runResources } from '../lib/carriers/module.ts';
import { resourcesData } from './resources.ts';
import { BRIDGE_FAILURE_KEYS, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'offnet',
  summary: 'resources with use_local_resources=false (global carriers).',
  schema: moduleData(resourcesData(false)),
  children: [...BRIDGE_FAILURE_KEYS],
  implemented: true,
  // Kazoo's cf_offnet forces use_local_resources=false: always the system's (master account's) carriers.
  run: (ctx, data) => runResources(ctx, data, { global: true }),
};

export default definition;
