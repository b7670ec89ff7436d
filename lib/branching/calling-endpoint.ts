// The calling endpoint's documents (device, its owner, the account) and Kazoo's merge of them
// (reference §3.3), for modules that decide by the caller's settings: branch_variable scopes,
// privacy's endpoint merge, dynamic_cid's call restrictions.
import type { CallContext } from '../engine/module.ts';
import { classifyNumber } from '../validation/numbers.ts';

type Doc = Record<string, unknown>;

export interface CallingEndpoint {
  device?: Doc;
  user?: Doc;
  account?: Doc;
}

function isObject(v: unknown): v is Doc {
  return !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);
}

/** The device's owner: a hot-desked user if any (first of hotdesk.users), else owner_id. */
export function ownerIdOf(device: Doc | undefined): string | undefined {
  if (!device) return undefined;
  const hot = isObject(device.hotdesk) && isObject(device.hotdesk.users) ? Object.keys(device.hotdesk.users) : [];
  if (hot.length) return hot[0];
  return typeof device.owner_id === 'string' && device.owner_id ? device.owner_id : undefined;
}

export async function callingEndpoint(ctx: CallContext): Promise<CallingEndpoint> {
  const deviceId = typeof ctx.attributes.device_id === 'string' ? ctx.attributes.device_id : undefined;
  const [device, account] = await Promise.all([
    deviceId ? ctx.data.get<Doc>('devices', deviceId) : undefined,
    ctx.data.get<Doc>('accounts', ctx.accountId),
  ]);
  const ownerId = (typeof ctx.attributes.owner_id === 'string' && ctx.attributes.owner_id) || ownerIdOf(device);
  const user = ownerId ? await ctx.data.get<Doc>('users', ownerId) : undefined;
  return { device, user, account };
}

/** Recursive merge, later sources win; empty strings never override (Kazoo's merge of endpoint attributes). */
export function deepMerge(...sources: (Doc | undefined)[]): Doc {
  const out: Doc = {};
  for (const src of sources) {
    if (!src) continue;
    for (const [k, v] of Object.entries(src)) {
      if (k === '_id' || k.startsWith('pvt_')) continue;
      if (v === '' || v === undefined || v === null) continue;
      out[k] = isObject(v) && isObject(out[k]) ? deepMerge(out[k] as Doc, v) : v;
    }
  }
  return out;
}

/** The merged endpoint: account → device → user (user wins). */
export function mergedEndpoint(ep: CallingEndpoint): Doc {
  return deepMerge(ep.account, ep.device, ep.user);
}

function action(doc: Doc | undefined, cls: string): string | undefined {
  const r = doc && isObject(doc.call_restriction) ? doc.call_restriction[cls] : undefined;
  return isObject(r) && typeof r.action === 'string' ? r.action : undefined;
}

/**
 * Kazoo's call_restriction merge for one number class: `deny` on the account or the user denies;
 * else an explicit `allow` on the user wins; else the device's own value (`inherit`/absent = allowed).
 */
export function isRestricted(ep: CallingEndpoint, number: string): boolean {
  const cls = classifyNumber(number);
  if (action(ep.account, cls) === 'deny' || action(ep.user, cls) === 'deny') return true;
  if (action(ep.user, cls) === 'allow') return false;
  return action(ep.device, cls) === 'deny';
}
