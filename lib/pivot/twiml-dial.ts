// TwiML <Dial> (Kazoo kzt_twiml dial): <Number> goes out through the account's carriers (the system's when
// none of the account's takes it), <Sip> rings a SIP URI through the SIP URI endpoint, with Dial's `timeout`
// and `callerId`; the outcome becomes DialCallStatus / DialCallDuration / DialCallSid for the `action`
// request, or the next verb runs when there is no action (Twilio). Twilio rings every noun at once; here
// the <Sip> nouns ring together first, then each <Number> in order (carriers fail over one by one).
// <Conference> joins a conference of the account by name (the conference module's bridges).
import type { DialResult, LegCallerId } from '../callcontrol/port.ts';
import type { CallContext } from '../engine/module.ts';
import { dialOut } from '../carriers/outbound.ts';
import { SIP_OUT_ENDPOINT } from '../carriers/pjsip.ts';
import { callerSide, Directory } from '../legs/load.ts';
import { ringLegs } from '../ringing/ring.ts';
import { normalizeNumber, stripNumberFormatting } from '../validation/numbers.ts';
import { checkTarget, type AddressPolicy } from './address-policy.ts';
import { PivotFailure } from './failure.ts';
import type { SessionVars } from './params.ts';
import type { DialVerb } from './twiml.ts';

const SIP_URI = /^sips?:(?:([A-Za-z0-9+*#._~!$&'()=-]{1,64})@)?([A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?(;transport=(?:udp|tcp))?$/;

export interface SipTarget {
  uri: string;
  host: string;
  port: number;
}

/** A <Sip> noun's URI, checked (no spaces, headers or odd parameters reach the dial string); throws PivotFailure. */
export function parseSipUri(raw: string): SipTarget {
  const m = SIP_URI.exec(raw.trim());
  const port = m?.[3] ? Number(m[3]) : 5060;
  if (!m || port < 1 || port > 65535) throw new PivotFailure('invalid', `<Sip> needs a sip:user@host[:port] URI, got ${JSON.stringify(raw.slice(0, 120))}`);
  return { uri: raw.trim(), host: m[2].replace(/^\[|\]$/g, ''), port };
}

/** What can be refused about a Dial before the document runs (Conference, malformed or denied SIP targets). */
export async function checkDial(v: DialVerb, policy: AddressPolicy, signal: AbortSignal): Promise<void> {
  const conference = v.targets.find((t) => t.kind === 'conference');
  if (conference && !/^[\w .:@+-]{1,64}$/.test(conference.value.trim())) {
    throw new PivotFailure('invalid', `<Conference> needs a name of 1-64 letters, digits, spaces or ._:@+-, got ${JSON.stringify(conference.value.slice(0, 80))}`);
  }
  if (conference && v.targets.length > 1) throw new PivotFailure('invalid', '<Conference> cannot be combined with other Dial targets');
  for (const t of v.targets) {
    if (t.kind === 'number' && !/^\+?[0-9*#]{1,32}$/.test(stripNumberFormatting(t.value))) throw new PivotFailure('invalid', `<Number> ${JSON.stringify(t.value.slice(0, 60))} is not a phone number`);
    if (t.kind !== 'sip') continue;
    const sip = parseSipUri(t.value);
    // SIP targets get the same private-network policy as pivot requests: Asterisk sends the INVITE itself.
    await checkTarget(new URL(`http://${sip.host.includes(':') ? `[${sip.host}]` : sip.host}:${sip.port}/`), policy, signal);
  }
}

/** Twilio's DialCallStatus for a failed attempt. */
export function dialCallStatus(cause: string): 'busy' | 'no-answer' | 'failed' {
  if (cause === 'USER_BUSY' || cause === 'CALL_REJECTED') return 'busy';
  if (cause === 'NO_ANSWER' || cause === 'NO_USER_RESPONSE' || cause === 'ORIGINATOR_CANCEL') return 'no-answer';
  return 'failed';
}

export interface DialOutcome {
  vars: SessionVars;
  summary: string;
}

async function legCallerId(ctx: CallContext, callerId: string | undefined): Promise<LegCallerId> {
  if (callerId) {
    const number = stripNumberFormatting(callerId);
    return { number, name: number };
  }
  return (await callerSide(ctx, new Directory(ctx.data, ctx.accountId))).forwardCallerId;
}

/**
 * <Dial><Conference>: the caller joins the account's conference of that name (one mixing bridge per name,
 * created by the first caller, beeps on join and leave like Twilio's default) and stays until it hangs up.
 */
async function joinNamedConference(ctx: CallContext, name: string): Promise<DialOutcome> {
  const beep = await ctx.media.resolve('beep');
  const joined = await ctx.call.joinConference({
    key: `${ctx.accountId}:twiml:${name}`,
    name,
    moderator: false,
    muted: false,
    deaf: false,
    entryTone: beep,
    exitTone: beep,
  });
  if (joined.status === 'full') return { vars: { dialCallStatus: 'failed', dialCallDuration: 0 }, summary: `Dial: conference ${name} is full` };
  ctx.attributes.conference = { key: `twiml:${name}`, role: 'participant', bridge: joined.bridgeId };
  const at = Date.now();
  await ctx.call.waitForHangup();
  return {
    vars: { dialCallStatus: 'completed', dialCallDuration: Math.round((Date.now() - at) / 1000), dialCallSid: joined.bridgeId },
    summary: `Dial: joined conference ${name} (${joined.participants} in it)`,
  };
}

export async function runDial(ctx: CallContext, v: DialVerb): Promise<DialOutcome> {
  const conference = v.targets.find((t) => t.kind === 'conference');
  if (conference) return joinNamedConference(ctx, conference.value.trim());
  const callerId = await legCallerId(ctx, v.callerId);
  const sips = v.targets.filter((t) => t.kind === 'sip').map((t) => parseSipUri(t.value));
  const numbers = v.targets.filter((t) => t.kind === 'number').map((t) => t.value);
  let last: { cause: string } = { cause: 'NO_ROUTE_DESTINATION' };
  const answered = (leg: string, at: Date): DialOutcome => ({
    vars: { dialCallStatus: 'completed', dialCallDuration: Math.max(0, Math.round((Date.now() - at.getTime()) / 1000)), dialCallSid: leg },
    summary: `Dial: ${leg} answered`,
  });
  if (sips.length) {
    const legs = sips.map((s, i) => ({ id: `sip${i}:${s.uri}`, endpoint: `PJSIP/${SIP_OUT_ENDPOINT}/${s.uri}`, callerId, timeoutSec: v.timeoutSec }));
    const r: DialResult = await ringLegs(ctx, legs, { strategy: 'simultaneous', timeoutSec: v.timeoutSec });
    if (r.status === 'answered') return answered(r.leg, r.answeredAt);
    last = r;
  }
  for (const raw of numbers) {
    const number = normalizeNumber(stripNumberFormatting(raw));
    let r = await dialOut(ctx, { number, scope: { kind: 'local' }, callerId, timeoutSec: v.timeoutSec });
    // No carrier of the account takes it (nothing was tried): the system's carriers.
    if (r.status === 'failed' && !r.attempts.length) r = await dialOut(ctx, { number, scope: { kind: 'global' }, callerId, timeoutSec: v.timeoutSec });
    if (r.status === 'answered') return answered(`${number} via ${r.attempts[r.attempts.length - 1]}`, r.answeredAt);
    last = r;
  }
  const status = dialCallStatus(last.cause);
  return { vars: { dialCallStatus: status, dialCallDuration: 0 }, summary: `Dial: ${status} (${last.cause})` };
}
