// How a `dial` step reaches recipients outside the account's devices: phone numbers (the account's own
// numbers loop back into ariflow, others leave through its carriers: lib/carriers/number-legs.ts) and SIP
// URIs (through the `ariflow-sip-out` endpoint), plus the Asterisk `Local/<exten>@<context>` escape hatch
// devices also have.
import type { DialLeg } from '../callcontrol/port.ts';
import type { CallContext } from '../engine/module.ts';
import { numberLeg, sipUriLeg, type RouteLeg } from '../carriers/number-legs.ts';

const LOCAL_ROUTE = /^Local\/[A-Za-z0-9_*#+.-]+@[A-Za-z0-9_-]+(\/[a-z]*)?$/;

/** The leg `id` that rings a phone number, or undefined when no callflow or carrier takes it. */
export function phoneLeg(ctx: CallContext, id: string, number: string): Promise<DialLeg | undefined> {
  return numberLeg(ctx, id, number);
}

/** The leg that rings a SIP URI (or a Local escape-hatch string), or undefined. */
export function uriLeg(uri: string): RouteLeg | undefined {
  return LOCAL_ROUTE.test(uri) ? { endpoint: uri } : sipUriLeg(uri);
}

/** A recipient URI field also accepts the `Local/...` escape hatch. */
export function isLocalRoute(s: string): boolean {
  return LOCAL_ROUTE.test(s);
}
