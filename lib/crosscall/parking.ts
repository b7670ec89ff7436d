// Parking slots (Kazoo cf_park): which slot a park takes, the per-slot timers, who parked the call (rung back
// on timeout), and the account's `parked_calls` document that shows the slots (Kazoo keeps one too).
import type { DeviceState } from '../callcontrol/port.ts';
import type { CallContext } from '../engine/module.ts';
import { presenceId } from '../features/settings.ts';
import { int, obj, text, type Doc } from '../legs/documents.ts';

/** Kazoo's first automatically allocated slot. */
export const FIRST_SLOT = 101;
/** The collection of the per-account parked-calls document (its id is the account id). */
export const PARKED_CALLS = 'parked_calls';

/** The lowest free slot number ≥ 101 (occupied: the slots calls hold now). */
export function firstFreeSlot(occupied: readonly string[]): string {
  const taken = new Set(occupied);
  let n = FIRST_SLOT;
  while (taken.has(String(n))) n++;
  return String(n);
}

export interface SlotTimers {
  /** ms parked before the parker is rung back. */
  ringbackMs: number;
  /** ms the parker is rung. */
  callbackMs: number;
}

/** The timers of a slot: its own entry in `slots`, else the node's defaults (Kazoo: 120 s / 30 s). */
export function slotTimers(data: Record<string, unknown>, slot: string): SlotTimers {
  const own = obj(obj(data.slots)?.[slot]) ?? {};
  return {
    ringbackMs: int(own.ringback_timeout, int(data.default_ringback_timeout, 120000)),
    callbackMs: int(own.callback_timeout, int(data.default_callback_timeout, 30000)),
  };
}

/**
 * The PJSIP endpoint of the phone that parked the call: Asterisk's BLINDTRANSFER (the transferring
 * channel, `PJSIP/<endpoint>-<seq>`) or a Referred-By header (`<sip:user@host>`), Kazoo's Referred-By.
 */
export function parkerEndpoint(blindTransfer: string | undefined, referredBy: string | undefined): string | undefined {
  const chan = blindTransfer?.match(/^PJSIP\/(.+)-[0-9a-f]+$/);
  if (chan) return chan[1];
  const uri = referredBy?.match(/sips?:([^@;>]+)@/);
  return uri?.[1];
}

/** The device with this SIP user name. */
export async function deviceByEndpoint(ctx: CallContext, endpoint: string | undefined): Promise<Doc | undefined> {
  if (!endpoint) return undefined;
  const [d] = await ctx.data.find<Doc>('devices', { 'sip.username': endpoint }, 1);
  return d && !d.pvt_deleted ? d : undefined;
}

/**
 * Records (or with `undefined` removes) this call's slot in the account's parked_calls document; a removal
 * leaves the slot alone once another call holds it.
 */
export async function writeSlot(ctx: CallContext, slot: string, entry: Record<string, unknown> | undefined): Promise<void> {
  // increment() creates the document when it is missing, atomically.
  await ctx.data.increment(PARKED_CALLS, ctx.accountId, 'revision');
  const where = entry === undefined ? { [`slots.${slot}.call_id`]: ctx.call.id } : {};
  await ctx.data.update(PARKED_CALLS, ctx.accountId, { [`slots.${slot}`]: entry }, where);
}

export function slotOf(data: Record<string, unknown>, capture: string | undefined): string | undefined {
  const s = text(data.slot) ?? capture;
  return s && /^[0-9A-Za-z*#+_-]{1,32}$/.test(s) ? s : undefined;
}

/**
 * The BLF identity of a slot (Kazoo: "`<request user><slot>` or presence_id"): the slot's own
 * `slots.<slot>.presence_id`, else with `custom_presence_id` the node's `presence_id`, else the number
 * dialled without the captured slot, followed by the slot (`*3` + `101`: a BLF key on `*3101` both watches
 * slot 101 and, pressed, retrieves it). Without `@realm` the account's realm is added; undefined when unusable.
 */
export function slotPresenceId(data: Record<string, unknown>, slot: string, dialed: string, capture: string | undefined, realm: string | undefined): string | undefined {
  const own = text(obj(obj(data.slots)?.[slot])?.presence_id);
  const custom = data.custom_presence_id === true ? text(data.presence_id) : undefined;
  const prefix = capture && dialed.endsWith(capture) ? dialed.slice(0, dialed.length - capture.length) : dialed;
  return presenceId(own ?? custom ?? `${prefix}${slot}`, realm);
}

/** The lamp of an occupied slot: its `presence_type`, else `default_presence_type` (Kazoo: early = ringing). */
export function parkedState(data: Record<string, unknown>, slot: string): DeviceState {
  const type = text(obj(obj(data.slots)?.[slot])?.presence_type) ?? text(data.default_presence_type) ?? 'early';
  return type === 'confirmed' ? 'INUSE' : type === 'terminated' ? 'NOT_INUSE' : 'RINGING';
}

/** The Asterisk device a slot's lamp is (hints watch it: `exten => *3101,hint,Stasis:*3101@realm`). */
export function slotDevice(presence: string): string {
  return `Stasis:${presence}`;
}
