// RIFF/WAVE PCM helpers: engines hand back 16-bit PCM and the cache writes the file with a header whose
// sizes are right (espeak's streamed header and Google's LINEAR16 header carry placeholder sizes).
import { TtsError } from './errors.ts';

export interface PcmAudio {
  /** 16-bit signed little-endian mono samples. */
  pcm: Buffer;
  sampleRate: number;
}

export interface WavInfo extends PcmAudio {
  channels: number;
  bitsPerSample: number;
  /** 1 = PCM. */
  format: number;
}

/** A 44-byte canonical header followed by the samples. */
export function encodeWav({ pcm, sampleRate }: PcmAudio): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + pcm.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28); // byte rate
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([header, pcm]);
}

export const isRiff = (buf: Uint8Array): boolean =>
  buf.length >= 12 && Buffer.from(buf.buffer, buf.byteOffset, 12).toString('ascii', 0, 4) === 'RIFF';

/**
 * Walks the chunks of a RIFF/WAVE buffer. A data chunk whose declared size runs past the end (streamed
 * headers say 0xFFFFFFFF or similar) is cut at the end of the buffer.
 */
export function parseWav(input: Uint8Array): WavInfo {
  const buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new TtsError('bad_audio', 'not a RIFF/WAVE buffer');
  }
  let fmt: Omit<WavInfo, 'pcm'> | undefined;
  let offset = 12;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > buf.length) throw new TtsError('bad_audio', 'truncated fmt chunk');
      fmt = {
        format: buf.readUInt16LE(body),
        channels: buf.readUInt16LE(body + 2),
        sampleRate: buf.readUInt32LE(body + 4),
        bitsPerSample: buf.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (!fmt) throw new TtsError('bad_audio', 'data chunk before fmt chunk');
      const end = Math.min(buf.length, body + size);
      // Keep whole samples only.
      const usable = (end - body) - ((end - body) % 2);
      return { ...fmt, pcm: Buffer.from(buf.subarray(body, body + usable)) };
    }
    offset = body + size + (size % 2); // chunks are word-aligned
  }
  throw new TtsError('bad_audio', 'no data chunk');
}

/** Playable by Asterisk as it is: 16-bit mono PCM. */
export function checkPlayable(info: WavInfo): void {
  if (info.format !== 1 && info.format !== 0xfffe) throw new TtsError('bad_audio', `WAV format ${info.format} is not PCM`);
  if (info.channels !== 1) throw new TtsError('bad_audio', `${info.channels} channels, expected mono`);
  if (info.bitsPerSample !== 16) throw new TtsError('bad_audio', `${info.bitsPerSample}-bit samples, expected 16-bit`);
}

export const durationSeconds = ({ pcm, sampleRate }: PcmAudio): number => pcm.length / 2 / sampleRate;
