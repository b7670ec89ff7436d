// G.711 µ-law encoding of prompts (lib/media/ulaw.ts): the standard's fixed points, the sign and clipping,
// and every 16-bit value decoding back within one quantisation step of its segment.
import { expect } from 'chai';
import { pcmToUlaw, ulawByte } from '../../lib/media/ulaw.ts';

/** The G.711 µ-law decoder, written from the standard (independent of the encoder under test). */
function decode(byte: number): number {
  const u = ~byte & 0xff;
  const sign = u & 0x80;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
  return sign ? -magnitude : magnitude;
}

describe('µ-law copies of prompts', () => {
  const fixed: [number, number][] = [
    [0, 0xff],
    [-1, 0x7f],
    [32767, 0x80],
    [-32768, 0x00],
    [32124, 0x80],
    [-32124, 0x00],
    [100, 0xf2],
    [-100, 0x72],
  ];
  for (const [sample, byte] of fixed) {
    it(`encodes ${sample} as 0x${byte.toString(16)}`, () => expect(ulawByte(sample)).to.equal(byte));
  }

  it('decodes every 16-bit sample back within one quantisation step of its segment', () => {
    for (let x = -32768; x <= 32767; x++) {
      const y = decode(ulawByte(x));
      const clipped = Math.max(-32124, Math.min(32124, x));
      const step = 8 << Math.min(7, Math.max(0, Math.floor(Math.log2((Math.abs(clipped) + 0x84) >> 7))));
      expect(Math.abs(y - clipped), `${x} → ${y}`).to.be.at.most(step);
    }
  });

  it('turns little-endian 16-bit PCM into one byte per sample', () => {
    const pcm = Buffer.alloc(8);
    [0, 32767, -32768, 100].forEach((v, i) => pcm.writeInt16LE(v, i * 2));
    expect([...pcmToUlaw(pcm)]).to.deep.equal([0xff, 0x80, 0x00, 0xf2]);
    expect(pcmToUlaw(Buffer.alloc(0))).to.have.length(0);
  });
});
