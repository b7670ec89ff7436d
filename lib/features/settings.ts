// Pure rules of the self-service feature codes (reference §2.5): what an action makes of a stored on/off
// setting, which ring group members a ring_group_toggle changes, how manual_presence names its lamp.
import type { DeviceState } from '../callcontrol/port.ts';
import type { CallflowNode } from '../engine/module.ts';

export type OnOffAction = 'activate' | 'deactivate' | 'toggle';

/** The new value of an on/off setting (DND, call waiting); undefined for an unknown action. */
export function applyOnOff(action: unknown, current: boolean): boolean | undefined {
  if (action === 'activate') return true;
  if (action === 'deactivate') return false;
  if (action === 'toggle') return !current;
  return undefined;
}

/** Kazoo's `disable_until` for a member that logged out of a ring group: 66269664000 s (Gregorian) ≈ year 2100. */
export const LOGGED_OUT_UNTIL = 66269664000;

export interface ToggleResult {
  flow: CallflowNode;
  /** ring_group members of the user that were found (and set). */
  changed: number;
}

function isNode(v: unknown): v is CallflowNode {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Kazoo cf_ring_group_toggle: every `ring_group` node of the flow, every member `{endpoint_type: "user", id:
 * userId}` gets `disable_until` 0 (login) or LOGGED_OUT_UNTIL (logout). Device and group members are not
 * touched (Kazoo supports users only). Returns a copy; the input is not changed.
 */
export function toggleRingGroupMember(flow: CallflowNode, userId: string, action: 'login' | 'logout'): ToggleResult {
  let changed = 0;
  const until = action === 'login' ? 0 : LOGGED_OUT_UNTIL;
  const walk = (node: CallflowNode): CallflowNode => {
    const out: CallflowNode = { ...node };
    if (node.module === 'ring_group' && isNode(node.data) && Array.isArray(node.data.endpoints)) {
      out.data = {
        ...node.data,
        endpoints: node.data.endpoints.map((m: unknown) => {
          if (!isNode(m) || m.endpoint_type !== 'user' || m.id !== userId) return m;
          changed++;
          return { ...m, disable_until: until };
        }),
      };
    }
    if (isNode(node.children)) {
      const children: Record<string, CallflowNode> = {};
      for (const [k, c] of Object.entries(node.children)) children[k] = isNode(c) ? walk(c) : c;
      out.children = children;
    }
    return out;
  };
  return { flow: walk(flow), changed };
}

/** manual_presence's status → the device state a BLF lamp shows (Kazoo: idle/ringing/busy = terminated/early/confirmed). */
export function presenceState(status: unknown): DeviceState {
  if (status === 'ringing') return 'RINGING';
  if (status === 'busy') return 'INUSE';
  return 'NOT_INUSE';
}

/** `user@realm`: a presence id without a realm gets the account's (Kazoo); undefined when it is unusable. */
export function presenceId(id: string | undefined, realm: string | undefined): string | undefined {
  const v = id?.trim();
  if (!v) return undefined;
  const full = v.includes('@') || !realm ? v : `${v}@${realm}`;
  return /^[A-Za-z0-9_.+*#:-]{1,80}(@[A-Za-z0-9_.-]{1,80})?$/.test(full) ? full : undefined;
}

/** The interdigit timeout in ms: Kazoo's code reads ms, its schema says seconds; small values are seconds. */
export function interdigitMs(v: unknown, fallbackMs = 2000): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) return fallbackMs;
  return n <= 60 ? Math.round(n * 1000) : Math.round(n);
}
