// Template module that does nothing; kept because imported flows may contain it.
// Kazoo: cf_skel, module name `skel`.
import { next, type ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'skel',
  summary: 'Do nothing, continue.',
  schema: moduleData(),
  children: ['_'],
  implemented: true,
  async run() {
    return next();
  },
};

export default definition;
