// Ring group members → the devices to ring (reference §2.1 ring_group "resolution rules"): members switched
// off by ring_group_toggle (`disable_until` in the future) are skipped, a user stands for their devices, a
// group for its members (recursively), each device keeping its member's delay and timeout. The caller's own
// device is removed and a device reached twice with the same (delay, timeout) rings once.
import { gregorianNow } from '../accounts/secrets.ts';
import { int, isUsable, obj, text, type Doc } from '../legs/documents.ts';
import type { Directory } from '../legs/load.ts';

export type MemberType = 'device' | 'user' | 'group';

/** One entry of a ring group's `endpoints` (or a group document's member, normalised). */
export interface Member {
  id: string;
  endpoint_type?: MemberType | string;
  delay?: number;
  timeout?: number;
  weight?: number;
  disable_until?: number;
}

/** One device to ring and for how long. */
export interface Target {
  deviceId: string;
  delaySec: number;
  timeoutSec: number;
}

/** A member's default ring time (Kazoo's ring group member default). */
export const MEMBER_TIMEOUT_S = 20;
/** Groups inside groups: deeper nesting (or a cycle) is not followed. */
const MAX_GROUP_DEPTH = 5;

/** A stored member, or a bare id (legacy `group` data): undefined when it has no id. */
export function toMember(raw: unknown): Member | undefined {
  if (typeof raw === 'string') return raw.trim() ? { id: raw.trim(), endpoint_type: 'device' } : undefined;
  const o = obj(raw);
  const id = text(o?.id);
  if (!o || !id) return undefined;
  const m: Member = { id, endpoint_type: text(o.endpoint_type) ?? 'device' };
  if (o.delay !== undefined) m.delay = int(o.delay, 0);
  if (o.timeout !== undefined) m.timeout = int(o.timeout, MEMBER_TIMEOUT_S);
  if (o.weight !== undefined) m.weight = int(o.weight, 20);
  if (o.disable_until !== undefined) m.disable_until = int(o.disable_until, 0);
  return m;
}

/**
 * A group document's members as ring group members. Each inherits the referring member's delay and timeout
 * unless its entry has its own. With `single`, Kazoo orders them by weight, drops those without a weight and
 * keeps one per weight; otherwise they come in document order.
 */
export function groupMembers(group: Record<string, unknown>, parent: Pick<Member, 'delay' | 'timeout'>, strategy: string): Member[] {
  const entries = Object.entries(obj(group.endpoints) ?? {}).flatMap(([id, raw]) => {
    const e = obj(raw) ?? {};
    const m: Member = { id, endpoint_type: text(e.type) ?? 'device' };
    const delay = e.delay !== undefined ? int(e.delay, 0) : parent.delay;
    const timeout = e.timeout !== undefined ? int(e.timeout, MEMBER_TIMEOUT_S) : parent.timeout;
    if (delay !== undefined) m.delay = delay;
    if (timeout !== undefined) m.timeout = timeout;
    if (e.weight !== undefined) m.weight = int(e.weight, 0);
    return id ? [m] : [];
  });
  if (strategy !== 'single') return entries;
  const byWeight = new Map<number, Member>();
  for (const m of entries) if (m.weight !== undefined) byWeight.set(m.weight, m);
  return [...byWeight.entries()].sort((a, b) => a[0] - b[0]).map(([, m]) => m);
}

/** Removes the caller's device and repeated (device, delay, timeout) entries, keeping the first. */
export function dedupeTargets(targets: readonly Target[], callerDeviceId?: string): Target[] {
  const seen = new Set<string>();
  const out: Target[] = [];
  for (const t of targets) {
    if (t.deviceId === callerDeviceId) continue;
    const key = `${t.deviceId}|${t.delaySec}|${t.timeoutSec}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(t);
  }
  return out;
}

/** Simultaneous ringing starts legs in order of their delay (stable). */
export function sortByDelay(targets: readonly Target[]): Target[] {
  return targets
    .map((t, i) => ({ t, i }))
    .sort((a, b) => a.t.delaySec - b.t.delaySec || a.i - b.i)
    .map((x) => x.t);
}

/** Whether ring_group_toggle has switched the member off for now. */
export function isDisabledNow(member: Member, nowGregorian = gregorianNow()): boolean {
  return member.disable_until !== undefined && member.disable_until > nowGregorian;
}

/** Expands members (in the given order) into the devices to ring. */
export async function resolveMembers(
  members: readonly Member[],
  opts: { strategy: string; callerDeviceId?: string },
  dir: Directory,
): Promise<Target[]> {
  const now = gregorianNow();
  const targets: Target[] = [];
  const expand = async (list: readonly Member[], depth: number, groups: Set<string>): Promise<void> => {
    for (const m of list) {
      if (isDisabledNow(m, now)) continue;
      const delaySec = Math.max(0, m.delay ?? 0);
      const timeoutSec = m.timeout !== undefined && m.timeout > 0 ? m.timeout : MEMBER_TIMEOUT_S;
      const type = m.endpoint_type ?? 'device';
      if (type === 'device') {
        targets.push({ deviceId: m.id, delaySec, timeoutSec });
      } else if (type === 'user') {
        if (!(await dir.user(m.id))) continue;
        for (const d of await dir.ownedDevices(m.id)) targets.push({ deviceId: String(d._id), delaySec, timeoutSec });
      } else if (type === 'group') {
        if (depth >= MAX_GROUP_DEPTH || groups.has(m.id)) continue;
        const group: Doc | undefined = await dir.group(m.id);
        if (!group || !isUsable(group)) continue;
        await expand(groupMembers(group, { delay: m.delay, timeout: m.timeout }, opts.strategy), depth + 1, new Set([...groups, m.id]));
      }
    }
  };
  await expand(members, 0, new Set());
  return dedupeTargets(targets, opts.callerDeviceId);
}
