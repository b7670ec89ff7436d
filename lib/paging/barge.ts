// page_group's barge_calls. Kazoo hands it to FreeSWITCH as sip_auto_answer_suppress_notify = not barge_calls:
// with barging, a phone that is already on a call is asked to auto-answer the page as well (what it then does
// with the call it has is up to the phone); without, busy phones are left alone. Asterisk has no such switch,
// so the page does it itself: without barge_calls, a device whose SIP endpoint has a call now is not paged.
type Doc = Record<string, unknown>;

/** The PJSIP endpoint (sip.username) of a device, when it has one. */
export function sipUserOf(device: Doc | undefined): string | undefined {
  const sip = device?.sip;
  const user = sip && typeof sip === 'object' && !Array.isArray(sip) ? (sip as Doc).username : undefined;
  return typeof user === 'string' && user.trim() ? user.trim() : undefined;
}

/**
 * The legs to page: with barge, all of them; without, those whose device's endpoint is not in `busy`
 * (leg ids are device ids). The others are returned as skipped `busy`.
 */
export function leaveBusyAlone<L extends { id: string }>(
  legs: readonly L[],
  devices: ReadonlyMap<string, Doc>,
  busy: ReadonlySet<string>,
  barge: boolean,
): { legs: L[]; skipped: { id: string; reason: string }[] } {
  if (barge) return { legs: [...legs], skipped: [] };
  const out: { legs: L[]; skipped: { id: string; reason: string }[] } = { legs: [], skipped: [] };
  for (const leg of legs) {
    const user = sipUserOf(devices.get(leg.id));
    if (user && busy.has(user)) out.skipped.push({ id: leg.id, reason: 'busy' });
    else out.legs.push(leg);
  }
  return out;
}
