// Transfers a leg of the call (blind or attended) to a target number.
// Kazoo: cf_transfer, module name `transfer`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'transfer',
  summary: 'Transfer this leg or the other leg to target; the flow ends.',
  schema: moduleData({
    target: { type: 'string', description: 'Default: first element of captures.' },
    captures: { type: 'array', items: { type: 'string' }, default: ['no_match'] },
    leg: { type: 'string', enum: ['self', 'bleg'] },
    transfer_type: { type: 'string', enum: ['blind', 'attended'], default: 'blind' },
  }),
  children: [],
  implemented: false,
};

export default definition;
