// Which carriers take an outbound number, in which order, and what each gateway is sent (Kazoo's
// stepswitch resource selection): enabled resources whose flags cover the call's outbound flags, whose
// `rules` match the number (the first capture group, if any, is the number dialled) and whose `cid_rules`
// match the caller ID; emergency numbers go to emergency carriers first, other numbers never do; ordered
// by weight_cost (lower first, then name, then id, so the order is stable). Pure; table tests in
// test/modules/carriers/select.test.ts.
import { compilePattern } from '../validation/patterns.ts';
import { classifyNumber } from '../validation/numbers.ts';

export type Doc = Record<string, unknown>;

export const DEFAULT_WEIGHT = 50;
export const DEFAULT_SIP_PORT = 5060;

export interface Gateway {
  server: string;
  port: number;
  username?: string;
  password?: string;
  realm?: string;
  prefix: string;
  suffix: string;
  inviteFormat: 'route' | 'e164' | 'npan' | '1npan' | 'username';
  headers: Record<string, string>;
  callerIdType?: string;
  formatFromUri?: boolean;
  fromUriRealm?: string;
  codecs: string[];
}

export interface Carrier {
  id: string;
  name: string;
  weight: number;
  emergency: boolean;
  rules: string[];
  cidRules: string[];
  flags: string[];
  callerIdType?: string;
  formatFromUri?: boolean;
  fromUriRealm?: string;
  /** Every gateway, with its position (which names its trunk); disabled ones are kept out of dialling. */
  gateways: { index: number; enabled: boolean; gateway: Gateway }[];
}

export interface OutboundRequest {
  /** The number to reach, E.164 unless the caller asked not to normalise. */
  number: string;
  callerIdNumber?: string;
  /** Flags every chosen carrier must carry (resources' outbound_flags, plus dynamic flags). */
  flags?: readonly string[];
}

export interface Attempt {
  carrier: Carrier;
  gatewayIndex: number;
  gateway: Gateway;
  /** The Request-URI user to send. */
  dialled: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : []);
const disabled = (v: unknown) => v === false || v === 'false';
const bool = (v: unknown): boolean | undefined => (v === true || v === 'true' ? true : v === false || v === 'false' ? false : undefined);

function headersOf(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string' || typeof x === 'number') out[k] = String(x);
  return out;
}

const INVITE_FORMATS = new Set(['route', 'e164', 'npan', '1npan', 'username']);

export function gatewayOf(g: Doc): Gateway | undefined {
  const server = str(g.server);
  if (!server) return undefined;
  const port = Number(g.port);
  const format = String(g.invite_format ?? 'route');
  const gw: Gateway = {
    server,
    port: Number.isInteger(port) && port > 0 && port < 65536 ? port : DEFAULT_SIP_PORT,
    prefix: str(g.prefix) ?? '',
    suffix: str(g.suffix) ?? '',
    inviteFormat: (INVITE_FORMATS.has(format) ? format : 'route') as Gateway['inviteFormat'],
    headers: headersOf(g.custom_sip_headers),
    codecs: strings(g.codecs),
  };
  const username = str(g.username);
  if (username) gw.username = username;
  const password = str(g.password);
  if (password) gw.password = password;
  const realm = str(g.realm);
  if (realm) gw.realm = realm;
  const cidType = str(g.caller_id_type);
  if (cidType) gw.callerIdType = cidType;
  const ffu = bool(g.format_from_uri);
  if (ffu !== undefined) gw.formatFromUri = ffu;
  const realmFrom = str(g.from_uri_realm);
  if (realmFrom) gw.fromUriRealm = realmFrom;
  return gw;
}

