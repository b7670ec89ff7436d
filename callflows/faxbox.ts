// Receives a fax into a faxbox (delivery per the faxbox settings).
// Kazoo: cf_faxbox, module name `faxbox`.
import { next, type ModuleDefinition } from '../lib/engine/module.ts';
import { receiveFaxInto } from '../lib/fax/receive.ts';
import { docId, faxOption, moduleData } from './schema-parts.ts';

interface FaxboxData {
  id?: string;
  faxbox_id?: string;
  media?: { fax_option?: unknown };
  timeout?: number;
}

const definition: ModuleDefinition = {
  name: 'faxbox',
  summary: 'Receive a fax into a faxbox (stored, e-mailed to its inbound recipients and owner); ends the call.',
  schema: moduleData({
    id: { ...docId, description: 'Faxbox id.' },
    faxbox_id: { ...docId, description: 'Legacy name of `id`.' },
    media: { type: 'object', properties: { fax_option: faxOption } },
    timeout: {
      type: 'integer',
      minimum: 0,
      description: 'ariflow: seconds to hear the caller\'s fax tone (CNG) before giving up; absent: the fax protocol\'s own timers (about 25 s).',
    },
  }),
  // `_` only when the faxbox does not exist: there is nowhere to put a fax.
  children: ['_'],
  implemented: true,
  async run(ctx, raw) {
    const data = raw as FaxboxData;
    const id = data.id ?? data.faxbox_id;
    if (!id) return next('no faxbox id');
    const faxbox = await ctx.data.get<Record<string, unknown>>('faxboxes', id);
    if (!faxbox) return next(`faxbox ${id} not found`);
    const media = faxbox.media as { fax_option?: unknown } | undefined;
    return receiveFaxInto(ctx, {
      faxboxId: id,
      faxbox,
      ownerId: typeof faxbox.owner_id === 'string' && faxbox.owner_id ? faxbox.owner_id : undefined,
      faxOption: data.media?.fax_option ?? media?.fax_option,
      timeoutSec: data.timeout,
    });
  },
};

export default definition;
