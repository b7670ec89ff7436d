// Listens in (or whispers / barges) on the active call of a device or user.
// Kazoo: cf_eavesdrop, module name `eavesdrop`.
import { stop, type ModuleDefinition } from '../lib/engine/module.ts';
import { refuse } from '../lib/crosscall/pickup.ts';
import { approved, resolveTarget } from '../lib/crosscall/targets.ts';
import { EAVESDROP_MODES, startMode } from '../lib/crosscall/eavesdrop.ts';
import { approvalFields, docId, moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'eavesdrop',
  summary: 'Eavesdrop on the target\'s call; an approval field is needed or the caller is refused.',
  schema: moduleData({
    device_id: docId,
    user_id: docId,
    ...approvalFields,
    // ariflow: Kazoo always starts listening; `mode` is the starting mode. While eavesdropping the digits
    // switch it as on Kazoo's media server: 0 listen, 1 whisper to the other party, 2 whisper to the
    // target, 3 full (three-way); `*` moves to the target's next call (a user on several devices).
    mode: { type: 'string', enum: [...EAVESDROP_MODES], default: 'listen', description: 'Starting mode. listen; whisper: the target device hears the eavesdropper; whisper_other: the other party does; full: both do (barge). DTMF 0/1/2/3 switch listen/whisper_other/whisper/full; * moves to the target\'s next call.' },
  }),
  children: [],
  implemented: true,
  async run(ctx, data) {
    // Kazoo: without an approval field nobody may eavesdrop.
    if ((await approved(ctx, data)) !== true) return refuse(ctx, 'eavesdrop-no_channels', 'not permitted');
    const target = await resolveTarget(ctx, { device_id: data.device_id, user_id: data.user_id });
    if (!target || !target.deviceIds.length) return refuse(ctx, 'pickup-no_users', 'no target devices');
    const mode = startMode(data.mode);
    const result = await ctx.call.eavesdrop(target, mode);
    if (result.status === 'none') return refuse(ctx, 'pickup-no_channels', 'no active call');
    return stop(`eavesdropped (${(result.modes?.length ? result.modes : [mode]).join(' → ')})`);
  },
};

export default definition;