/** A stored resources document as a carrier; undefined when it is disabled, deleted or has no id. */
export function carrierOf(doc: Doc): Carrier | undefined {
  const id = str(doc._id) ?? str(doc.id);
  if (!id || doc.pvt_deleted === true || disabled(doc.enabled)) return undefined;
  const weight = Number(doc.weight_cost);
  const gateways: Carrier['gateways'] = [];
  (Array.isArray(doc.gateways) ? doc.gateways : []).forEach((g, index) => {
    if (!g || typeof g !== 'object' || Array.isArray(g)) return;
    const gateway = gatewayOf(g as Doc);
    if (gateway) gateways.push({ index, enabled: !disabled((g as Doc).enabled), gateway });
  });
  const carrier: Carrier = {
    id,
    name: str(doc.name) ?? id,
    weight: Number.isFinite(weight) && weight > 0 ? Math.min(100, Math.round(weight)) : DEFAULT_WEIGHT,
    emergency: bool(doc.emergency) === true,
    rules: strings(doc.rules),
    cidRules: strings(doc.cid_rules),
    flags: strings(doc.flags),
    gateways,
  };
  const cidType = str((doc.caller_id_options as Doc | undefined)?.type);
  if (cidType) carrier.callerIdType = cidType;
  const ffu = bool(doc.format_from_uri);
  if (ffu !== undefined) carrier.formatFromUri = ffu;
  const realmFrom = str(doc.from_uri_realm);
  if (realmFrom) carrier.fromUriRealm = realmFrom;
  return carrier;
}

/** Kazoo's emergency classification of a number. */
export function isEmergencyNumber(number: string): boolean {
  return classifyNumber(number) === 'emergency';
}

/**
 * The number a carrier's rules turn `number` into: the first rule that matches wins, its first capture
 * group (when it has one) is the number; no rules: the number as is; no rule matches (or only rules that
 * do not compile): undefined, the carrier does not take it.
 */
export function applyRules(rules: readonly string[], number: string): string | undefined {
  if (!rules.length) return number;
  for (const rule of rules) {
    let re: RegExp;
    try {
      re = compilePattern(rule);
    } catch {
      continue;
    }
    const m = re.exec(number);
    if (!m) continue;
    const group = m.slice(1).find((g) => g !== undefined && g !== '');
    return group ?? number;
  }
  return undefined;
}

function cidAllowed(rules: readonly string[], cid: string | undefined): boolean {
  if (!rules.length) return true;
  return rules.some((r) => {
    try {
      return compilePattern(r).test(cid ?? '');
    } catch {
      return false;
    }
  });
}

/** The Request-URI user for a gateway: its invite format applied to the number, then prefix and suffix. */
export function formatForGateway(gw: Gateway, ruleNumber: string, e164: string): string {
  const digits = e164.replace(/^\+/, '');
  const nanp = /^\+1(\d{10})$/.exec(e164);
  let user: string;
  switch (gw.inviteFormat) {
    case 'e164':
      user = e164.startsWith('+') ? e164 : `+${digits}`;
      break;
    case 'npan':
      user = nanp ? nanp[1] : digits;
      break;
    case '1npan':
      user = nanp ? `1${nanp[1]}` : digits;
      break;
    case 'username':
      user = gw.username ?? ruleNumber;
      break;
    default:
      user = ruleNumber;
  }
  return `${gw.prefix}${user}${gw.suffix}`;
}

/** The gateways to try, in order, for one outbound request. */
export function selectAttempts(docs: readonly Doc[], req: OutboundRequest): Attempt[] {
  const emergency = isEmergencyNumber(req.number);
  const needed = req.flags ?? [];
  const carriers = docs
    .map(carrierOf)
    .filter((c): c is Carrier => !!c)
    .filter((c) => needed.every((f) => c.flags.includes(f)))
    .filter((c) => cidAllowed(c.cidRules, req.callerIdNumber))
    // Emergency carriers only take emergency calls; an emergency call may use any carrier, emergency ones first.
    .filter((c) => emergency || !c.emergency)
    .sort((a, b) => Number(b.emergency && emergency) - Number(a.emergency && emergency) || a.weight - b.weight || a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1));
  const out: Attempt[] = [];
  for (const carrier of carriers) {
    const ruleNumber = applyRules(carrier.rules, req.number);
    if (ruleNumber === undefined) continue;
    for (const { index, enabled, gateway } of carrier.gateways) {
      if (!enabled) continue;
      out.push({ carrier, gatewayIndex: index, gateway, dialled: formatForGateway(gateway, ruleNumber, req.number) });
    }
  }
  return out;
}
