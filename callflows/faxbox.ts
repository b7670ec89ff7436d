// Receives a fax into a faxbox (delivery per the faxbox settings).
// Kazoo: cf_faxbox, module name `faxbox`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { docId, faxOption, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'faxbox',
  summary: 'Receive a fax into a faxbox; the fax service takes over the call.',
  schema: moduleData({
    id: { ...docId, description: 'Faxbox id.' },
    faxbox_id: { ...docId, description: 'Legacy name of `id`.' },
    media: { type: 'object', properties: { fax_option: faxOption } },
  }),
  children: [],
  implemented: false,
};

export default definition;
