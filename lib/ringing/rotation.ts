// round_robin (an ariflow strategy; Kazoo has none): where the next call to a ring group starts, kept in the
// database so it spreads calls evenly across calls, engine instances and restarts. One counter document per
// member list in the account's `ring_group_state` collection, advanced atomically ($inc) once per call.
import { createHash } from 'node:crypto';
import type { AccountData } from '../engine/module.ts';

export const ROTATION_COLLECTION = 'ring_group_state';

/**
 * The counter of a ring group, named by its members (type and id, in order): the same members share one
 * rotation wherever the group is used; editing the members starts a new one.
 */
export function rotationKey(accountId: string, members: readonly { id?: unknown; endpoint_type?: unknown }[]): string {
  const list = members.map((m) => `${String(m.endpoint_type ?? 'device')}:${String(m.id ?? '')}`).join(',');
  return `rr_${createHash('sha1').update(`${accountId}|${list}`).digest('hex')}`;
}

/** The position (0-based, ever increasing) this call takes in the rotation. */
export async function nextRotation(data: AccountData, key: string): Promise<number> {
  return (await data.increment(ROTATION_COLLECTION, key, 'calls')) - 1;
}
