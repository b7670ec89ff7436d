// A fax document for tests: a valid bilevel TIFF (uncompressed, 1728 pixels wide, 204×98 dpi: what a
// G3 fax page is) with `pages` pages of a few black bars, written in code (no image tools in the stack).

const WIDTH = 1728;
const ROW_BYTES = WIDTH / 8;

function page(rows: number, seed: number): Buffer {
  const img = Buffer.alloc(ROW_BYTES * rows); // 0 = white (WhiteIsZero)
  for (let y = 0; y < rows; y++) {
    // Horizontal bars and a vertical stripe, different per page.
    if ((y + seed * 7) % 40 < 6) img.fill(0xff, y * ROW_BYTES + 20, y * ROW_BYTES + 180);
    img[y * ROW_BYTES + 10 + (seed % 50)] = 0xff;
  }
  return img;
}

export function bilevelTiff(pages = 1, rows = 200): Buffer {
  const chunks: Buffer[] = [];
  let offset = 8;
  const header = Buffer.alloc(8);
  header.write('II', 0, 'latin1');
  header.writeUInt16LE(42, 2);
  chunks.push(header);
  const ifdOffsets: number[] = [];
  const patches: Array<{ at: number; value: number }> = [];
  for (let p = 0; p < pages; p++) {
    const img = page(rows, p + 1);
    const imgAt = offset;
    chunks.push(img);
    offset += img.length;
    const resAt = offset; // two RATIONALs: 204/1, 98/1
    const res = Buffer.alloc(16);
    res.writeUInt32LE(204, 0);
    res.writeUInt32LE(1, 4);
    res.writeUInt32LE(98, 8);
    res.writeUInt32LE(1, 12);
    chunks.push(res);
    offset += res.length;
    // [tag, type (3 SHORT, 4 LONG, 5 RATIONAL), value]; sorted by tag as TIFF requires.
    const entries: Array<[number, number, number]> = [
      [254, 4, 2], // NewSubfileType: a page of a multi-page document
      [256, 4, WIDTH],
      [257, 4, rows],
      [258, 3, 1], // BitsPerSample
      [259, 3, 1], // Compression: none
      [262, 3, 0], // Photometric: WhiteIsZero
      [266, 3, 1], // FillOrder
      [273, 4, imgAt], // StripOffsets
      [277, 3, 1], // SamplesPerPixel
      [278, 4, rows], // RowsPerStrip
      [279, 4, img.length], // StripByteCounts
      [282, 5, resAt], // XResolution
      [283, 5, resAt + 8], // YResolution
      [284, 3, 1], // PlanarConfiguration
      [296, 3, 2], // ResolutionUnit: inch
      [297, 3, p | (pages << 16)], // PageNumber: this page, of `pages`
    ];
    const ifd = Buffer.alloc(2 + entries.length * 12 + 4);
    ifd.writeUInt16LE(entries.length, 0);
    entries.forEach(([tag, type, value], i) => {
      const at = 2 + i * 12;
      ifd.writeUInt16LE(tag, at);
      ifd.writeUInt16LE(type, at + 2);
      ifd.writeUInt32LE(tag === 297 ? 2 : 1, at + 4);
      if (tag === 297) {
        ifd.writeUInt16LE(p, at + 8);
        ifd.writeUInt16LE(pages, at + 10);
      } else if (type === 3) ifd.writeUInt16LE(value, at + 8);
      else ifd.writeUInt32LE(value, at + 8);
    });
    ifdOffsets.push(offset);
    patches.push({ at: offset + 2 + entries.length * 12, value: 0 });
    chunks.push(ifd);
    offset += ifd.length;
  }
  const out = Buffer.concat(chunks);
  out.writeUInt32LE(ifdOffsets[0], 4);
  for (let p = 0; p < pages; p++) out.writeUInt32LE(p + 1 < pages ? ifdOffsets[p + 1] : 0, patches[p].at);
  return out;
}
