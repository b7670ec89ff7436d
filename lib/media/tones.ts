// Tones as finite WAV files. ARI's `tone:` playbacks never finish on their own (and ARI splits media lists
// at commas), so a Kazoo tone_stream is rendered once into the media folder and played as a sound.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodeWav } from '../tts/wav.ts';

export interface ToneSegment {
  onMs: number;
  offMs: number;
  frequencies: number[];
}

/** FreeSWITCH TGML `%(on,off,freq[+freq2...])` segments, e.g. `tone_stream://%(250,250,480,620)`. */
export function parseToneStream(ref: string): ToneSegment[] {
  const body = ref.replace(/^tone_stream:\/\//, '');
  const segments: ToneSegment[] = [];
  for (const [, on, off, freqs] of body.matchAll(/%\((\d+),(\d+),([\d.+,]+)\)/g)) {
    const frequencies = freqs.split(/[+,]/).map(Number).filter((f) => f > 0 && f < 4000);
    segments.push({ onMs: Math.min(Number(on), 10_000), offMs: Math.min(Number(off), 10_000), frequencies });
  }
  return segments;
}

const rate = 8000;

/** 16-bit mono 8 kHz PCM WAV of the segments played once (at most 30 s). */
export function renderTone(segments: ToneSegment[], volume = 0.3): Buffer {
  const total = Math.min(segments.reduce((n, s) => n + s.onMs + s.offMs, 0), 30_000);
  const samples = Math.round((total / 1000) * rate);
  const pcm = Buffer.alloc(samples * 2);
  let i = 0;
  for (const seg of segments) {
    const on = Math.round((seg.onMs / 1000) * rate);
    const off = Math.round((seg.offMs / 1000) * rate);
    for (let k = 0; k < on && i < samples; k++, i++) {
      let v = 0;
      for (const f of seg.frequencies) v += Math.sin((2 * Math.PI * f * k) / rate);
      const s = seg.frequencies.length ? (v / seg.frequencies.length) * volume : 0;
      pcm.writeInt16LE(Math.round(s * 32767), i * 2);
    }
    i += Math.min(off, samples - i); // silence: the buffer is zero-filled
  }
  return encodeWav({ pcm, sampleRate: rate });
}

/** The playable URI of a tone_stream, rendered into `<mediaDir>/tones/` on first use. */
export function toneFile(mediaDir: string, ref: string): string | undefined {
  const segments = parseToneStream(ref);
  if (!segments.length) return undefined;
  const dir = path.join(mediaDir, 'tones');
  const base = path.join(dir, createHash('sha256').update(JSON.stringify(segments)).digest('hex').slice(0, 24));
  if (!existsSync(`${base}.wav`)) {
    mkdirSync(dir, { recursive: true });
    const tmp = `${base}.${process.pid}.tmp`;
    writeFileSync(tmp, renderTone(segments));
    renameSync(tmp, `${base}.wav`);
  }
  return `sound:${base}`;
}
