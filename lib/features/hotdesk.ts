// Hot-desking (Kazoo cf_hotdesk): the user's profile (`hotdesk` of the user document), finding a user by the
// hot-desk id typed on the keypad, the PIN check, and moving the user onto / off devices (`hotdesk.users.<id>`
// of a device document makes the device ring for that user, lib/legs/documents.ts ownersOf).
import type { CallContext } from '../engine/module.ts';
import { isTrue, obj, text, type Doc } from '../legs/documents.ts';
import { prompt, SAFE_KEY } from './caller.ts';

/** Kazoo's callflow.hotdesk defaults. */
export const MAX_ATTEMPTS = 3;
export const MAX_PIN_LENGTH = 6;
export const MAX_ID_LENGTH = 10;
/** Kazoo's default collect timeout (first digit). */
export const COLLECT_TIMEOUT_MS = 5000;
const KEYS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#'];

export interface Profile {
  userId: string;
  enabled: boolean;
  pin?: string;
  requirePin: boolean;
  keepLoggedInElsewhere: boolean;
  /** Devices the user is hot-desked on now. */
  deviceIds: string[];
}

export async function hotdeskedDevices(ctx: CallContext, userId: string): Promise<Doc[]> {
  if (!SAFE_KEY.test(userId)) return [];
  const docs = await ctx.data.find<Doc>('devices', { [`hotdesk.users.${userId}`]: { $exists: true } });
  return docs.filter((d) => d.pvt_deleted !== true).sort((a, b) => (String(a._id) < String(b._id) ? -1 : 1));
}

export async function profileOf(ctx: CallContext, user: Doc): Promise<Profile> {
  const hd = obj(user.hotdesk) ?? {};
  const pin = text(hd.pin);
  return {
    userId: String(user._id),
    enabled: isTrue(hd.enabled),
    ...(pin ? { pin } : {}),
    requirePin: isTrue(hd.require_pin),
    keepLoggedInElsewhere: isTrue(hd.keep_logged_in_elsewhere),
    deviceIds: (await hotdeskedDevices(ctx, String(user._id))).map((d) => String(d._id)),
  };
}

/** The user whose `hotdesk.id` is `id` (exactly one), else undefined. */
export async function userByHotdeskId(ctx: CallContext, id: string): Promise<Doc | undefined> {
  const users = (await ctx.data.find<Doc>('users', { $or: [{ 'hotdesk.id': id }, { 'hotdesk.id': Number(id) }] }, 2)).filter((u) => u.pvt_deleted !== true);
  return users.length === 1 ? users[0] : undefined;
}

/**
 * Asks for the hot-desk id (`hotdesk-enter_id`, ≤10 digits) up to MAX_ATTEMPTS times; an empty entry or an
 * unknown id counts as an attempt (`hotdesk-invalid_entry` for unknown). After the last: `hotdesk-abort`.
 */
export async function askUser(ctx: CallContext, interdigitMs: number): Promise<Doc | undefined> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    await prompt(ctx, ['hotdesk-enter_id'], KEYS);
    const { digits } = await ctx.call.collectDigits({ maxDigits: MAX_ID_LENGTH, timeoutMs: COLLECT_TIMEOUT_MS, interdigitMs, terminators: ['#'] });
    if (!digits) continue;
    const user = await userByHotdeskId(ctx, digits);
    if (user) return user;
    await prompt(ctx, ['hotdesk-invalid_entry']);
  }
  await prompt(ctx, ['hotdesk-abort']);
  return undefined;
}

/** The PIN check of a login: true once the right PIN was entered, false after MAX_ATTEMPTS wrong ones. */
export async function checkPin(ctx: CallContext, profile: Profile, interdigitMs: number): Promise<boolean> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    await prompt(ctx, ['hotdesk-enter_pin'], KEYS);
    const { digits } = await ctx.call.collectDigits({ maxDigits: MAX_PIN_LENGTH, timeoutMs: COLLECT_TIMEOUT_MS, interdigitMs, terminators: ['#'] });
    // A profile that requires a PIN but has none can never be logged into (Kazoo compares with undefined).
    if (profile.pin !== undefined && digits === profile.pin) return true;
    await prompt(ctx, ['hotdesk-invalid_entry']);
  }
  await prompt(ctx, ['hotdesk-abort', 'vm-goodbye']);
  return false;
}

export async function addToDevice(ctx: CallContext, deviceId: string, userId: string): Promise<boolean> {
  const device = await ctx.data.get<Doc>('devices', deviceId);
  if (!device || device.pvt_deleted === true) return false;
  const hd = obj(device.hotdesk);
  if (hd && obj(hd.users)) return ctx.data.update('devices', deviceId, { [`hotdesk.users.${userId}`]: {} });
  return ctx.data.update('devices', deviceId, hd ? { 'hotdesk.users': { [userId]: {} } } : { hotdesk: { users: { [userId]: {} } } });
}

export async function removeFromDevices(ctx: CallContext, deviceIds: readonly string[], userId: string): Promise<void> {
  await Promise.all(deviceIds.map((id) => ctx.data.update('devices', id, { [`hotdesk.users.${userId}`]: undefined })));
}
