// Publishes a BLF state for an arbitrary presence id (e.g. a "night mode" lamp).
// Kazoo: cf_manual_presence, module name `manual_presence`.
// The lamp is the Asterisk device state `Custom:<presence_id>` (phones watch it through a hint such as
// `exten => nightmode,hint,Custom:nightmode@realm`); the state is also kept in the account's
// `manual_presence` documents (one per presence id) so it can be read back after a restart.
import { next, type ModuleDefinition } from '../lib/engine/module.ts';
import { answer } from '../lib/features/caller.ts';
import { presenceId, presenceState } from '../lib/features/settings.ts';
import { text } from '../lib/legs/documents.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'manual_presence',
  summary: 'Answer, publish idle/ringing/busy for presence_id, then continue.',
  schema: moduleData(
    {
      presence_id: { type: 'string', minLength: 1, description: 'Without @realm the account realm is added.' },
      status: { type: 'string', enum: ['idle', 'ringing', 'busy'], default: 'idle' },
    },
    ['presence_id'],
  ),
  children: ['_'],
  implemented: true,
  async run(ctx, data) {
    const account = await ctx.data.get<{ realm?: unknown }>('accounts', ctx.accountId);
    const id = presenceId(text(data.presence_id) ?? ctx.captureGroup, text(account?.realm));
    await answer(ctx);
    if (!id) return next('no usable presence_id');
    const status = data.status === 'ringing' || data.status === 'busy' ? data.status : 'idle';
    const state = presenceState(status);
    await ctx.call.setDeviceState(`Custom:${id}`, state);
    const docId = `${ctx.accountId}:${id}`;
    const fields = { presence_id: id, status, updated_at: new Date().toISOString() };
    if (!(await ctx.data.update('manual_presence', docId, fields))) {
      // Two calls may create it at once: the loser updates.
      await ctx.data.insert('manual_presence', docId, fields).catch(() => ctx.data.update('manual_presence', docId, fields));
    }
    return next(`Custom:${id} ${state}`);
  },
};

export default definition;
