// The caller ID a new leg presents (reference §3.5, kz_attributes:caller_id): a call from a carrier keeps
// the caller's own number; a call placed by one of the account's devices shows dynamic_cid's choice, else
// the calling endpoint's configured caller ID (internal for the phones rung, external for a forward that
// leaves the caller's number behind), else the call's own. Then prepend_cid prefixes, set_cid rewrites and
// privacy apply, in the call's caller-ID state (lib/callerid/state.ts).
import type { CallerId, LegCallerId } from '../callcontrol/port.ts';
import { effectiveCallerId, type CallerIdState } from '../callerid/state.ts';
import type { CallerIds, PartyId } from './merge.ts';

export type CallerIdType = 'internal' | 'external';

/** The presence id's user part (`2001@realm` → `2001`), Kazoo's fallback for an internal number. */
function presenceUser(presenceId: string | undefined): string | undefined {
  const user = presenceId?.split('@')[0]?.trim();
  return user ? user : undefined;
}

/** The caller ID before prefixes, rewrites and privacy. */
export function baseCallerId(
  state: CallerIdState,
  type: CallerIdType,
  calling: { onnet: boolean; callerIds?: CallerIds; presenceId?: string },
): CallerId {
  if (!calling.onnet) return state.base;
  const configured: PartyId = calling.callerIds?.[type] ?? {};
  const number =
    state.dynamic?.number ?? configured.number ?? (type === 'internal' ? presenceUser(calling.presenceId) : undefined) ?? state.base.number;
  const name = state.dynamic?.name ?? configured.name ?? state.base.name;
  return { number, name };
}

/** The caller ID a leg presents: the base with the call's prefixes, rewrites and privacy applied. */
export function legCallerId(
  state: CallerIdState,
  type: CallerIdType,
  calling: { onnet: boolean; callerIds?: CallerIds; presenceId?: string },
): LegCallerId {
  const cid = effectiveCallerId({ ...state, base: baseCallerId(state, type, calling) });
  const leg: LegCallerId = { number: cid.number, name: cid.name };
  if (cid.numberPresentation === 'prohib' || cid.namePresentation === 'prohib') leg.hidden = true;
  return leg;
}
