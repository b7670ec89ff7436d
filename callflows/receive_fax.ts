// Receives a fax on behalf of a user.
// Kazoo: cf_receive_fax, module name `receive_fax`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { docId, faxOption, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'receive_fax',
  summary: 'Receive a fax for owner_id; the fax service takes over the call.',
  schema: moduleData({
    owner_id: { ...docId, description: 'User receiving the fax.' },
    media: { type: 'object', properties: { fax_option: faxOption } },
  }),
  children: [],
  implemented: false,
};

export default definition;
