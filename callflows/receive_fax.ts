// Receives a fax on behalf of a user.
// Kazoo: cf_receive_fax, module name `receive_fax`.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { receiveFaxInto } from '../lib/fax/receive.ts';
import { docId, faxOption, moduleData } from './schema-parts.ts';

interface ReceiveFaxData {
  owner_id?: string;
  media?: { fax_option?: unknown };
  timeout?: number;
}

const definition: ModuleDefinition = {
  name: 'receive_fax',
  summary: 'Receive a fax for owner_id (stored in the account\'s faxes inbox, e-mailed to the owner); ends the call.',
  schema: moduleData({
    owner_id: { ...docId, description: 'User receiving the fax.' },
    media: { type: 'object', properties: { fax_option: faxOption } },
    timeout: {
      type: 'integer',
      minimum: 0,
      description: 'ariflow: seconds to hear the caller\'s fax tone (CNG) before giving up; absent: the fax protocol\'s own timers (about 25 s).',
    },
  }),
  children: [],
  implemented: true,
  async run(ctx, raw) {
    const data = raw as ReceiveFaxData;
    // Like Kazoo, the fax is received even if the owner is unknown (it is stored, nobody is e-mailed).
    const owner = data.owner_id ? await ctx.data.get('users', data.owner_id) : undefined;
    if (data.owner_id && !owner) ctx.logger.warn({ owner_id: data.owner_id }, 'receive_fax: owner not found, receiving without notification');
    return receiveFaxInto(ctx, {
      ownerId: owner ? data.owner_id : undefined,
      faxOption: data.media?.fax_option,
      timeoutSec: data.timeout,
    });
  },
};

export default definition;
