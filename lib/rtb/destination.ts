// Where an RTB winner's call goes: the destination a buyer names (a phone number or a sip URI) or the
// operator's override for that buyer (also an Asterisk `Local/<exten>@<context>` string), turned into a
// dial leg.
//
// Phone numbers and sip URIs leave through an OutboundRoute. The default one sends numbers where
// lib/carriers/number-legs.ts says (one of the account's own numbers loops back into ariflow, any other
// leaves through the account's carriers, then the global ones, gateway after gateway) and sip URIs through
// the PJSIP endpoint named by ARIFLOW_RTB_SIP_ENDPOINT (`PJSIP/<endpoint>/<uri>`; unset: sip URIs from
// buyers do not connect, so a buyer cannot make Asterisk send INVITEs anywhere it likes).
// setOutboundRoute() replaces it (tests, other routing policies).
import type { DialLeg } from '../callcontrol/port.ts';
import type { CallContext } from '../engine/module.ts';
import { numberLegs } from '../carriers/number-legs.ts';

export type Destination =
  | { kind: 'number'; number: string }
  | { kind: 'sip'; uri: string }
  /** Operator-only: an Asterisk Local channel (simulated phones, dialplan-made destinations). */
  | { kind: 'local'; dial: string };

const NUMBER = /^\+?[0-9]{2,20}$/;
const SIP_URI = /^sips?:[A-Za-z0-9._~+*#%!$&'()=-]+@[A-Za-z0-9.-]+(:[0-9]{1,5})?(;[A-Za-z0-9=._-]+)*$/;
const LOCAL = /^Local\/[A-Za-z0-9_*#+.-]+@[A-Za-z0-9_-]+$/;

/**
 * A destination string → its kind, or undefined when ariflow cannot connect to it. `trusted`: the
 * operator wrote it (a buyer's override in the callflow); only then is a Local channel accepted, so a
 * buyer can never make ariflow dial into an arbitrary dialplan context.
 */
export function parseDestination(raw: string, trusted: boolean): Destination | undefined {
  const s = raw.trim();
  const compact = s.replace(/[\s().-]/g, '');
  if (NUMBER.test(compact)) return { kind: 'number', number: compact };
  if (SIP_URI.test(s)) return { kind: 'sip', uri: s };
  if (trusted && LOCAL.test(s)) return { kind: 'local', dial: s };
  return undefined;
}

export function isDestination(raw: string, trusted: boolean): boolean {
  return parseDestination(raw, trusted) !== undefined;
}

/** Turns a phone number or sip URI into the legs that reach it; undefined: no route. */
export type OutboundRoute = (dest: Extract<Destination, { kind: 'number' | 'sip' }>, ctx: CallContext) => Promise<Omit<DialLeg, 'id'>[] | undefined>;

export const defaultOutboundRoute: OutboundRoute = async (dest, ctx) => {
  if (dest.kind === 'number') {
    const legs = await numberLegs(ctx, dest.number);
    return legs.length ? legs : undefined;
  }
  const endpoint = process.env.ARIFLOW_RTB_SIP_ENDPOINT?.trim();
  if (!endpoint || !/^[A-Za-z0-9._~+-]{1,64}$/.test(endpoint)) return undefined;
  return [{ endpoint: `PJSIP/${endpoint}/${dest.uri}` }];
};

let outboundRoute: OutboundRoute = defaultOutboundRoute;

/** Replaces how numbers and sip URIs are reached (carrier routing); returns the previous route. */
export function setOutboundRoute(route: OutboundRoute): OutboundRoute {
  const previous = outboundRoute;
  outboundRoute = route;
  return previous;
}

/** The legs that connect the call to `dest` (ids `rtb:<buyer>`, `rtb:<buyer>:2`…); undefined: no route. */
export async function legsFor(dest: Destination, buyer: string, ctx: CallContext): Promise<DialLeg[] | undefined> {
  const id = `rtb:${buyer}`;
  if (dest.kind === 'local') return [{ id, endpoint: dest.dial }];
  const legs = await outboundRoute(dest, ctx);
  if (!legs?.length) return undefined;
  return legs.map((leg, i) => ({ ...leg, id: i === 0 ? id : `${id}:${i + 1}` }));
}
