// Dialling a number out through carriers (Kazoo's stepswitch behind `resources`/`offnet`, also TwiML
// <Dial><Number>): the matching gateways are tried one after another, each as a PJSIP leg
// `PJSIP/<number>@<trunk>` through the call-control port's dial(). A carrier fault (5xx, unreachable,
// temporary failure) fails over to the next gateway; an answer about the callee (busy, rejected, no
// answer, unallocated number) does not — another carrier would reach the same callee (Kazoo ambiguity:
// stepswitch's failover is the media server's, which differs per cause; this is what a user expects).
import type { DialOptions, DialResult, LegCallerId } from '../callcontrol/port.ts';
import type { CallContext } from '../engine/module.ts';
import { callerIdState, effectiveCallerId } from '../callerid/state.ts';
import { callerSide, Directory } from '../legs/load.ts';
import { obj, text } from '../legs/documents.ts';
import { ringLegs } from '../ringing/ring.ts';
import { trunkDialString, trunkId } from './pjsip.ts';
import { isEmergencyNumber, selectAttempts, type Attempt } from './select.ts';
import type { CarrierScope } from './source.ts';

/** Ring timeout when the flow sets none (the media server's originate default). */
export const DEFAULT_OUTBOUND_TIMEOUT_S = 60;

/** Causes that say something about the callee: trying another carrier would not change them. */
const FINAL_CAUSES = new Set([
  'USER_BUSY',
  'CALL_REJECTED',
  'NO_ANSWER',
  'UNALLOCATED_NUMBER',
  'NUMBER_CHANGED',
  'INVALID_NUMBER_FORMAT',
  'SUBSCRIBER_ABSENT',
  'ORIGINATOR_CANCEL',
]);

export interface OutboundRequest {
  number: string;
  scope: CarrierScope;
  flags?: readonly string[];
  /** Which caller-ID block of the calling endpoint to present (external, emergency, a custom key). */
  callerIdType?: string;
  /** A caller ID chosen by the flow (TwiML callerId); wins over the endpoint's. */
  callerId?: LegCallerId;
  timeoutSec: number;
  ringback?: DialOptions['ringback'];
  headers?: Record<string, string>;
}

export type OutboundResult =
  | { status: 'answered'; carrier: string; dialled: string; attempts: string[]; answeredAt: Date }
  | { status: 'failed'; cause: string; sipCode?: number; attempts: string[] };

/** A caller-ID block (`emergency`, custom types) of the calling device, its owner, then the account. */
async function configuredCallerId(ctx: CallContext, dir: Directory, type: string): Promise<{ number?: string; name?: string }> {
  const deviceId = text(ctx.attributes.device_id);
  const device = deviceId ? (await dir.devices([deviceId])).get(deviceId) : undefined;
  const owner = text(device?.owner_id) ? await dir.user(String(device!.owner_id)) : undefined;
  // Kazoo takes the emergency caller ID from the device first (it is where the phone is).
  const chain = type === 'emergency' ? [device, owner, await dir.account()] : [owner, device, await dir.account()];
  const out: { number?: string; name?: string } = {};
  for (const doc of chain) {
    const block = obj(obj(doc?.caller_id)?.[type]);
    out.number ??= text(block?.number);
    out.name ??= text(block?.name);
  }
  return out;
}

/** The caller ID a carrier leg presents (reference §3.5, type external unless emergency / custom). */
export async function outboundCallerId(ctx: CallContext, type: string): Promise<LegCallerId> {
  const dir = new Directory(ctx.data, ctx.accountId);
  const side = await callerSide(ctx, dir);
  const base = side.forwardCallerId;
  if (!side.onnet || type === 'external' || type === 'internal') return base;
  const configured = await configuredCallerId(ctx, dir, type);
  if (!configured.number) return base;
  const cid = effectiveCallerId({ ...callerIdState(ctx), base: { number: configured.number, name: configured.name ?? base.name } });
  return { number: cid.number, name: cid.name, ...(base.hidden ? { hidden: true } : {}) };
}

function legId(a: Attempt): string {
  return `${a.carrier.id}#${a.gatewayIndex}`;
}

/** Rings the number out through the carriers of `scope`; `failed` with NO_ROUTE_DESTINATION when none takes it. */
export async function dialOut(ctx: CallContext, req: OutboundRequest): Promise<OutboundResult> {
  const docs = ctx.carriers ? await ctx.carriers(req.scope) : [];
  const emergency = isEmergencyNumber(req.number);
  const type = emergency ? 'emergency' : (req.callerIdType ?? 'external');
  const callerId = req.callerId ?? (await outboundCallerId(ctx, type));
  const attempts = selectAttempts(docs, { number: req.number, callerIdNumber: callerId.number, flags: req.flags ?? [] });
  const tried: string[] = [];
  let last: Extract<DialResult, { status: 'failed' }> = { status: 'failed', cause: 'NO_ROUTE_DESTINATION', sipCode: 404 };
  for (const a of attempts) {
    const trunk = trunkId(a.carrier.id, a.gatewayIndex);
    const endpoint = trunk && trunkDialString(trunk, a.dialled);
    if (!endpoint) continue;
    tried.push(`${a.carrier.name}/${a.gatewayIndex}`);
    const headers = { ...a.gateway.headers, ...req.headers };
    ctx.logger.info({ carrier: a.carrier.id, gateway: a.gatewayIndex, dialled: a.dialled }, 'dialling out through a carrier');
    const result = await ringLegs(ctx, [{ id: legId(a), endpoint, callerId, timeoutSec: req.timeoutSec, ...(Object.keys(headers).length ? { headers } : {}) }], {
      strategy: 'single',
      timeoutSec: req.timeoutSec,
      ...(req.ringback ? { ringback: req.ringback } : {}),
    });
    if (result.status === 'answered') return { status: 'answered', carrier: a.carrier.id, dialled: a.dialled, attempts: tried, answeredAt: result.answeredAt };
    last = result;
    if (FINAL_CAUSES.has(result.cause)) break;
  }
  return { ...last, attempts: tried };
}
