// Who a feature code acts on (reference §2.5): the calling device (the call was placed by a registered
// phone: ctx.attributes.device_id) and its owner (a hot-desked user, else owner_id); plus writing one
// sub-object of a user or device document and playing Kazoo prompts.
import type { CallContext } from '../engine/module.ts';
import { ownerIdOf } from '../branching/calling-endpoint.ts';
import { isUsable, obj, type Doc } from '../legs/documents.ts';

export interface Target {
  collection: 'users' | 'devices';
  doc: Doc;
}

export interface CallingParty {
  device?: Doc;
  owner?: Doc;
}

/** A document id safe in a dotted update path (`hotdesk.users.<id>`). */
export const SAFE_KEY = /^[A-Za-z0-9_-]{1,128}$/;

export async function callingParty(ctx: CallContext): Promise<CallingParty> {
  const deviceId = typeof ctx.attributes.device_id === 'string' ? ctx.attributes.device_id : undefined;
  const device = deviceId ? await ctx.data.get<Doc>('devices', deviceId) : undefined;
  const usableDevice = device && device.pvt_deleted !== true ? device : undefined;
  const ownerId = (typeof ctx.attributes.owner_id === 'string' && ctx.attributes.owner_id) || ownerIdOf(usableDevice);
  const owner = ownerId ? await ctx.data.get<Doc>('users', ownerId) : undefined;
  return { ...(usableDevice ? { device: usableDevice } : {}), ...(isUsable(owner) ? { owner } : {}) };
}

/** The caller's owner (user) if any, else the calling device: Kazoo's target for call_forward and do_not_disturb. */
export function ownerElseDevice(party: CallingParty): Target | undefined {
  if (party.owner) return { collection: 'users', doc: party.owner };
  if (party.device) return { collection: 'devices', doc: party.device };
  return undefined;
}

/** `user <id>` / `device <id>`: names the target in a trace's reason. */
export function targetName(target: Target): string {
  return `${target.collection === 'users' ? 'user' : 'device'} ${String(target.doc._id)}`;
}

/** A user or device by id (do_not_disturb's data.id may name either). */
export async function userOrDevice(ctx: CallContext, id: string): Promise<Target | undefined> {
  const user = await ctx.data.get<Doc>('users', id);
  if (user && user.pvt_deleted !== true) return { collection: 'users', doc: user };
  const device = await ctx.data.get<Doc>('devices', id);
  if (device && device.pvt_deleted !== true) return { collection: 'devices', doc: device };
  return undefined;
}

/**
 * Sets fields of one sub-object (`do_not_disturb`, `call_forward`...) of a document, keeping its other fields.
 * A sub-object that is not an object (null, a string from an odd import) is replaced as a whole.
 */
export async function saveSetting(ctx: CallContext, target: Target, key: string, fields: Record<string, unknown>): Promise<boolean> {
  const current = obj(target.doc[key]);
  const set: Record<string, unknown> = current
    ? Object.fromEntries(Object.entries(fields).map(([k, v]) => [`${key}.${k}`, v]))
    : { [key]: fields };
  return ctx.data.update(target.collection, String(target.doc._id), set);
}

/** Plays Kazoo prompt ids (and already playable URIs such as `digits:123`) in order. */
export async function prompt(ctx: CallContext, ids: string[], terminators?: string[]): Promise<string | undefined> {
  const media: string[] = [];
  for (const id of ids) {
    if (/^[a-z]+:/.test(id)) media.push(id);
    else media.push(...(await ctx.media.resolve(id, ctx.language)));
  }
  if (!media.length) return undefined;
  const res = await ctx.call.play(media, terminators ? { terminators } : {});
  return res.digit;
}

/** Answers the call if it is not yet (feature codes talk to the caller). */
export async function answer(ctx: CallContext): Promise<void> {
  if (!ctx.call.isAnswered()) await ctx.call.answer();
}
