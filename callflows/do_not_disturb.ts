// Feature code that switches do-not-disturb on/off for a user or device.
// Kazoo: cf_do_not_disturb, module name `do_not_disturb`.
import { next, stop, type ModuleDefinition } from '../lib/engine/module.ts';
import { answer, callingParty, ownerElseDevice, prompt, saveSetting, targetName, userOrDevice, type Target } from '../lib/features/caller.ts';
import { applyOnOff } from '../lib/features/settings.ts';
import { isTrue, obj, text } from '../lib/legs/documents.ts';
import { docId, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'do_not_disturb',
  summary: 'Activate, deactivate or toggle DND on data.id, else the caller\'s owner, else the device.',
  schema: moduleData({
    action: { type: 'string', enum: ['activate', 'deactivate', 'toggle'] },
    id: { ...docId, description: 'User or device id.' },
  }),
  children: ['_'],
  implemented: true,
  async run(ctx, data) {
    // Target order: data.id (a user or a device) → the caller's owner → the calling device.
    const id = text(data.id);
    let target: Target | undefined = id ? await userOrDevice(ctx, id) : undefined;
    target ??= ownerElseDevice(await callingParty(ctx));
    await answer(ctx);
    if (!target) {
      await prompt(ctx, ['dnd-not_available']);
      return stop('no user or device to act on');
    }
    const current = isTrue(obj(target.doc.do_not_disturb)?.enabled);
    const enabled = applyOnOff(data.action, current);
    if (enabled === undefined) {
      await prompt(ctx, ['dnd-not_available']);
      return next(`unknown action ${String(data.action)}`);
    }
    // Saved straight into the document: every ringing module reads it on its next call (no cache between).
    if (!(await saveSetting(ctx, target, 'do_not_disturb', { enabled }))) {
      await prompt(ctx, ['dnd-not_available']);
      return stop(`${target.collection} ${target.doc._id} is gone`);
    }
    await prompt(ctx, [enabled ? 'dnd-activated' : 'dnd-deactivated']);
    return next(`do_not_disturb ${enabled ? 'on' : 'off'} for ${targetName(target)}`);
  },
};

export default definition;
