// Parks the call in a slot, retrieves a parked call, or does either (auto / valet).
// Kazoo: cf_park, module name `park`.
import { child, next, stop, type CallContext, type ModuleDefinition, type Outcome } from '../lib/engine/module.ts';
import { deviceByEndpoint, firstFreeSlot, parkedState, parkerEndpoint, slotDevice, slotOf, slotPresenceId, slotTimers, writeSlot } from '../lib/crosscall/parking.ts';
import type { DeviceState } from '../lib/callcontrol/port.ts';
import { text } from '../lib/legs/documents.ts';
import { callerSide, Directory } from '../lib/legs/load.ts';
import { legsForDevices, ringLegs } from '../lib/ringing/ring.ts';
import { moduleData } from './schema-parts.ts';

const presenceType = { type: 'string', enum: ['early', 'confirmed', 'terminated'] };

async function prompt(ctx: CallContext, id: string): Promise<void> {
  await ctx.call.answer();
  await ctx.call.play(await ctx.media.resolve(id, ctx.language));
}

async function retrieve(ctx: CallContext, slot: string | undefined): Promise<Outcome> {
  const result = slot ? await ctx.call.retrieve({ lot: ctx.accountId, slot }) : { status: 'none' as const };
  if (result.status === 'none') {
    await prompt(ctx, 'park-no_caller');
    return next(`no call parked in ${slot ?? '(no slot)'}`);
  }
  ctx.attributes.call_bridged = true;
  return stop(`retrieved the call in slot ${slot}`);
}

/** The parked call's own way: wait in the slot, ring the parker back on timeout, re-park if nobody answers. */
async function park(ctx: CallContext, data: Record<string, unknown>, given: string | undefined): Promise<Outcome> {
  const lot = ctx.accountId;
  const slot = given ?? firstFreeSlot(ctx.call.parkedSlots(lot).map((s) => s.slot));
  const max = Number(data.max_slot_number);
  if (!given && max > 0 && Number(slot) > max) return child('MAX_SLOT_EXCEEDED', `slot ${slot} above ${max}`);
  const parking = await ctx.call.park({ lot, slot });
  if (!parking) {
    await prompt(ctx, 'park-already_in_use');
    return next(`slot ${slot} in use`);
  }
  const parker = await deviceByEndpoint(
    ctx,
    parkerEndpoint(await ctx.call.getVariable('BLINDTRANSFER').catch(() => undefined), await ctx.call.getVariable('PJSIP_HEADER(read,Referred-By)').catch(() => undefined)),
  );
  const timers = slotTimers(data, slot);
  ctx.attributes.parked_slot = slot;
  const account = await ctx.data.get<{ realm?: unknown }>('accounts', ctx.accountId);
  const presence = slotPresenceId(data, slot, ctx.call.dialed, ctx.captureGroup, text(account?.realm));
  // The slot's BLF lamp (a `Stasis:` device state: it can be reset after the parked call hung up).
  const lamp = (state: DeviceState) =>
    presence ? ctx.call.setDeviceState(slotDevice(presence), state).catch((err: Error) => ctx.logger.warn({ err: err.message, presence }, 'park slot lamp not updated')) : undefined;
  const entry = {
    call_id: ctx.call.id,
    slot,
    parked_at: new Date().toISOString(),
    caller_id_number: ctx.call.callerId.number,
    caller_id_name: ctx.call.callerId.name,
    ...(presence ? { presence_id: presence } : {}),
    ...(parker ? { ringback_id: String(parker._id) } : {}),
  };
  let lit = false;
  try {
    await writeSlot(ctx, slot, { ...entry, status: 'parked' });
    await lamp(parkedState(data, slot));
    lit = true;
    for (;;) {
      // Retrieved: the slot is free at once (the conversation goes on outside it).
      const freed = () => {
        lit = false;
        void writeSlot(ctx, slot, undefined).catch(() => {});
        void lamp('NOT_INUSE');
      };
      if ((await parking.wait(timers.ringbackMs, freed)) === 'retrieved') return stop(`retrieved from slot ${slot}`);
      // Kazoo: without a parker to ring back the call just stays parked.
      if (!parker) continue;
      const dir = new Directory(ctx.data, ctx.accountId);
      const timeoutSec = Math.max(1, Math.round(timers.callbackMs / 1000));
      const { legs } = await legsForDevices(dir, await callerSide(ctx, dir), [
        { deviceId: String(parker._id), props: { source: 'device', timeoutSec, delaySec: 0, canCallSelf: true, suppressClid: false } },
      ]);
      await writeSlot(ctx, slot, { ...entry, status: 'ringing_back' });
      const result = legs.length ? await ringLegs(ctx, legs, { strategy: 'simultaneous', timeoutSec, ringback: 'moh' }) : undefined;
      if (result?.status === 'answered') return stop(result.takenBy ? `retrieved from slot ${slot} while ringing back` : `parker ${text(parker._id)} answered the ring-back`);
      // Ring-back failed: the slot's child (e.g. voicemail) if there is one, else back into the slot.
      if (ctx.childKeys?.includes(slot)) return child(slot, `ring-back of slot ${slot} failed`);
      await writeSlot(ctx, slot, { ...entry, status: 'parked' });
    }
  } finally {
    // The lamp first: once the slot is left another call may take it (and light it).
    if (lit) await lamp('NOT_INUSE');
    parking.leave();
    await writeSlot(ctx, slot, undefined).catch((err: Error) => ctx.logger.warn({ err: err.message }, 'clearing a parking slot failed'));
  }
}

const definition: ModuleDefinition = {
  name: 'park',
  summary: 'Park/retrieve; a slot-number child runs when ringing back the parker fails.',
  schema: moduleData({
    action: { type: 'string', enum: ['park', 'retrieve', 'auto', 'direct_park'], default: 'park' },
    slot: { type: 'string', description: 'Slot number; default: capture group, else first free ≥ 101.' },
    slots: {
      type: 'object',
      default: {},
      additionalProperties: {
        type: 'object',
        properties: {
          ringback_timeout: { type: 'integer', minimum: 0 },
          callback_timeout: { type: 'integer', minimum: 0 },
          presence_id: { type: 'string' },
          presence_type: presenceType,
        },
      },
    },
    default_ringback_timeout: { type: 'integer', minimum: 0, default: 120000, description: 'ms' },
    default_callback_timeout: { type: 'integer', minimum: 0, default: 30000, description: 'ms' },
    default_presence_type: { ...presenceType, default: 'early', description: 'BLF lamp of an occupied slot: early = ringing, confirmed = in use, terminated = idle.' },
    presence_id: { type: 'string', description: 'With custom_presence_id: the BLF identity of the slot (device state Stasis:<id>@<realm>).' },
    custom_presence_id: { type: 'boolean', default: false, description: 'Use presence_id; else <number dialled without the slot><slot>@<realm>.' },
    max_slot_number: { type: 'integer', minimum: 1 },
  }),
  children: ['*', 'MAX_SLOT_EXCEEDED'],
  implemented: true,
  async run(ctx, data) {
    const slot = slotOf(data, ctx.captureGroup);
    const action = String(data.action ?? 'park');
    if (action === 'retrieve') return retrieve(ctx, slot);
    if (action === 'auto' && slot && ctx.call.parkedSlots(ctx.accountId).some((s) => s.slot === slot)) return retrieve(ctx, slot);
    // park, direct_park, auto on a free slot: this call is the one parked (a blind transfer to the park
    // number brings the transferred party here).
    return park(ctx, data, slot);
  },
};

export default definition;
