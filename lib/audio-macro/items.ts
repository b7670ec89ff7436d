// audio_macro items → what to play, in order: media references, system prompts, Asterisk "say" media
// (number:/digits:/characters:), text for TTS, and tones. Pure: the module resolves, speaks and plays.
// Kazoo: cf_audio_macro:get_macro (and kapps_call_command:play_macro / say / tones).
import { DateTime } from 'luxon';

export const ANY_KEY = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

interface Common {
  /** Keys that stop this item and skip the rest of the macro. */
  terminators: string[];
  language?: string;
}

export type MacroStep =
  /** A media reference (media id, URL, system prompt…) to resolve. */
  | (Common & { kind: 'media'; ref: string })
  /** A playable URI as is (Asterisk's number:, digits:, characters:). */
  | (Common & { kind: 'uri'; uri: string })
  | (Common & { kind: 'tts'; text: string; voice?: string })
  /** An Asterisk tone list (loops until stopped) and how long to let it play. */
  | (Common & { kind: 'tone'; uri: string; durationMs: number });

export interface MacroPlan {
  steps: MacroStep[];
  /** Items left out, with why (Kazoo drops invalid items silently). */
  dropped: string[];
}

export interface PlanOptions {
  /** The call language (items and the node's `language` override it). */
  language?: string;
  /** Clock and zone for current_date / current_time…; the text, when a positive number, is the instant (Unix s). */
  now?: Date;
  zone?: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function str(v: unknown): string {
  return typeof v === 'string' ? v.trim() : typeof v === 'number' && Number.isFinite(v) ? String(v) : '';
}

function keys(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((k): k is string => typeof k === 'string' && ANY_KEY.includes(k)) : undefined;
}

function int(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN;
  return Number.isFinite(n) ? Math.trunc(n) : undefined;
}

/** Longest tone we let play (a misconfigured repeat must not hold the caller). */
export const MAX_TONE_MS = 60_000;
/** Kazoo's tone items require duration_on; without it we play one second. */
export const DEFAULT_TONE_ON_MS = 1000;

/**
 * A tone item → Asterisk tone list. Asterisk mixes at most two frequencies (`f1+f2`); more are dropped.
 * `volume` has no Asterisk equivalent and is ignored. The list loops, so the step carries its length:
 * (on + off) × repeat.
 */
export function toneStep(item: Record<string, unknown>): { uri: string; durationMs: number } | string {
  const freqs = (Array.isArray(item.frequencies) ? item.frequencies : []).map(int).filter((f): f is number => f !== undefined && f > 0);
  if (!freqs.length) return 'tone without frequencies';
  const on = int(item.duration_on) ?? DEFAULT_TONE_ON_MS;
  const off = Math.max(0, int(item.duration_off) ?? 0);
  if (on <= 0) return 'tone with duration_on 0';
  const repeat = Math.max(1, int(item.repeat) ?? 1);
  // `|` separates the parts: ARI splits its `media` parameter on commas, so Asterisk's usual `,` cannot be used.
  const tone = `${freqs.slice(0, 2).join('+')}/${on}${off ? `|0/${off}` : ''}`;
  return { uri: `tone:${tone}`, durationMs: Math.min(MAX_TONE_MS, (on + off) * repeat) };
}

const NATO: Record<string, string> = {
  a: 'alpha', b: 'bravo', c: 'charlie', d: 'delta', e: 'echo', f: 'foxtrot', g: 'golf', h: 'hotel', i: 'india',
  j: 'juliett', k: 'kilo', l: 'lima', m: 'mike', n: 'november', o: 'oscar', p: 'papa', q: 'quebec', r: 'romeo',
  s: 'sierra', t: 'tango', u: 'uniform', v: 'victor', w: 'whiskey', x: 'x-ray', y: 'yankee', z: 'zulu',
};

function ordinal(n: number): string {
  const mod100 = Math.abs(n) % 100;
  const suffix = mod100 >= 11 && mod100 <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[Math.abs(n) % 10] ?? 'th';
  return `${n}${suffix}`;
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** Seconds → "1 hour 2 minutes 3 seconds" (FreeSWITCH's say time_measurement). */
export function durationWords(totalSeconds: number): string {
  const s = Math.max(0, Math.trunc(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts = [h ? plural(h, 'hour') : '', m ? plural(m, 'minute') : '', s % 60 || (!h && !m) ? plural(s % 60, 'second') : ''];
  return parts.filter(Boolean).join(' ');
}

type Say = { uri: string } | { text: string } | string;

/**
 * A say item → Asterisk say media where Asterisk has it (numbers, digit strings, spelled characters), else
 * a sentence for TTS. Defaults as Kazoo's say: type `number`, method `pronounced`. `gender` is not honoured.
 */
export function sayStep(item: Record<string, unknown>, opts: PlanOptions = {}): Say {
  const text = str(item.text);
  if (!text) return 'say without text';
  const type = str(item.type) || 'number';
  const method = str(item.method) || 'pronounced';
  const digitsOnly = (t: string) => (/^[0-9*#]+$/.test(t) ? { uri: `digits:${t}` } : { uri: `characters:${t}` });

  switch (type) {
    case 'number':
    case 'items':
    case 'persons':
    case 'messages': {
      if (method === 'iterated') return digitsOnly(text.replace(/\s+/g, ''));
      if (!/^-?\d+$/.test(text)) return { text };
      if (method === 'counted') return { text: ordinal(Number(text)) };
      return { uri: `number:${Number(text)}` };
    }
    case 'telephone_number':
    case 'telephone_extension':
    case 'account_number': {
      const kept = text.replace(/[\s\-().+]/g, '');
      return kept ? digitsOnly(kept) : 'say without digits';
    }
    case 'name_spelled':
    case 'ip_address':
      return { uri: `characters:${text}` };
    case 'name_phonetic':
      return { text: [...text.toLowerCase()].map((c) => NATO[c] ?? c).join(' ') };
    case 'currency': {
      const amount = Number(text.replace(/[$,\s]/g, ''));
      if (!Number.isFinite(amount)) return { text };
      const cents = Math.round(Math.abs(amount) * 100);
      const whole = Math.floor(cents / 100);
      const rest = cents % 100;
      return { text: `${amount < 0 ? 'minus ' : ''}${plural(whole, 'dollar')}${rest ? ` and ${plural(rest, 'cent')}` : ''}` };
    }
    case 'time_measurement': {
      const secs = Number(text);
      return Number.isFinite(secs) ? { text: durationWords(secs) } : { text };
    }
    case 'current_date':
    case 'current_time':
    case 'current_date_time':
    case 'short_date_time': {
      const epoch = Number(text);
      const base = Number.isFinite(epoch) && epoch > 0 ? DateTime.fromSeconds(epoch) : DateTime.fromJSDate(opts.now ?? new Date());
      const dt = (opts.zone ? base.setZone(opts.zone) : base).setLocale(str(item.language) || opts.language || 'en');
      const format =
        type === 'current_date'
          ? DateTime.DATE_HUGE
          : type === 'current_time'
            ? DateTime.TIME_SIMPLE
            : type === 'short_date_time'
              ? DateTime.DATETIME_SHORT
              : DateTime.DATETIME_HUGE;
      return { text: dt.toLocaleString(format) };
    }
    default:
      // url, e-mail_address, postal_address and anything unknown: read as text.
      return { text };
  }
}

/** The macro's items in order; invalid items are dropped (with a note) as Kazoo drops them. */
export function planMacro(data: Record<string, unknown>, opts: PlanOptions = {}): MacroPlan {
  const steps: MacroStep[] = [];
  const dropped: string[] = [];
  const nodeLanguage = str(data.language) || undefined;
  const nodeKeys = keys(data.terminators) ?? ANY_KEY;
  const items = Array.isArray(data.macros) ? data.macros : [];
  items.forEach((raw, i) => {
    if (!isObject(raw)) return void dropped.push(`#${i + 1}: not an object`);
    const language = str(raw.language) || nodeLanguage || opts.language;
    const terminators = keys(raw.terminators) ?? nodeKeys;
    const base = { terminators, ...(language ? { language } : {}) };
    const drop = (why: string) => dropped.push(`#${i + 1} ${str(raw.macro) || '?'}: ${why}`);
    switch (raw.macro) {
      case 'play':
      case 'prompt': {
        const ref = str(raw.id);
        if (!ref) return void drop('no id');
        return void steps.push({ kind: 'media', ref, ...base });
      }
      case 'say': {
        const say = sayStep(raw, { ...opts, language });
        if (typeof say === 'string') return void drop(say);
        return void steps.push('uri' in say ? { kind: 'uri', uri: say.uri, ...base } : { kind: 'tts', text: say.text, ...base });
      }
      case 'tts': {
        // Kazoo reads text and voice from the node's data instead of the item (a bug): the item's are used.
        const text = str(raw.text);
        if (!text) return void drop('no text');
        const voice = str(raw.voice) || undefined;
        return void steps.push({ kind: 'tts', text, ...(voice ? { voice } : {}), ...base });
      }
      case 'tone': {
        const tone = toneStep(raw);
        if (typeof tone === 'string') return void drop(tone);
        return void steps.push({ kind: 'tone', uri: tone.uri, durationMs: tone.durationMs, ...base });
      }
      default:
        drop('unknown macro');
    }
  });
  return { steps, dropped };
}
