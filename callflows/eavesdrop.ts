// Listens in (or whispers / barges) on the active call of a device or user.
// Kazoo: cf_eavesdrop, module name `eavesdrop`.
import { stop, type ModuleDefinition } from '../lib/engine/module.ts';
import { refuse } from '../lib/crosscall/pickup.ts';
import { approved, resolveTarget } from '../lib/crosscall/targets.ts';
import type { EavesdropMode } from '../lib/callcontrol/port.ts';
import { approvalFields, docId, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'eavesdrop',
  summary: 'Eavesdrop on the target\'s call; an approval field is needed or the caller is refused.',
  schema: moduleData({
    device_id: docId,
    user_id: docId,
    ...approvalFields,
    // ariflow: Kazoo starts every eavesdrop listening and switches by DTMF on the media server; here the
    // mode is chosen by the node (a `*` code per mode).
    mode: { type: 'string', enum: ['listen', 'whisper', 'full'], default: 'listen', description: 'listen; whisper: the target device hears the eavesdropper; full: both parties do (barge).' },
  }),
  children: [],
  implemented: true,
  async run(ctx, data) {
    // Kazoo: without an approval field nobody may eavesdrop.
    if ((await approved(ctx, data)) !== true) return refuse(ctx, 'eavesdrop-no_channels', 'not permitted');
    const target = await resolveTarget(ctx, { device_id: data.device_id, user_id: data.user_id });
    if (!target || !target.deviceIds.length) return refuse(ctx, 'pickup-no_users', 'no target devices');
    const mode = (['listen', 'whisper', 'full'].includes(String(data.mode)) ? data.mode : 'listen') as EavesdropMode;
    const result = await ctx.call.eavesdrop(target, mode);
    if (result.status === 'none') return refuse(ctx, 'pickup-no_channels', 'no active call');
    return stop(`eavesdropped (${mode})`);
  },
};

export default definition;
