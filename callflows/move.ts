// Moves the caller's owner's other active call onto the calling device.
// Kazoo: cf_move, module name `move`.
import { stop, type ModuleDefinition } from '../lib/engine/module.ts';
import { refuse } from '../lib/crosscall/pickup.ts';
import { callingDevice, callTarget } from '../lib/crosscall/targets.ts';
import { Directory } from '../lib/legs/load.ts';
import { moduleData } from './schema-parts.ts';

const definition: ModuleDefinition = {
  name: 'move',
  summary: 'Pull the owner\'s single other active call to this device.',
  schema: moduleData(),
  children: [],
  implemented: true,
  async run(ctx) {
    const caller = await callingDevice(ctx);
    const ownerId = caller.ownerIds.length === 1 ? caller.ownerIds[0] : undefined;
    if (!caller.device || !ownerId) return refuse(ctx, 'cf-move-no_owner', 'calling device has no owner');
    const callerDeviceId = String(caller.device._id);
    const others = (await new Directory(ctx.data, ctx.accountId).ownedDevices(ownerId)).filter((d) => String(d._id) !== callerDeviceId);
    const target = callTarget(others);
    const { answered } = ctx.call.activity(target);
    if (answered === 0) return refuse(ctx, 'cf-move-no_channel', 'owner has no other active call');
    if (answered > 1) return refuse(ctx, 'cf-move-too_many_channels', `owner has ${answered} active calls`);
    // The calling device takes the place of the owner's other device in that conversation.
    const result = await ctx.call.pickup(target, { answered: true, ringing: false });
    if (result.status === 'none') return refuse(ctx, 'cf-move-no_channel', 'the call could not be moved');
    ctx.attributes.call_bridged = true;
    ctx.attributes.bridged_to = result.callId;
    return stop(`moved call ${result.callId} (${result.side} side)`);
  },
};

export default definition;
