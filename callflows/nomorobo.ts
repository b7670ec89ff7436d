// Asks the Nomorobo service for the caller's robocall score and branches on it.
// Kazoo: cf_nomorobo, module name `nomorobo`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'nomorobo',
  summary: 'Take the highest score-threshold child (0..10) not above the caller\'s score, else `_`.',
  schema: moduleData(
    {
      username: { type: 'string', minLength: 1, maxLength: 1000 },
      password: { type: 'string', minLength: 1, maxLength: 1000 },
    },
    ['username'],
  ),
  children: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '_'],
  implemented: false,
};

export default definition;
