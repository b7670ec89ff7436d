// Call waiting (reference §3.4 step 5, Kazoo's call_waiting): a device whose merged `call_waiting.enabled` is
// false does not get a second call while its user (or, without a user, the device itself) is already on a
// call — its leg is answered "486 Busy Here" instead, so the bridge fails USER_BUSY like a phone that rejects
// (a `USER_BUSY` child, fail_on_single_reject and `single` ring groups behave as with a real busy phone).
// "On a call" = one of the user's devices (owned or hot-desked) has a channel in Asterisk now.
import type { DialLeg } from '../callcontrol/port.ts';
import { obj, text, type Doc } from './documents.ts';
import type { Directory } from './load.ts';
import type { Endpoint } from './merge.ts';

/** A dial string that answers busy at once (asterisk/etc/extensions.conf, context ariflow-busy). */
export const BUSY_ENDPOINT = 'Local/s@ariflow-busy';

/** Asks the media server which PJSIP endpoints (device SIP user names) have a call now. */
export type InUse = (endpoints: readonly string[]) => Promise<string[]>;

function sipUser(device: Doc): string | undefined {
  return text(obj(device.sip)?.username);
}

/** The devices (ids) among `endpoints` that have call waiting off and whose user or device is busy now. */
export async function busyWithoutCallWaiting(dir: Directory, endpoints: readonly Endpoint[], inUse: InUse): Promise<Set<string>> {
  const out = new Set<string>();
  const candidates = endpoints.filter((e) => !e.callWaiting);
  if (!candidates.length) return out;
  // What to look at for each candidate: every device of its users, or itself when it has none.
  const watch = new Map<string, string[]>();
  const ownedCache = new Map<string, Promise<Doc[]>>();
  for (const e of candidates) {
    const devices: Doc[] = [e.device];
    for (const owner of e.owners) {
      let owned = ownedCache.get(owner);
      if (!owned) ownedCache.set(owner, (owned = dir.ownedDevices(owner)));
      devices.push(...(await owned));
    }
    watch.set(e.id, [...new Set(devices.map(sipUser).filter((u): u is string => !!u))]);
  }
  const busy = new Set(await inUse([...new Set([...watch.values()].flat())]));
  for (const [id, users] of watch) if (users.some((u) => busy.has(u))) out.add(id);
  return out;
}

/** The busy leg that stands for a device's own leg. */
export function busyLeg(leg: DialLeg): DialLeg {
  const { failover: _f, headers: _h, confirm: _c, ...rest } = leg;
  return { ...rest, endpoint: BUSY_ENDPOINT };
}
