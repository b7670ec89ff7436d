// A carrier's gateways as Asterisk PJSIP trunks (pushed through ARI's dynamic configuration like devices):
// per gateway an aor whose static contact is the carrier's server, an endpoint that dials through it, and
// an outbound auth when the gateway has credentials. Pure functions; lib/carriers/provisioner.ts does I/O.
import { allowedCodecs } from '../devices/pjsip.ts';
import { carrierOf, type Doc, type Gateway } from './select.ts';

/** Context calls coming from a trunk land in (asterisk/etc/extensions.conf): the carrier's inbound calls. */
export const CARRIER_CONTEXT = 'inbound';
/** Most gateways a carrier may have (the schema's maxItems): deletes sweep this many trunk ids. */
export const MAX_GATEWAYS = 10;

const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The PJSIP id of a carrier's gateway, or undefined when the carrier id cannot name an object. */
export function trunkId(resourceId: string, index: number): string | undefined {
  return SAFE_ID.test(resourceId) ? `carrier-${resourceId}-${index}` : undefined;
}

/** The Asterisk dial string for `user` through a trunk: the Request-URI is sip:<user>@<server>:<port>. */
export function trunkDialString(trunk: string, user: string): string | undefined {
  return /^[A-Za-z0-9+*#._-]{1,64}$/.test(user) ? `PJSIP/${user}@${trunk}` : undefined;
}

export interface TrunkObjects {
  id: string;
  aor: Record<string, string>;
  endpoint: Record<string, string>;
  /** Only for gateways with a user name and password. */
  auth?: Record<string, string>;
}

function hostPort(gw: Gateway): string {
  const host = gw.server.includes(':') && !gw.server.startsWith('[') ? `[${gw.server}]` : gw.server;
  return `${host}:${gw.port}`;
}

export function trunkObjects(id: string, gw: Gateway, carrier: { formatFromUri?: boolean; fromUriRealm?: string }): TrunkObjects {
  const endpoint: Record<string, string> = {
    context: CARRIER_CONTEXT,
    disallow: 'all',
    allow: allowedCodecs({ _id: id, media: { audio: { codecs: gw.codecs } } }),
    aors: id,
    direct_media: 'no',
    rtp_symmetric: 'yes',
    force_rport: 'yes',
    rewrite_contact: 'yes',
    dtmf_mode: 'rfc4733',
    // The caller ID the leg presents goes out in From (and P-Asserted-Identity when the carrier trusts us).
    send_pai: 'yes',
    trust_id_outbound: 'yes',
  };
  // format_from_uri: the From header carries the realm the carrier expects (the gateway's, else the carrier's).
  const formatFrom = gw.formatFromUri ?? carrier.formatFromUri ?? false;
  const realm = gw.fromUriRealm ?? carrier.fromUriRealm ?? gw.realm;
  if (formatFrom && realm) endpoint.from_domain = realm;
  // Pushed fields merge into an existing endpoint: an empty value clears credentials the gateway no longer has.
  endpoint.outbound_auth = '';
  const objects: TrunkObjects = { id, aor: { contact: `sip:${hostPort(gw)}`, qualify_frequency: '0' }, endpoint };
  if (gw.username && gw.password) {
    objects.auth = { auth_type: 'userpass', username: gw.username, password: gw.password, ...(gw.realm ? { realm: gw.realm } : {}) };
    endpoint.outbound_auth = id;
  }
  return objects;
}

/**
 * The endpoint that dials plain SIP URIs (TwiML <Dial><Sip>): `PJSIP/ariflow-sip-out/sip:user@host:port`.
 * No aor, no auth: the URI in the dial string says where the INVITE goes.
 */
export const SIP_OUT_ENDPOINT = 'ariflow-sip-out';

export function sipOutEndpoint(): Record<string, string> {
  return {
    context: CARRIER_CONTEXT,
    disallow: 'all',
    allow: 'ulaw,alaw',
    direct_media: 'no',
    rtp_symmetric: 'yes',
    force_rport: 'yes',
    rewrite_contact: 'yes',
    dtmf_mode: 'rfc4733',
  };
}

/** Every trunk a resources document should have (enabled carrier, enabled gateways). */
export function trunksOf(doc: Doc): TrunkObjects[] {
  const carrier = carrierOf(doc);
  if (!carrier) return [];
  const out: TrunkObjects[] = [];
  for (const { index, enabled, gateway } of carrier.gateways) {
    const id = trunkId(carrier.id, index);
    if (enabled && id) out.push(trunkObjects(id, gateway, carrier));
  }
  return out;
}
