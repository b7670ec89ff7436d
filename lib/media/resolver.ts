// Resolves Kazoo media references (media ids, URLs, tone/silence streams, system prompts) into URIs the
// call-control port can play. Files live in the media folder that Asterisk shares by the same path.
import path from 'node:path';
import type { AccountData, MediaServices, SpeakOptions } from '../engine/module.ts';
import { kazooPrompts } from './prompts.ts';

export interface StoredMedia {
  _id: string;
  media_source?: string;
  /** Path of the stored audio relative to the media folder, without extension (set by the API on upload). */
  file?: string;
  tts?: { text?: string; voice?: string; language?: string; engine?: string };
  language?: string;
}

export type Speak = (text: string, opts?: SpeakOptions) => Promise<string>;

const hex32 = /^[0-9a-f]{32}$/i;

/** FreeSWITCH TGML `%(on,off,freq[+freq2])` → Asterisk's tone list `freq/on,0/off`. */
export function toneStreamToAsterisk(ref: string): string | undefined {
  const body = ref.slice('tone_stream://'.length);
  const parts = [...body.matchAll(/%\((\d+),(\d+),([\d+]+)\)/g)];
  if (!parts.length) return undefined;
  return `tone:${parts.map(([, on, off, freq]) => `${freq.replace(/\+/g, '+')}/${on}${Number(off) ? `,0/${off}` : ''}`).join(',')}`;
}

export function createMediaServices(opts: { mediaDir: string; data: AccountData; speak: Speak }): MediaServices {
  const { mediaDir, data, speak } = opts;

  async function fromDocument(id: string, language?: string): Promise<string[]> {
    const doc = await data.get<StoredMedia>('media', id);
    if (!doc) return [];
    if (doc.media_source === 'tts' && doc.tts?.text) {
      return [await speak(doc.tts.text, { voice: doc.tts.voice, language: doc.tts.language ?? language, engine: doc.tts.engine })];
    }
    return doc.file ? [`sound:${path.join(mediaDir, doc.file)}`] : [];
  }

  return {
    async resolve(ref, language) {
      const r = ref.trim();
      if (!r) return [];
      if (hex32.test(r)) return fromDocument(r, language);
      if (/^\/[^/]+\/[0-9a-f]{32}$/i.test(r)) return fromDocument(r.split('/')[2], language);
      if (/^https?:\/\//i.test(r)) return [`sound:${r}`];
      if (r.startsWith('tone_stream://')) {
        const known = kazooPrompts[r];
        if (known) return [known];
        const tone = toneStreamToAsterisk(r);
        return tone ? [tone] : [];
      }
      if (r.startsWith('silence_stream://')) {
        const ms = Math.min(Number(r.slice('silence_stream://'.length)) || 1000, 60_000);
        // Asterisk ships silence/1..10 (seconds); longer silences are several of them.
        const out: string[] = [];
        for (let left = Math.max(1, Math.round(ms / 1000)); left > 0; left -= 10) out.push(`sound:silence/${Math.min(10, left)}`);
        return out;
      }
      const name = r.replace(/^system_media\//, '').replace(/^prompt:\/\//, '');
      return [`sound:${kazooPrompts[name] ?? name}`];
    },
    speak,
  };
}
