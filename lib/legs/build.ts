// The legs that ring one device (reference §3.4, kz_endpoint build): who must not ring (disabled, do not
// disturb, the caller ringing themselves), the phone's own leg, its call-forward leg (substitute or in
// addition), the failover used when the phone is not registered, each leg's caller ID, SIP headers and
// Alert-Info (§3.6). Pure: the endpoint is already merged (merge.ts) and the caller described.
//
// Dial strings (what Asterisk rings):
// - a SIP device: `PJSIP/<sip.username>` (its PJSIP endpoint, lib/devices/pjsip.ts); with static_invite
//   `PJSIP/<static_invite>@<sip.username>` (the Request-URI user is replaced);
// - `sip.invite_format: route` with `sip.route`: a `sip:`/`sips:` URI goes out through the device's own
//   endpoint (`PJSIP/<username>/<uri>`); an Asterisk `Local/<exten>@<context>` string is dialled as it
//   is (ariflow's escape hatch: simulated phones in tests, dialplan-made destinations). Carriers are
//   out of scope, so other routes do not ring;
// - a call forward: a loop back into ariflow through the `inbound` context (`Local/<number>@inbound`),
//   so the number is routed like any call to the account's numbers.
import type { DialLeg, LegCallerId } from '../callcontrol/port.ts';
import { obj, text } from './documents.ts';
import { autoAnswerHeaders } from '../paging/auto-answer.ts';
import type { Endpoint } from './merge.ts';

/** Which module rings: a ring group (or group) does not use forwards limited to direct calls. */
export type LegSource = 'device' | 'user' | 'ring_group' | 'group';

/** The module's properties for one device (kz_endpoint "Properties"). */
export interface BuildProps {
  source: LegSource;
  timeoutSec: number;
  delaySec: number;
  canCallSelf: boolean;
  suppressClid: boolean;
  staticInvite?: string;
  /** The module's custom_sip_headers. */
  headers?: Record<string, string>;
  /** Alert-Info chosen by the module (ring group ringtones): beats every other source. */
  alertInfo?: string;
}

/** The call being put through, as leg building needs it (load.ts builds it once per call). */
export interface CallerSide {
  /** The calling device (calls placed by a registered phone). */
  deviceId?: string;
  /** The users the calling device belongs to. */
  ownerIds: string[];
  /** Placed by one of the account's devices (else it came from a carrier). */
  onnet: boolean;
  /** Caller ID the legs present (§3.5). */
  callerId: LegCallerId;
  /** Caller ID of a forward that does not keep the caller's (the calling endpoint's external one). */
  forwardCallerId: LegCallerId;
  /** Set by set_alert_info. */
  alertInfo?: string;
  /** Headers the calling device sends on its calls (its custom_sip_headers.out). */
  headers?: Record<string, string>;
  /** What the answering party of a require_keypress forward hears. */
  confirmMedia: string[];
  /** Which devices (PJSIP endpoints) have a call now: call waiting (call-waiting.ts). */
  inUse?: (endpoints: readonly string[]) => Promise<string[]>;
  /** Legs carry auto-answer headers (intercom, page_group), per phone vendor (lib/paging/auto-answer.ts). */
  autoAnswer?: boolean;
}

export type SkipReason = 'disabled' | 'do_not_disturb' | 'endpoint_called_self' | 'owner_called_self' | 'no_endpoint';

export type BuildResult = { legs: DialLeg[] } | { skipped: SkipReason };

/** Kazoo waits 7 s for the key press of a require_keypress forward. */
export const CONFIRM_TIMEOUT_MS = 7000;

