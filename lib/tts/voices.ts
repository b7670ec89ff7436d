// Kazoo names a voice as `female`, `male`, or `female/en-US` (kapps_speech joins voice and language),
// plus a language such as `en-US`; engines want their own names. Pure mapping, table-tested.
import { TtsError } from './errors.ts';

export type Gender = 'female' | 'male' | 'neutral';

export interface VoiceRequest {
  /** Set when the caller named a gender (Kazoo style). */
  gender?: Gender;
  /** BCP-47, normalised (`en-US`, `fr-FR`, `de`). */
  language: string;
  /** An engine-native voice name (`en-us+f3`, `en-US-Wavenet-D`), when the caller gave one. */
  name?: string;
}

const genders = new Set<string>(['female', 'male', 'neutral']);
const languageTag = /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$/;

/** `en_us` / `EN-us` → `en-US`; `zh-hans-cn` → `zh-Hans-CN`. */
export function normaliseLanguage(raw: string): string {
  const tag = raw.trim();
  if (!languageTag.test(tag)) throw new TtsError('unsupported_voice', `"${raw}" is not a language tag`);
  return tag
    .split(/[-_]/)
    .map((part, i) => {
      if (i === 0) return part.toLowerCase();
      if (part.length === 2 || /^\d{3}$/.test(part)) return part.toUpperCase(); // region
      if (part.length === 4) return part[0].toUpperCase() + part.slice(1).toLowerCase(); // script
      return part.toLowerCase();
    })
    .join('-');
}

/**
 * Reads Kazoo's voice/language pair. The language embedded in `female/en-US` wins over `language`
 * because it is the more specific of the two.
 */
export function parseVoice(voice: string | undefined, language: string | undefined, defaults: { voice: string; language: string }): VoiceRequest {
  const v = (voice ?? '').trim() || defaults.voice;
  const lang = normaliseLanguage((language ?? '').trim() || defaults.language);
  const slash = v.indexOf('/');
  if (slash >= 0) {
    const gender = v.slice(0, slash).toLowerCase();
    if (!genders.has(gender)) throw new TtsError('unsupported_voice', `"${v}": expected female/<language>, male/<language> or neutral/<language>`);
    const embedded = v.slice(slash + 1).trim();
    return { gender: gender as Gender, language: embedded ? normaliseLanguage(embedded) : lang };
  }
  if (genders.has(v.toLowerCase())) return { gender: v.toLowerCase() as Gender, language: lang };
  return { language: lang, name: v };
}

// espeak-ng variants: f3 is the clearest female timbre on 8 kHz lines; the plain voice is male.
const espeakVariant: Record<Gender, string> = { female: '+f3', male: '', neutral: '' };
// Letters, digits, `-`, `_`, `+`, and never a leading `-` (it would read as an option).
const espeakName = /^[A-Za-z0-9][A-Za-z0-9_+-]{0,63}$/;

/** The `-v` argument of espeak-ng. */
export function espeakVoice(req: VoiceRequest): string {
  if (req.name !== undefined) {
    if (!espeakName.test(req.name)) throw new TtsError('unsupported_voice', `"${req.name}" is not an espeak-ng voice name`, 'espeak');
    return req.name;
  }
  return req.language.toLowerCase() + espeakVariant[req.gender ?? 'female'];
}

export interface GoogleVoice {
  languageCode: string;
  name?: string;
  ssmlGender?: 'FEMALE' | 'MALE' | 'NEUTRAL';
}

// Google's voice names start with their language: en-US-Wavenet-D, en-US-Chirp3-HD-Achernar, cmn-CN-Standard-A.
const googleName = /^([a-z]{2,3}-[A-Z]{2})-[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;

/** The `voice` selection of a Google SynthesizeSpeech request. */
export function googleVoice(req: VoiceRequest): GoogleVoice {
  if (req.name !== undefined) {
    const m = googleName.exec(req.name);
    if (!m) throw new TtsError('unsupported_voice', `"${req.name}" is not a Google voice name (e.g. en-US-Wavenet-D)`, 'google');
    return { languageCode: m[1], name: req.name };
  }
  return { languageCode: req.language, ssmlGender: (req.gender ?? 'female').toUpperCase() as GoogleVoice['ssmlGender'] };
}
