// G.711 µ-law copies of 8 kHz prompts. Asterisk plays a sound from whichever format of the file costs the
// least to turn into the channel's codec: with a `.ulaw` next to the `.wav`, a µ-law call (SIP phones,
// carriers) streams the file as it is instead of transcoding every 20 ms frame.
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';

const BIAS = 0x84;
const CLIP = 32635;
/** Segment (exponent) of a biased magnitude's top byte. */
const SEGMENT = Uint8Array.from({ length: 256 }, (_, i) => (i === 0 ? 0 : Math.floor(Math.log2(i))));

/** One 16-bit linear sample → its µ-law byte (ITU-T G.711). */
export function ulawByte(sample: number): number {
  let s = sample | 0;
  const sign = s < 0 ? 0x80 : 0;
  if (sign) s = -s;
  if (s > CLIP) s = CLIP;
  s += BIAS;
  const exponent = SEGMENT[(s >> 7) & 0xff];
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** 16-bit signed little-endian mono PCM → µ-law bytes (one per sample). */
export function pcmToUlaw(pcm: Buffer): Buffer {
  const out = Buffer.alloc(pcm.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = ulawByte(pcm.readInt16LE(i * 2));
  return out;
}

/**
 * Writes `<base>.ulaw` from 8 kHz PCM, atomically (Asterisk never sees half a file). Best effort: the
 * `.wav` alone plays too, so a failure here is returned, not thrown.
 */
export async function writeUlawCopy(base: string, pcm: Buffer): Promise<Error | undefined> {
  const file = `${base}.ulaw`;
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, pcmToUlaw(pcm), { mode: 0o644 });
    await rename(tmp, file);
    return undefined;
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => {});
    return err as Error;
  }
}
