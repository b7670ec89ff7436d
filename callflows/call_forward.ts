// Feature code that switches the caller's call forwarding on/off or changes its number.
// Kazoo: cf_call_forward, module name `call_forward`.
import { next, stop, type ModuleDefinition } from '../lib/engine/module.ts';
import { answer, callingParty, ownerElseDevice, prompt, saveSetting, targetName } from '../lib/features/caller.ts';
import { activate, capturedNumber, deactivate, menu, toggle, update, type ForwardState } from '../lib/features/forward.ts';
import { isTrue, obj, text } from '../lib/legs/documents.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'call_forward',
  summary: 'Activate, deactivate, update, toggle or menu-edit call forwarding of the caller (owner, else device).',
  schema: moduleData({
    action: { type: 'string', enum: ['activate', 'deactivate', 'update', 'toggle', 'menu'] },
  }),
  children: ['_'],
  implemented: true,
  async run(ctx, data) {
    // Kazoo keeps the setting on the caller's user (so it covers all their phones), else on the device.
    const target = ownerElseDevice(await callingParty(ctx));
    if (!target) {
      await answer(ctx);
      await prompt(ctx, ['cf-not_available']);
      return stop('no user or device to act on');
    }
    await answer(ctx);
    const stored = obj(target.doc.call_forward);
    const cf: ForwardState = { enabled: isTrue(stored?.enabled), number: text(stored?.number) ?? '' };
    const capture = capturedNumber(ctx.captureGroup);
    let after: ForwardState;
    switch (data.action) {
      case 'activate':
        after = await activate(ctx, cf, capture);
        break;
      case 'deactivate':
        after = await deactivate(ctx, cf);
        break;
      case 'update':
        after = await update(ctx, cf, capture);
        break;
      case 'toggle':
        after = await toggle(ctx, cf, capture);
        break;
      case 'menu':
        after = await menu(ctx, cf, capture);
        break;
      default:
        return next(`unknown action ${String(data.action)}: nothing saved`);
    }
    if (after.enabled === cf.enabled && after.number === cf.number) return next('call forward unchanged');
    await saveSetting(ctx, target, 'call_forward', { enabled: after.enabled, number: after.number });
    return next(`call forward ${after.enabled ? `on to ${after.number}` : 'off'} for ${targetName(target)}`);
  },
};

export default definition;