const SIP_USERNAME = /^[A-Za-z0-9._~+-]{2,32}$/;
const STATIC_INVITE = /^[A-Za-z0-9._~+*#-]{1,64}$/;
const LOCAL_ROUTE = /^Local\/[A-Za-z0-9_*#+.-]+@[A-Za-z0-9_-]+(\/[a-z]*)?$/;
const SIP_URI = /^sips?:[^\s,;'"<>]+$/;
const FORWARD_NUMBER = /^\+?[0-9*#]{1,35}$/;

/** Header name → value from a custom_sip_headers object: flat, or the `in` part of the {in, out} form. */
export function headersOf(v: unknown, part: 'in' | 'out'): Record<string, string> {
  const o = obj(v);
  if (!o) return {};
  const nested = 'in' in o || 'out' in o ? obj(o[part]) : o;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(nested ?? {})) {
    const s = typeof value === 'number' ? String(value) : value;
    if (typeof s === 'string' && name !== 'in' && name !== 'out') out[name] = s;
  }
  return out;
}

/**
 * The properties a device/user-style node gives its legs, from its `data` (timeout, delay, can_call_self,
 * suppress_clid, static_invite, custom_sip_headers); a timeout of 0 or none means `defaultTimeoutSec`.
 */
export function propsFromData(data: Record<string, unknown>, source: LegSource, defaultTimeoutSec: number): BuildProps {
  const staticInvite = text(data.static_invite);
  const headers = headersOf(data.custom_sip_headers, 'in');
  return {
    source,
    timeoutSec: Number(data.timeout) > 0 ? Number(data.timeout) : defaultTimeoutSec,
    delaySec: Number(data.delay) || 0,
    canCallSelf: data.can_call_self === true,
    suppressClid: data.suppress_clid === true,
    ...(staticInvite ? { staticInvite } : {}),
    ...(Object.keys(headers).length ? { headers } : {}),
  };
}

/** The Alert-Info of a device's leg: the module's, then set_alert_info's, then the endpoint's ringtone. */
export function alertInfoFor(endpoint: Endpoint, props: BuildProps, caller: CallerSide): string | undefined {
  return props.alertInfo ?? caller.alertInfo ?? (caller.onnet ? endpoint.ringtones.internal : endpoint.ringtones.external);
}

/** Why the device must not ring for this call, if it must not. */
export function skipReason(endpoint: Endpoint, props: BuildProps, caller: CallerSide): SkipReason | undefined {
  if (!props.canCallSelf && caller.ownerIds.length && endpoint.owners.some((o) => caller.ownerIds.includes(o))) return 'owner_called_self';
  if (!props.canCallSelf && caller.deviceId === endpoint.id) return 'endpoint_called_self';
  if (!endpoint.enabled) return 'disabled';
  if (endpoint.doNotDisturb) return 'do_not_disturb';
  return undefined;
}

/** The phone's own dial string, or undefined when it has none ariflow can ring. */
export function deviceDialString(endpoint: Endpoint, props: BuildProps): string | undefined {
  const sip = obj(endpoint.device.sip) ?? {};
  const username = text(sip.username);
  const validUser = username !== undefined && SIP_USERNAME.test(username) ? username : undefined;
  const route = text(sip.route);
  if (text(sip.invite_format) === 'route' && route) {
    if (LOCAL_ROUTE.test(route)) return route;
    if (SIP_URI.test(route) && validUser) return `PJSIP/${validUser}/${route}`;
    return undefined;
  }
  if (!validUser) return undefined;
  const fixed = props.staticInvite ?? text(sip.static_invite);
  return fixed && STATIC_INVITE.test(fixed) ? `PJSIP/${fixed}@${validUser}` : `PJSIP/${validUser}`;
}

/** Is the forward to be used for this call (kz_endpoint is_call_forward_enabled)? */
export function forwardApplies(endpoint: Endpoint, props: BuildProps): boolean {
  const f = endpoint.forward;
  const viaGroup = props.source === 'ring_group' || props.source === 'group';
  return f.enabled && f.number !== undefined && (!f.directCallsOnly || !viaGroup);
}

function forwardLeg(endpoint: Endpoint, props: BuildProps, caller: CallerSide, id: string): Omit<DialLeg, 'failover'> | undefined {
  const f = endpoint.forward;
  const number = f.number?.replace(/[\s().-]/g, '');
  if (!number || !FORWARD_NUMBER.test(number)) return undefined;
  const leg: Omit<DialLeg, 'failover'> = {
    id,
    endpoint: `Local/${number}@inbound`,
    timeoutSec: props.timeoutSec,
    delaySec: props.delaySec,
  };
  if (!props.suppressClid) leg.callerId = f.keepCallerId ? caller.callerId : caller.forwardCallerId;
  if (f.requireKeypress) {
    leg.confirm = { digit: '1', media: caller.confirmMedia, timeoutMs: CONFIRM_TIMEOUT_MS };
    leg.failOnReject = true;
  }
  return leg;
}

/** Builds the legs of one device for this call. */
export function buildLegs(endpoint: Endpoint, props: BuildProps, caller: CallerSide): BuildResult {
  const skipped = skipReason(endpoint, props, caller);
  if (skipped) return { skipped };
  const legs: DialLeg[] = [];
  const forwarding = forwardApplies(endpoint, props);
  const forward = forwarding ? forwardLeg(endpoint, props, caller, `${endpoint.id}:forward`) : undefined;
  if (!(forwarding && endpoint.forward.substitute)) {
    const dial = deviceDialString(endpoint, props);
    if (dial) {
      const headers = { ...headersOf(obj(endpoint.device.sip)?.custom_sip_headers, 'in'), ...caller.headers, ...props.headers };
      const alertInfo = alertInfoFor(endpoint, props, caller);
      if (alertInfo) headers['Alert-Info'] = alertInfo;
      if (caller.autoAnswer) Object.assign(headers, autoAnswerHeaders(endpoint.device));
      const leg: DialLeg = { id: endpoint.id, endpoint: dial, timeoutSec: props.timeoutSec, delaySec: props.delaySec };
      if (!props.suppressClid) leg.callerId = caller.callerId;
      if (Object.keys(headers).length) leg.headers = headers;
      // Failover: the forward number, used only when the phone cannot be reached (not registered).
      if (!forwarding && endpoint.forward.failover && endpoint.forward.number) {
        const failover = forwardLeg(endpoint, props, caller, `${endpoint.id}:failover`);
        if (failover) leg.failover = failover;
      }
      legs.push(leg);
    }
  }
  if (forward) legs.push(forward);
  return legs.length ? { legs } : { skipped: 'no_endpoint' };
}
