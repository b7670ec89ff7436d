// SIP headers that make a phone answer by itself (paging, intercom), per phone vendor. Phones differ: Polycom
// keys on Alert-Info, Yealink/Snom/Grandstream/Cisco on Call-Info `answer-after`, RFC 5373 phones on
// Answer-Mode. Kazoo lets the media server pick; here the device's vendor picks: `provision.endpoint_brand`
// (what Kazoo's provisioner stores), overridable per device with the ariflow field `sip.auto_answer`
// (a vendor name below). Unknown or absent: the generic set, which most phones (and baresip) honour.

type Doc = Record<string, unknown>;

const CALL_INFO = { 'Call-Info': '<sip:127.0.0.1>;answer-after=0' };

export const AUTO_ANSWER_HEADERS: Record<string, Record<string, string>> = {
  generic: { ...CALL_INFO, 'Alert-Info': 'info=alert-autoanswer' },
  yealink: CALL_INFO,
  snom: CALL_INFO,
  grandstream: CALL_INFO,
  cisco: CALL_INFO,
  fanvil: CALL_INFO,
  polycom: { 'Alert-Info': 'Auto Answer' },
  aastra: { 'Alert-Info': 'info=alert-autoanswer' },
  mitel: { 'Alert-Info': 'info=alert-autoanswer' },
  rfc5373: { 'Answer-Mode': 'Auto' },
};

function obj(v: unknown): Doc | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Doc) : undefined;
}

/** The vendor whose headers a device gets. */
export function vendorOf(device: Doc): string {
  const pick = (v: unknown) => (typeof v === 'string' ? v.trim().toLowerCase() : '');
  const own = pick(obj(device.sip)?.auto_answer);
  if (own && AUTO_ANSWER_HEADERS[own]) return own;
  const brand = pick(obj(device.provision)?.endpoint_brand);
  return brand && AUTO_ANSWER_HEADERS[brand] ? brand : 'generic';
}

/** The auto-answer headers for a device. */
export function autoAnswerHeaders(device: Doc): Record<string, string> {
  return { ...AUTO_ANSWER_HEADERS[vendorOf(device)] };
}
