// Whose calls a cross-call module acts on (pickup, intercept, eavesdrop, move, camping) and whether the
// calling device may (Kazoo's approved_device_id / approved_user_id / approved_group_id), from documents.
import type { CallTarget } from '../callcontrol/port.ts';
import type { CallContext, CallflowNode } from '../engine/module.ts';
import { obj, ownersOf, text, type Doc } from '../legs/documents.ts';
import { Directory } from '../legs/load.ts';

export interface TargetIds {
  device_id?: unknown;
  user_id?: unknown;
  group_id?: unknown;
}

export interface ResolvedTarget extends CallTarget {
  /** Which field decided (Kazoo: device_id > user_id > group_id). */
  by: 'device' | 'user' | 'group';
  /** The users the target devices belong to (intercept's same-owner rule). */
  ownerIds: string[];
}

/** The target devices as the port wants them: ids, and their PJSIP endpoints (sip.username). */
export function callTarget(devices: readonly Doc[]): CallTarget {
  const endpoints = devices.map((d) => text(obj(d.sip)?.username)).filter((u): u is string => !!u);
  return { deviceIds: devices.map((d) => String(d._id)), endpoints };
}

/** A group's devices: its device members, and the devices of its user members. */
export async function groupDevices(dir: Directory, groupId: string): Promise<Doc[] | undefined> {
  const group = await dir.group(groupId);
  if (!group) return undefined;
  const out = new Map<string, Doc>();
  const entries = Object.entries(obj(group.endpoints) ?? {});
  const deviceIds = entries.filter(([, e]) => (text(obj(e)?.type) ?? 'device') === 'device').map(([id]) => id);
  for (const d of (await dir.devices(deviceIds)).values()) out.set(String(d._id), d);
  for (const [id, e] of entries) {
    if (text(obj(e)?.type) !== 'user') continue;
    for (const d of await dir.ownedDevices(id)) out.set(String(d._id), d);
  }
  return [...out.values()];
}

/** The target of device_id > user_id > group_id; undefined when none is set or the document is missing. */
export async function resolveTarget(ctx: CallContext, ids: TargetIds): Promise<ResolvedTarget | undefined> {
  const dir = new Directory(ctx.data, ctx.accountId);
  const deviceId = text(ids.device_id);
  const userId = text(ids.user_id);
  const groupId = text(ids.group_id);
  let devices: Doc[] | undefined;
  let by: ResolvedTarget['by'];
  if (deviceId) {
    by = 'device';
    const d = (await dir.devices([deviceId])).get(deviceId);
    devices = d ? [d] : undefined;
  } else if (userId) {
    by = 'user';
    devices = (await dir.user(userId)) ? await dir.ownedDevices(userId) : undefined;
  } else if (groupId) {
    by = 'group';
    devices = await groupDevices(dir, groupId);
  } else return undefined;
  if (!devices) return undefined;
  const ownerIds = by === 'user' ? [userId!] : [...new Set(devices.flatMap((d) => ownersOf(d)))];
  return { ...callTarget(devices), by, ownerIds };
}

/** The calling device and its owners (calls placed by the account's phones). */
export async function callingDevice(ctx: CallContext): Promise<{ device?: Doc; ownerIds: string[] }> {
  const id = text(ctx.attributes.device_id);
  if (!id) return { ownerIds: [] };
  const device = (await new Directory(ctx.data, ctx.accountId).devices([id])).get(id);
  return device ? { device, ownerIds: ownersOf(device) } : { ownerIds: [] };
}

export interface Approval {
  approved_device_id?: unknown;
  approved_user_id?: unknown;
  approved_group_id?: unknown;
}

/**
 * Kazoo's approval check: the first of approved_device_id, approved_user_id, approved_group_id that is set
 * decides (the calling device is it / belongs to that user / it or its owner is in that group). Undefined
 * when none is set: each module then applies its own default.
 */
export async function approved(ctx: CallContext, a: Approval): Promise<boolean | undefined> {
  const deviceId = text(a.approved_device_id);
  const userId = text(a.approved_user_id);
  const groupId = text(a.approved_group_id);
  if (!deviceId && !userId && !groupId) return undefined;
  const caller = await callingDevice(ctx);
  const callerId = caller.device ? String(caller.device._id) : undefined;
  if (deviceId) return callerId === deviceId;
  if (userId) return caller.ownerIds.includes(userId);
  return inGroup(ctx, groupId!, callerId, caller.ownerIds);
}

/** Is the device, or one of its owners, a member of the group? */
export async function inGroup(ctx: CallContext, groupId: string, deviceId: string | undefined, ownerIds: readonly string[]): Promise<boolean> {
  if (!deviceId && !ownerIds.length) return false;
  const group = await new Directory(ctx.data, ctx.accountId).group(groupId);
  const members = obj(group?.endpoints) ?? {};
  return (deviceId !== undefined && deviceId in members) || ownerIds.some((o) => o in members);
}

/** A callflow node's `_`-chain, first node first (Kazoo follows `_` children only). */
export function underscoreChain(flow: CallflowNode | undefined, max = 50): CallflowNode[] {
  const out: CallflowNode[] = [];
  let node = flow;
  while (node && typeof node.module === 'string' && out.length < max) {
    out.push(node);
    node = node.children?._;
  }
  return out;
}

/** The callflow an extension number routes to (exact numbers, like Kazoo's feature-code lookup). */
export async function callflowFor(ctx: CallContext, number: string): Promise<Doc | undefined> {
  if (!number) return undefined;
  const [doc] = await ctx.data.find<Doc>('callflows', { numbers: number }, 1);
  return doc && !doc.pvt_deleted ? doc : undefined;
}

/**
 * The endpoint an extension stands for (Kazoo's feature codes): its callflow's first `device`, `user`,
 * `ring_group` (its first member) or `page_group` (its first member) following `_`; `kinds` narrows it.
 */
export function extensionEndpoint(flow: CallflowNode | undefined, kinds: readonly string[] = ['device', 'user', 'ring_group', 'page_group']): TargetIds | undefined {
  for (const node of underscoreChain(flow)) {
    if (!kinds.includes(node.module)) continue;
    const data = obj(node.data) ?? {};
    if (node.module === 'device') return text(data.id) ? { device_id: data.id } : undefined;
    if (node.module === 'user') return text(data.id) ? { user_id: data.id } : undefined;
    const endpoints = Array.isArray(data.endpoints) ? data.endpoints : [];
    const first = obj(endpoints[0]);
    const id = text(first?.id);
    if (!id) return undefined;
    const type = text(first?.endpoint_type) ?? 'device';
    return type === 'user' ? { user_id: id } : type === 'group' ? { group_id: id } : { device_id: id };
  }
  return undefined;
}

/** The target a feature code names: `extension` (through its callflow) or `device` (its SIP user name). */
export async function featureTarget(ctx: CallContext, type: string, capture: string | undefined, kinds?: readonly string[]): Promise<TargetIds | undefined> {
  if (!capture) return undefined;
  if (type === 'device') {
    const [d] = await ctx.data.find<Doc>('devices', { 'sip.username': capture }, 1);
    return d && !d.pvt_deleted ? { device_id: d._id } : undefined;
  }
  if (type !== 'extension') return undefined;
  const cf = await callflowFor(ctx, capture);
  return extensionEndpoint(cf?.flow as CallflowNode | undefined, kinds);
}

