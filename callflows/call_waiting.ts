// Feature code that turns server-side call waiting on or off for the caller.
// Kazoo: cf_call_waiting, module name `call_waiting`.
import { next, stop, type ModuleDefinition } from '../lib/engine/module.ts';
import { answer, callingParty, prompt, saveSetting, targetName, type Target } from '../lib/features/caller.ts';
import { applyOnOff } from '../lib/features/settings.ts';
import { flag, obj } from '../lib/legs/documents.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'call_waiting',
  summary: 'Activate, deactivate or toggle call waiting on the calling device or its owner.',
  schema: moduleData({
    action: { type: 'string', enum: ['activate', 'deactivate', 'toggle'], default: 'toggle' },
    scope: { type: 'string', enum: ['device', 'user'], default: 'device' },
  }),
  children: ['_'],
  implemented: true,
  async run(ctx, data) {
    const party = await callingParty(ctx);
    const target: Target | undefined =
      data.scope === 'user'
        ? party.owner && { collection: 'users', doc: party.owner }
        : party.device && { collection: 'devices', doc: party.device };
    await answer(ctx);
    if (!target) {
      await prompt(ctx, ['cw-not_available']);
      return stop(`no calling ${data.scope === 'user' ? 'user' : 'device'}`);
    }
    // Absent means enabled (a phone takes a second call unless told otherwise).
    const current = flag(obj(target.doc.call_waiting)?.enabled, true);
    const enabled = applyOnOff(data.action ?? 'toggle', current);
    if (enabled === undefined || !(await saveSetting(ctx, target, 'call_waiting', { enabled }))) {
      await prompt(ctx, ['cw-not_available']);
      return next(enabled === undefined ? `unknown action ${String(data.action)}` : 'document gone');
    }
    await prompt(ctx, [enabled ? 'cw-activated' : 'cw-deactivated']);
    return next(`call_waiting ${enabled ? 'on' : 'off'} for ${targetName(target)}`);
  },
};

export default definition;
