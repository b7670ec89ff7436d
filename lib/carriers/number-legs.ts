// Where a call-tracking step (dial recipients, an RTB winner) reaches a phone number or a sip URI.
// A number the account itself routes loops back into ariflow (`Local/<number>@inbound`: no carrier, no
// toll, the callflow of that number answers); any other number leaves through the account's carriers,
// else the global ones (the same choice TwiML <Dial><Number> makes), each gateway one leg in failover
// order. A sip URI leaves through the `ariflow-sip-out` endpoint.
import type { DialLeg } from '../callcontrol/port.ts';
import type { CallContext } from '../engine/module.ts';
import { SIP_OUT_ENDPOINT, trunkDialString, trunkId } from './pjsip.ts';
import { selectAttempts } from './select.ts';

export type RouteLeg = Omit<DialLeg, 'id'>;

const DIALLABLE = /^\+?[0-9*#]{1,32}$/;
const SIP_URI = /^sips?:[A-Za-z0-9._~+*#%!$&'()=-]+@[A-Za-z0-9.-]+(:[0-9]{1,5})?(;[A-Za-z0-9=._-]+)*$/;

async function ownNumber(ctx: CallContext, number: string): Promise<boolean> {
  const forms = number.startsWith('+') ? [number, number.slice(1)] : [number, `+${number}`];
  const found = await ctx.data.find('callflows', { numbers: { $in: forms } }, 1);
  return found.length > 0;
}

/** The legs that reach `number`, best first; empty when nothing can (no callflow, no carrier takes it). */
export async function numberLegs(ctx: CallContext, number: string, callerIdNumber?: string): Promise<RouteLeg[]> {
  if (!DIALLABLE.test(number)) return [];
  if (await ownNumber(ctx, number)) return [{ endpoint: `Local/${number}@inbound` }];
  if (!ctx.carriers) return [];
  for (const scope of [{ kind: 'local' as const }, { kind: 'global' as const }]) {
    const attempts = selectAttempts(await ctx.carriers(scope), { number, callerIdNumber, flags: [] });
    const legs: RouteLeg[] = [];
    for (const a of attempts) {
      const trunk = trunkId(a.carrier.id, a.gatewayIndex);
      const endpoint = trunk && trunkDialString(trunk, a.dialled);
      if (endpoint) legs.push({ endpoint, ...(Object.keys(a.gateway.headers ?? {}).length ? { headers: { ...a.gateway.headers } } : {}) });
    }
    if (legs.length) return legs;
  }
  return [];
}

/** One leg `id` for `number`, falling over to the next gateway when the first cannot be reached. */
export async function numberLeg(ctx: CallContext, id: string, number: string, callerIdNumber?: string): Promise<DialLeg | undefined> {
  const [first, second] = await numberLegs(ctx, number, callerIdNumber);
  if (!first) return undefined;
  return second ? { ...first, id, failover: { ...second, id: `${id}:failover` } } : { ...first, id };
}

/** The leg that reaches a sip URI (undefined when it is not one). The caller checks where it points. */
export function sipUriLeg(uri: string): RouteLeg | undefined {
  return SIP_URI.test(uri) ? { endpoint: `PJSIP/${SIP_OUT_ENDPOINT}/${uri}` } : undefined;
}
