// What a received fax file holds, read from its TIFF structure: how many pages (image directories) and the
// first page's size. Enough to check what Asterisk wrote and to describe it, without an image library.

export interface TiffInfo {
  pages: number;
  /** First page, in pixels. */
  width?: number;
  height?: number;
}

const MAX_PAGES = 10_000;

/** Pages of a TIFF file (its IFD chain), or undefined when `buf` is not a well-formed classic TIFF. */
export function tiffInfo(buf: Buffer): TiffInfo | undefined {
  if (buf.length < 8) return undefined;
  const order = buf.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return undefined;
  const le = order === 'II';
  const u16 = (at: number) => (le ? buf.readUInt16LE(at) : buf.readUInt16BE(at));
  const u32 = (at: number) => (le ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
  if (u16(2) !== 42) return undefined;
  const info: TiffInfo = { pages: 0 };
  const seen = new Set<number>();
  for (let ifd = u32(4); ifd !== 0; ) {
    // A loop in the chain or an offset outside the file: not a file to trust.
    if (seen.has(ifd) || ifd + 2 > buf.length || seen.size >= MAX_PAGES) return undefined;
    seen.add(ifd);
    const count = u16(ifd);
    const end = ifd + 2 + count * 12;
    if (end + 4 > buf.length) return undefined;
    if (info.pages === 0) {
      for (let i = 0; i < count; i++) {
        const entry = ifd + 2 + i * 12;
        const tag = u16(entry);
        const type = u16(entry + 2);
        // SHORT values sit in the first two bytes of the value field, LONG in all four.
        const value = type === 3 ? u16(entry + 8) : u32(entry + 8);
        if (tag === 256) info.width = value;
        if (tag === 257) info.height = value;
      }
    }
    info.pages++;
    ifd = u32(end);
  }
  return info.pages > 0 ? info : undefined;
}
