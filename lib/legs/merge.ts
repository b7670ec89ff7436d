// The "endpoint" Kazoo rings: a device's settings merged with its owner's and its account's
// (reference §3.3, kz_endpoint merge_attributes). Pure: the documents are loaded elsewhere.
import { flag, isTrue, obj, ownersOf, text, type Doc } from './documents.ts';

export interface PartyId {
  name?: string;
  number?: string;
}

export interface CallerIds {
  internal: PartyId;
  external: PartyId;
}

/** A device's effective call forwarding; flags absent from every document take the API's defaults. */
export interface Forwarding {
  enabled: boolean;
  number?: string;
  /** The forward replaces the phone (else both ring). */
  substitute: boolean;
  /** The answering party must press 1 (protects against a mobile's voicemail picking up). */
  requireKeypress: boolean;
  /** The forwarded leg shows the original caller (else the forwarding device's external caller ID). */
  keepCallerId: boolean;
  /** Only calls made to the device itself are forwarded (not ring group calls). */
  directCallsOnly: boolean;
  /** Forward only when the device is not registered. */
  failover: boolean;
}

export interface Endpoint {
  /** The device id. */
  id: string;
  device: Doc;
  /** The users it belongs to (hot-desked users, else its owner). */
  owners: string[];
  enabled: boolean;
  doNotDisturb: boolean;
  /** Merged call_waiting.enabled (account → user → device, the device wins; absent = on). */
  callWaiting: boolean;
  forward: Forwarding;
  callerId: CallerIds;
  ringtones: { internal?: string; external?: string };
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return true;
  const o = obj(v);
  return !!o && Object.keys(o).length === 0;
}

/** Kazoo's kz_json:merge_recursive with "empty values never override": later objects win. */
export function mergeRecursive(...layers: (Record<string, unknown> | undefined)[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer ?? {})) {
      if (isEmpty(value)) continue;
      const inner = obj(value);
      const current = obj(out[key]);
      out[key] = inner && current ? mergeRecursive(current, inner) : inner ? mergeRecursive(inner) : value;
    }
  }
  return out;
}

function party(v: unknown): PartyId {
  const o = obj(v);
  const id: PartyId = {};
  const name = text(o?.name);
  const number = text(o?.number);
  if (name !== undefined) id.name = name;
  if (number !== undefined) id.number = number;
  return id;
}

/** "First Last", or whichever is set (kz_endpoint create_endpoint_name). */
export function userName(user: Record<string, unknown> | undefined): string | undefined {
  const first = text(user?.first_name);
  const last = text(user?.last_name);
  if (first && last) return `${first} ${last}`;
  return first ?? last;
}

function callerIds(device: Doc, owner: Doc | undefined, account: Record<string, unknown> | undefined): CallerIds {
  const accountCid = obj(account?.caller_id);
  const deviceCid = obj(device.caller_id);
  // A user without an internal caller-ID name is known by their name.
  let ownerCid = obj(owner?.caller_id);
  const fullName = userName(owner);
  if (owner && !text(obj(ownerCid?.internal)?.name) && fullName) {
    ownerCid = mergeRecursive(ownerCid, { internal: { name: fullName } });
  }
  const merged = isTrue(account?.prefer_device_caller_id)
    ? mergeRecursive(accountCid, ownerCid, deviceCid)
    : mergeRecursive(accountCid, deviceCid, ownerCid);
  return { internal: party(merged.internal), external: party(merged.external) };
}

function forwarding(device: Doc, owner: Doc | undefined, account: Record<string, unknown> | undefined): Forwarding {
  const own = obj(device.call_forward);
  // The device's own forward, when enabled, is used as it is; otherwise the user's (then the device's,
  // then the account's) settings apply, so a user's forward covers all their devices.
  const cf = isTrue(own?.enabled) ? own! : { ...obj(account?.call_forward), ...own, ...obj(owner?.call_forward) };
  const number = text(cf.number);
  // Defaults are Kazoo's API schema defaults: what any device saved through Kazoo carries.
  return {
    enabled: isTrue(cf.enabled),
    ...(number !== undefined ? { number } : {}),
    substitute: flag(cf.substitute, true),
    requireKeypress: flag(cf.require_keypress, true),
    keepCallerId: flag(cf.keep_caller_id, true),
    directCallsOnly: flag(cf.direct_calls_only, false),
    failover: flag(cf.failover, false),
  };
}

/** Kazoo merges call_waiting account → user → device: the most specific document that says wins. */
function callWaitingOf(device: Doc, owner: Doc | undefined, account: Record<string, unknown> | undefined): boolean {
  for (const d of [device, owner, account]) {
    const v = obj(d?.call_waiting)?.enabled;
    if (v === true || v === 'true') return true;
    if (v === false || v === 'false') return false;
  }
  return true;
}

/** Merges a device with its owner (hot-desked user or owner_id) and its account. */
export function mergeEndpoint(device: Doc, owner: Doc | undefined, account: Record<string, unknown> | undefined): Endpoint {
  const dnd = (d: Record<string, unknown> | undefined) => isTrue(obj(d?.do_not_disturb)?.enabled);
  const ringtones = mergeRecursive(obj(account?.ringtones), obj(device.ringtones), obj(owner?.ringtones));
  const internal = text(ringtones.internal);
  const external = text(ringtones.external);
  return {
    id: device._id,
    device,
    owners: ownersOf(device),
    enabled: !isTrue(device.pvt_deleted) && flag(device.enabled, true),
    doNotDisturb: dnd(account) || dnd(owner) || dnd(device),
    callWaiting: callWaitingOf(device, owner, account),
    forward: forwarding(device, owner, account),
    callerId: callerIds(device, owner, account),
    ringtones: { ...(internal ? { internal } : {}), ...(external ? { external } : {}) },
  };
}
