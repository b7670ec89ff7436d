// Overrides the caller-ID name/number presented on legs created afterwards.
// Kazoo: cf_set_cid, module name `set_cid`.
import { next, type ModuleDefinition } from '../lib/engine/module.ts';
import { callerIdForLegs, callerIdState, commitCallerId, rewrite } from '../lib/callerid/state.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'set_cid',
  summary: 'Rewrite caller-ID name/number for later legs (empty removes a rewrite), then continue.',
  schema: moduleData({
    caller_id_name: { type: 'string', default: '' },
    caller_id_number: { type: 'string', default: '' },
  }),
  children: ['_'],
  implemented: true,
  async run(ctx, data) {
    const name = typeof data.caller_id_name === 'string' ? data.caller_id_name : '';
    const number = typeof data.caller_id_number === 'string' ? data.caller_id_number : '';
    // A rewrite replaces whatever the leg would show (prefixes included); the caller's channel shows it too.
    await commitCallerId(ctx, rewrite(callerIdState(ctx), { name, number }));
    const cid = callerIdForLegs(ctx);
    return next(`caller id "${cid.name}" <${cid.number}>`);
  },
};

export default definition;
