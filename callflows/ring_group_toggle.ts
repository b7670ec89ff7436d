// Lets the caller join or leave the ring groups of a callflow (edits that callflow document).
// Kazoo: cf_ring_group_toggle, module name `ring_group_toggle`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { docId, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'ring_group_toggle',
  summary: 'Enable (login) or disable (logout) the caller\'s user member in callflow_id\'s ring groups.',
  schema: moduleData(
    {
      action: { type: 'string', enum: ['login', 'logout'] },
      callflow_id: docId,
    },
    ['action', 'callflow_id'],
  ),
  children: ['_'],
  implemented: false,
};

export default definition;
