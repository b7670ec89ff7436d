// Resolves Kazoo media references (media ids, URLs, tone/silence streams, system prompts) into URIs the
// call-control port can play. Files live in the media folder that Asterisk shares by the same path.
import { randomBytes } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AccountData, MediaServices, SpeakOptions } from '../engine/module.ts';
import { kazooPrompts } from './prompts.ts';
import { toneFile } from './tones.ts';

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

export function createMediaServices(opts: { mediaDir: string; data: AccountData; speak: Speak; accountId?: string }): MediaServices {
  const { mediaDir, data, speak } = opts;
  // Recordings are stored like API uploads (lib/api/routes/media.ts): <mediaDir>/<account>/<media id>.wav.
  const folder = opts.accountId ?? 'unscoped';

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
        const tone = toneFile(mediaDir, r);
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
    newRecording() {
      const mediaId = randomBytes(16).toString('hex');
      return { mediaId, path: path.join(mediaDir, folder, `${mediaId}.wav`) };
    },
    async saveRecording(rec, doc) {
      const info = await stat(rec.path).catch(() => undefined);
      if (!info) return false;
      await data.insert('media', rec.mediaId, {
        media_source: 'recording',
        streamable: true,
        ...doc,
        pvt_type: 'media',
        file: `${folder}/${rec.mediaId}`,
        pvt_media_ext: 'wav',
        pvt_content_type: 'audio/wav',
        pvt_content_length: info.size,
      });
      return true;
    },
    async discardRecording(rec) {
      await rm(rec.path, { force: true });
    },
  };
}
