// Moves the caller's owner's other active call onto the calling device.
// Kazoo: cf_move, module name `move`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'move',
  summary: 'Pull the owner\'s single other active call to this device.',
  schema: moduleData(),
  children: [],
  implemented: false,
};

export default definition;
