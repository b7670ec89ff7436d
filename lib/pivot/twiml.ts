// TwiML documents → typed verbs, checked completely before anything is played: a document that fails
// here sends the call to `_` without having done half of it. Verbs and defaults follow Twilio's
// documentation as Kazoo's kzt_twiml implements it (Say, Play, Pause, Gather with nested Say/Play/Pause,
// Record, Redirect, Hangup, Reject, Dial with Number/Sip/Conference).
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { PivotFailure } from './failure.ts';

export type HttpMethod = 'GET' | 'POST';

export interface SayVerb {
  verb: 'Say';
  text: string;
  voice?: string;
  language?: string;
  /** Times to say it; 0 = until the caller hangs up (or presses a key inside Gather). */
  loop: number;
}
export interface PlayVerb {
  verb: 'Play';
  /** An http(s) URL (absolute or relative to the document's URL) or a Kazoo media reference. */
  media: string;
  loop: number;
}
export interface PauseVerb {
  verb: 'Pause';
  seconds: number;
}
export type Prompt = SayVerb | PlayVerb | PauseVerb;

export interface GatherVerb {
  verb: 'Gather';
  /** Where the digits go; absent = the current document's URL (Twilio's default). */
  action?: string;
  method: HttpMethod;
  timeoutSec: number;
  /** Key that ends input ('' = none). */
  finishOnKey: string;
  /** Input ends after this many digits (undefined = only the timeout or finishOnKey end it). */
  numDigits?: number;
  prompts: Prompt[];
}
export interface RecordVerb {
  verb: 'Record';
  action?: string;
  method: HttpMethod;
  /** Seconds of silence that end the recording. */
  timeoutSec: number;
  /** Keys that end the recording ('' = none). */
  finishOnKey: string;
  maxLengthSec: number;
  playBeep: boolean;
}
export interface RedirectVerb {
  verb: 'Redirect';
  url: string;
  method: HttpMethod;
}
export interface HangupVerb {
  verb: 'Hangup';
}
export interface RejectVerb {
  verb: 'Reject';
  reason: 'rejected' | 'busy';
}
export interface DialTarget {
  kind: 'number' | 'sip' | 'conference';
  value: string;
}
export interface DialVerb {
  verb: 'Dial';
  action?: string;
  method: HttpMethod;
  timeoutSec: number;
  callerId?: string;
  targets: DialTarget[];
}

export type TwimlVerb = Prompt | GatherVerb | RecordVerb | RedirectVerb | HangupVerb | RejectVerb | DialVerb;

/** fast-xml-parser's ordered form: one key (the tag, or `#text`) plus `:@` for attributes. */
type XmlNode = Record<string, unknown> & { ':@'?: Record<string, string> };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // Only the five XML entities and character references: no DOCTYPE-declared ones (rejected anyway).
  processEntities: true,
});

/** Loops are capped so a "loop forever" prompt cannot outlive any call by design. */
const MAX_LOOPS = 1000;
const MAX_VERBS = 200;

function invalid(message: string, path: string): PivotFailure {
  return new PivotFailure('invalid', `TwiML: ${path}: ${message}`, { path });
}

function tagOf(node: XmlNode): string {
  return Object.keys(node).find((k) => k !== ':@') ?? '';
}

function childrenOf(node: XmlNode): XmlNode[] {
  const v = node[tagOf(node)];
  return Array.isArray(v) ? (v as XmlNode[]) : [];
}

function textOf(node: XmlNode): string {
  return childrenOf(node)
    .map((c) => (tagOf(c) === '#text' ? String(c['#text'] ?? '') : ''))
    .join('')
    .trim();
}

function elementsOf(node: XmlNode): XmlNode[] {
  return childrenOf(node).filter((c) => tagOf(c) !== '#text');
}

class Attrs {
  constructor(
    private readonly raw: Record<string, string>,
    private readonly path: string,
  ) {}

  str(name: string): string | undefined {
    const v = this.raw[name];
    return v === undefined ? undefined : String(v).trim();
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const v = this.str(name);
    if (v === undefined || v === '') return fallback;
    if (!/^\d+$/.test(v)) throw invalid(`${name}="${v}" is not a whole number`, this.path);
    const n = Number(v);
    if (n < min || n > max) throw invalid(`${name}="${v}" must be between ${min} and ${max}`, this.path);
    return n;
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.str(name)?.toLowerCase();
    if (v === undefined || v === '') return fallback;
    if (v === 'true') return true;
    if (v === 'false') return false;
    throw invalid(`${name}="${v}" must be true or false`, this.path);
  }

  method(fallback: HttpMethod = 'POST'): HttpMethod {
    const v = this.str('method')?.toUpperCase();
    if (v === undefined || v === '') return fallback;
    if (v === 'GET' || v === 'POST') return v;
    throw invalid(`method="${v}" must be GET or POST`, this.path);
  }

