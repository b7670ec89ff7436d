// The parameters a pivot request carries, in Kazoo's two formats (kzt_kazoo / kzt_twiml req_params), and
// how they travel: GET appends them to the URL's query string, POST sends a form (Kazoo's default) or
// JSON body. Nested values (Digits collections, custom application variables) are form-encoded the way
// Kazoo does it: `Digits[default]=123`, `Custom-Application-Vars[plan]=gold`.
import { version } from '../version.ts';

/** What the request says about the call at the moment it is made. */
export interface CallFacts {
  callId: string;
  accountId: string;
  callerIdName: string;
  callerIdNumber: string;
  /** The dialled number (Kazoo's request/to user). */
  dialed: string;
  /** The account's SIP realm, when it has one. */
  realm?: string;
  language: string;
  answered: boolean;
  /** Custom application variables (set_variables). */
  cav: Record<string, string>;
  /** Named digit collections (collect_dtmf). */
  collected: Record<string, string>;
  /** Owner(s) of the calling device. */
  userIds?: string[];
  /** Values from the previous TwiML verb (Gather's digits, Record's recording), sent once. */
  vars: SessionVars;
}

export interface SessionVars {
  digits?: string;
  recordingUrl?: string;
  recordingDuration?: number;
  recordingId?: string;
  /** TwiML <Dial>'s outcome for its action request: completed, busy, no-answer, failed. */
  dialCallStatus?: string;
  dialCallDuration?: number;
  dialCallSid?: string;
}

export type ParamValue = string | number | string[] | Record<string, string>;
export type Params = Record<string, ParamValue>;

export type RequestFormat = 'kazoo' | 'twiml';

function compact(entries: Array<[string, ParamValue | undefined]>): Params {
  const out: Params = {};
  for (const [k, v] of entries) {
    if (v === undefined || v === '') continue;
    if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) continue;
    out[k] = v;
  }
  return out;
}

/** Kazoo's Digits: the digits of the Gather that triggered this request, else every named collection. */
function digits(f: CallFacts): ParamValue | undefined {
  if (f.vars.digits !== undefined) return f.vars.digits;
  return Object.keys(f.collected).length ? { ...f.collected } : undefined;
}

function owners(f: CallFacts): ParamValue | undefined {
  if (!f.userIds?.length) return undefined;
  return f.userIds.length === 1 ? f.userIds[0] : [...f.userIds];
}

export function requestParams(format: RequestFormat, f: CallFacts): Params {
  const status = f.answered ? 'in-progress' : 'ringing';
  if (format === 'twiml') {
    return compact([
      ['CallSid', f.callId],
      ['AccountSid', f.accountId],
      ['From', f.callerIdNumber],
      ['FromRealm', f.realm],
      ['To', f.dialed],
      ['ToRealm', f.realm],
      ['CallStatus', status],
      ['ApiVersion', '2010-04-01'],
      ['Direction', 'inbound'],
      ['CallerName', f.callerIdName],
      ['CallerNumber', f.callerIdNumber],
      ['RecordingUrl', f.vars.recordingUrl],
      ['RecordingDuration', f.vars.recordingDuration],
      ['RecordingSid', f.vars.recordingId],
      ['DialCallStatus', f.vars.dialCallStatus],
      ['DialCallDuration', f.vars.dialCallDuration],
      ['DialCallSid', f.vars.dialCallSid],
      ['Digits', digits(f)],
    ]);
  }
  return compact([
    ['Call-ID', f.callId],
    ['Account-ID', f.accountId],
    ['From', f.callerIdNumber],
    ['From-Realm', f.realm],
    ['To', f.dialed],
    ['To-Realm', f.realm],
    ['Request', f.dialed],
    ['Request-Realm', f.realm],
    ['Call-Status', status],
    ['Api-Version', '4.x'],
    ['Direction', 'inbound'],
    ['Caller-ID-Name', f.callerIdName],
    ['Caller-ID-Number', f.callerIdNumber],
    ['User-ID', owners(f)],
    ['Language', f.language],
    ['Custom-Application-Vars', { ...f.cav }],
    ['Recording-Url', f.vars.recordingUrl],
    ['Recording-Duration', f.vars.recordingDuration],
    ['Recording-ID', f.vars.recordingId],
    // Kazoo's pivot keeps Twilio's names for these user vars in both formats.
    ['DialCallStatus', f.vars.dialCallStatus],
    ['DialCallDuration', f.vars.dialCallDuration],
    ['DialCallSid', f.vars.dialCallSid],
    ['Digits', digits(f)],
  ]);
}

/** application/x-www-form-urlencoded with Kazoo's nesting: `K[sub]=v` for objects, `K[]=v` for lists. */
export function encodeForm(params: Params): string {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (Array.isArray(v)) for (const item of v) out.append(`${k}[]`, item);
    else if (typeof v === 'object') for (const [sub, value] of Object.entries(v)) out.append(`${k}[${sub}]`, value);
    else out.append(k, String(v));
  }
  return out.toString();
}

export interface BuiltRequest {
  url: URL;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** What the signature covers: the body (POST) or the query string (GET). */
  signedPayload: string;
}

/** The request for `params` to `target` (not yet signed). */
export function buildRequest(target: URL, method: 'GET' | 'POST', bodyFormat: 'form' | 'json', params: Params): BuiltRequest {
  const headers: Record<string, string> = {
    'User-Agent': `ariflow/${version} (pivot)`,
    Accept: 'application/json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1',
  };
  const url = new URL(target);
  if (method === 'GET') {
    const extra = encodeForm(params);
    // Appended to whatever query voice_url already has, as Kazoo does.
    url.search = url.search.length > 1 ? `${url.search.slice(1)}&${extra}` : extra;
    return { url, method, headers, signedPayload: url.search.slice(1) };
  }
  const body = bodyFormat === 'json' ? JSON.stringify(params) : encodeForm(params);
  headers['Content-Type'] = bodyFormat === 'json' ? 'application/json' : 'application/x-www-form-urlencoded';
  return { url, method, headers, body, signedPayload: body };
}
