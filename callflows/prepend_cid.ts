// Puts a prefix in front of the caller-ID name/number shown on legs created later.
// Kazoo: cf_prepend_cid, module name `prepend_cid`.
import { next, type ModuleDefinition } from '../lib/engine/module.ts';
import { callerIdForLegs, callerIdState, commitCallerId, prepend, resetPrefix } from '../lib/callerid/state.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'prepend_cid',
  summary: 'Prepend (or reset) caller-ID name/number prefixes, then continue.',
  schema: moduleData({
    action: { type: 'string', enum: ['prepend', 'reset'], default: 'prepend' },
    caller_id_name_prefix: { type: 'string', default: '' },
    caller_id_number_prefix: { type: 'string', default: '' },
    apply_to: { type: 'string', enum: ['current', 'original'], default: 'current' },
  }),
  children: ['_'],
  implemented: true,
  async run(ctx, data) {
    const state = callerIdState(ctx);
    const updated =
      data.action === 'reset'
        ? resetPrefix(state)
        : prepend(
            state,
            {
              name: typeof data.caller_id_name_prefix === 'string' ? data.caller_id_name_prefix : '',
              number: typeof data.caller_id_number_prefix === 'string' ? data.caller_id_number_prefix : '',
            },
            data.apply_to === 'original' ? 'original' : 'current',
          );
    await commitCallerId(ctx, updated);
    const cid = callerIdForLegs(ctx);
    return next(`${data.action === 'reset' ? 'prefixes reset; ' : ''}caller id "${cid.name}" <${cid.number}>`);
  },
};

export default definition;