  keys(name: string, fallback: string): string {
    const v = this.str(name);
    if (v === undefined) return fallback;
    if (!/^[0-9*#]*$/.test(v)) throw invalid(`${name}="${v}" may only hold 0-9, * and #`, this.path);
    return v;
  }
}

function attrs(node: XmlNode, path: string): Attrs {
  return new Attrs(node[':@'] ?? {}, path);
}

function parsePrompt(node: XmlNode, path: string): Prompt {
  const tag = tagOf(node);
  const a = attrs(node, path);
  switch (tag) {
    case 'Say': {
      const text = textOf(node);
      if (!text) throw invalid('Say needs text', path);
      return { verb: 'Say', text, voice: a.str('voice') || undefined, language: a.str('language') || undefined, loop: a.int('loop', 1, 0, MAX_LOOPS) };
    }
    case 'Play': {
      const media = textOf(node);
      if (!media) throw invalid('Play needs a URL', path);
      return { verb: 'Play', media, loop: a.int('loop', 1, 0, MAX_LOOPS) };
    }
    case 'Pause':
      return { verb: 'Pause', seconds: a.int('length', 1, 0, 600) };
    default:
      throw invalid(`${tag} is not allowed here`, path);
  }
}

function parseDialTargets(node: XmlNode, path: string): DialTarget[] {
  const text = textOf(node);
  const targets: DialTarget[] = text ? [{ kind: 'number', value: text }] : [];
  elementsOf(node).forEach((child, i) => {
    const tag = tagOf(child);
    const value = textOf(child);
    const at = `${path}.${tag}[${i}]`;
    if (!value) throw invalid(`${tag} needs a value`, at);
    if (tag === 'Number') targets.push({ kind: 'number', value });
    else if (tag === 'Sip') targets.push({ kind: 'sip', value });
    else if (tag === 'Conference') targets.push({ kind: 'conference', value });
    else throw invalid(`${tag} is not allowed in Dial`, at);
  });
  if (!targets.length) throw invalid('Dial needs a number, Number, Sip or Conference', path);
  return targets;
}

function parseVerb(node: XmlNode, path: string): TwimlVerb {
  const tag = tagOf(node);
  const a = attrs(node, path);
  switch (tag) {
    case 'Say':
    case 'Play':
    case 'Pause':
      return parsePrompt(node, path);
    case 'Gather': {
      const prompts = elementsOf(node).map((c, i) => parsePrompt(c, `${path}.${tagOf(c)}[${i}]`));
      const numDigits = a.str('numDigits') ? a.int('numDigits', 1, 1, 128) : undefined;
      return {
        verb: 'Gather',
        action: a.str('action') || undefined,
        method: a.method(),
        timeoutSec: a.int('timeout', 5, 1, 600),
        finishOnKey: a.keys('finishOnKey', '#'),
        numDigits,
        prompts,
      };
    }
    case 'Record':
      if (elementsOf(node).length || textOf(node)) throw invalid('Record takes no content', path);
      return {
        verb: 'Record',
        action: a.str('action') || undefined,
        method: a.method(),
        timeoutSec: a.int('timeout', 5, 0, 600),
        finishOnKey: a.keys('finishOnKey', '1234567890*#'),
        maxLengthSec: a.int('maxLength', 3600, 1, 14_400),
        playBeep: a.bool('playBeep', true),
      };
    case 'Redirect': {
      const url = textOf(node);
      if (!url) throw invalid('Redirect needs a URL', path);
      return { verb: 'Redirect', url, method: a.method() };
    }
    case 'Hangup':
      return { verb: 'Hangup' };
    case 'Reject': {
      const reason = (a.str('reason') || 'rejected').toLowerCase();
      if (reason !== 'rejected' && reason !== 'busy') throw invalid(`reason="${reason}" must be rejected or busy`, path);
      return { verb: 'Reject', reason };
    }
    case 'Dial':
      return {
        verb: 'Dial',
        action: a.str('action') || undefined,
        method: a.method(),
        timeoutSec: a.int('timeout', 30, 1, 600),
        callerId: a.str('callerId') || undefined,
        targets: parseDialTargets(node, path),
      };
    default:
      throw invalid(`unknown verb <${tag}>`, path);
  }
}

/** Parses and checks a TwiML document; throws PivotFailure('invalid') naming the first problem. */
export function parseTwiml(xml: string): TwimlVerb[] {
  // DOCTYPEs can declare entities that expand without bound; TwiML never needs one.
  if (/<!DOCTYPE/i.test(xml)) throw invalid('DOCTYPE declarations are not accepted', 'document');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw invalid(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`, 'document');
  const top = (parser.parse(xml) as XmlNode[]).filter((n) => tagOf(n) !== '#text' && !tagOf(n).startsWith('?'));
  if (top.length !== 1 || tagOf(top[0]) !== 'Response') throw invalid('the root element must be <Response>', 'document');
  const verbs = elementsOf(top[0]);
  if (verbs.length > MAX_VERBS) throw invalid(`more than ${MAX_VERBS} verbs`, 'Response');
  return verbs.map((n, i) => parseVerb(n, `Response.${tagOf(n)}[${i}]`));
}
