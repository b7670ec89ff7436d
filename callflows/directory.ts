// Dial-by-name directory: the caller spells a name and is branched to that user's callflow.
// Kazoo: cf_directory, module name `directory`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { docId, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'directory',
  summary: 'Dial-by-name; branch to the chosen user\'s callflow, `_` on exit (0) or no users.',
  schema: moduleData({ id: { ...docId, description: 'Directory id.' } }),
  children: ['_'],
  implemented: false,
};

export default definition;
