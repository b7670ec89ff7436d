// A Kazoo device as Asterisk PJSIP objects (pushed through ARI's dynamic configuration): one auth,
// one aor and one endpoint, all named by the device's SIP user name, which is unique across accounts.
// Pure functions; the provisioner does the I/O.

export type PjsipType = 'endpoint' | 'auth' | 'aor';

export interface DeviceLike {
  _id: string;
  account_id?: string;
  enabled?: unknown;
  sip?: { username?: unknown; password?: unknown; method?: unknown; [k: string]: unknown };
  media?: { audio?: { codecs?: unknown } };
  caller_id?: { internal?: { name?: unknown; number?: unknown } };
  [field: string]: unknown;
}

export interface PjsipObjects {
  id: string;
  auth: Record<string, string>;
  aor: Record<string, string>;
  endpoint: Record<string, string>;
}

/** Characters allowed in a SIP user name we turn into a PJSIP object id (it is also put in ARI URLs). */
export const SIP_USERNAME = /^[A-Za-z0-9._~+-]{2,32}$/;

/** Context of the dialplan that hands device calls to the app (asterisk/etc/extensions.conf). */
export const DEVICE_CONTEXT = 'from-devices';

const CODECS: Record<string, string> = { PCMU: 'ulaw', PCMA: 'alaw' };

/** The PJSIP id of a device (its SIP user name), or undefined when it has none. */
export function pjsipIdOf(device: DeviceLike): string | undefined {
  const u = device.sip?.username;
  return typeof u === 'string' && SIP_USERNAME.test(u) ? u : undefined;
}

function isDisabled(v: unknown): boolean {
  return v === false || v === 'false';
}

/** Codec order from the device's `media.audio.codecs` (Kazoo names), limited to G.711; default ulaw,alaw. */
export function allowedCodecs(device: DeviceLike): string {
  const list = device.media?.audio?.codecs;
  const picked = Array.isArray(list) ? [...new Set(list.map((c) => CODECS[String(c).toUpperCase()]).filter(Boolean))] : [];
  for (const c of ['ulaw', 'alaw']) if (!picked.includes(c)) picked.push(c);
  return picked.join(',');
}

function callerIdOf(device: DeviceLike): string | undefined {
  const internal = device.caller_id?.internal;
  const name = typeof internal?.name === 'string' ? internal.name.replace(/["<>\\\r\n]/g, '').trim() : '';
  const number = typeof internal?.number === 'string' ? internal.number.replace(/[^0-9+*#]/g, '') : '';
  if (!name && !number) return undefined;
  return number ? `"${name}" <${number}>` : `"${name}"`;
}

/**
 * The objects for a device that can register with a password, or undefined when it cannot (no SIP
 * credentials, IP authentication, disabled): such a device must not exist in Asterisk.
 */
export function pjsipObjectsFor(device: DeviceLike, opts: { mailboxes?: readonly string[]; app?: string } = {}): PjsipObjects | undefined {
  const id = pjsipIdOf(device);
  const password = device.sip?.password;
  const method = device.sip?.method ?? 'password';
  if (!id || typeof password !== 'string' || password === '' || method !== 'password' || isDisabled(device.enabled)) return undefined;
  const endpoint: Record<string, string> = {
    context: DEVICE_CONTEXT,
    disallow: 'all',
    allow: allowedCodecs(device),
    auth: id,
    aors: id,
    // Media stays anchored in Asterisk: the app bridges, records and plays on every call.
    direct_media: 'no',
    rtp_symmetric: 'yes',
    force_rport: 'yes',
    rewrite_contact: 'yes',
    dtmf_mode: 'rfc4733',
  };
  const callerid = callerIdOf(device);
  if (callerid) endpoint.callerid = callerid;
  // The Stasis app `from-devices` hands this phone's calls to (the dialplan global ARIFLOW_APP is only the
  // default): the ariflow that provisioned the device gets its calls, whatever its app is named.
  if (opts.app && /^[A-Za-z0-9._-]{1,64}$/.test(opts.app)) endpoint.set_var = `ARIFLOW_APP=${opts.app}`;
  // Message waiting: the owner's voicemail boxes (`<box>@<account>`, lib/voicemail), NOTIFYed unsolicited
  // unless the device turned that off (Kazoo's mwi_unsolicited_updates).
  if (opts.mailboxes?.length && !isDisabled(device.mwi_unsolicited_updates)) endpoint.mailboxes = opts.mailboxes.join(',');
  return {
    id,
    auth: { auth_type: 'userpass', username: id, password },
    aor: { max_contacts: '1', remove_existing: 'yes' },
    endpoint,
  };
}
