// Byte-level edits of BSON documents. Commands are forwarded to DocumentDB by
// splicing bytes instead of deserialize/serialize round trips, so user values
// (int32 vs double, Long, Decimal128, regex flags, binary subtypes) reach
// PostgreSQL exactly as the driver encoded them, and big batches stay cheap.

export class MalformedBsonError extends Error {}

interface Element {
  name: string;
  start: number; // offset of the type byte
  end: number; // offset just past the value
}

const MIN_DOC_SIZE = 5;

function fail(msg: string): never {
  throw new MalformedBsonError(msg);
}

function cstringEnd(buf: Buffer, from: number, limit: number): number {
  const nul = buf.indexOf(0, from);
  if (nul < 0 || nul >= limit) fail('unterminated cstring');
  return nul;
}

function int32At(buf: Buffer, at: number, limit: number): number {
  if (at + 4 > limit) fail('truncated int32');
  return buf.readInt32LE(at);
}

/** Length of the value of an element of `type` starting at `at`. */
function valueLength(buf: Buffer, type: number, at: number, limit: number): number {
  switch (type) {
    case 0x01: // double
    case 0x09: // UTC datetime
    case 0x11: // timestamp
    case 0x12: // int64
      return 8;
    case 0x13: // decimal128
      return 16;
    case 0x07: // ObjectId
      return 12;
    case 0x08: // bool
      return 1;
    case 0x10: // int32
      return 4;
    case 0x06: // undefined
    case 0x0a: // null
    case 0xff: // MinKey
    case 0x7f: // MaxKey
      return 0;
    case 0x02: // string
    case 0x0d: // JavaScript code
    case 0x0e: {
      // symbol
      const n = int32At(buf, at, limit);
      if (n < 1) fail('bad string length');
      return 4 + n;
    }
    case 0x03: // document
    case 0x04: // array
    case 0x0f: {
      // code with scope
      const n = int32At(buf, at, limit);
      if (n < MIN_DOC_SIZE) fail('bad embedded document length');
      return n;
    }
    case 0x05: {
      // binary
      const n = int32At(buf, at, limit);
      if (n < 0) fail('bad binary length');
      return 5 + n;
    }
    case 0x0b: {
      // regex: two cstrings
      const first = cstringEnd(buf, at, limit);
      const second = cstringEnd(buf, first + 1, limit);
      return second + 1 - at;
    }
    case 0x0c: {
      // DBPointer: string + ObjectId
      const n = int32At(buf, at, limit);
      if (n < 1) fail('bad DBPointer length');
      return 4 + n + 12;
    }
    default:
      return fail(`unknown BSON type 0x${type.toString(16)}`);
  }
}

/** Checks the outer frame of a document and returns its length. */
export function documentLength(buf: Buffer, at = 0, limit = buf.length): number {
  const n = int32At(buf, at, limit);
  if (n < MIN_DOC_SIZE || at + n > limit) fail('document length out of bounds');
  if (buf[at + n - 1] !== 0) fail('document not NUL-terminated');
  return n;
}

function topLevel(doc: Buffer): Element[] {
  const size = documentLength(doc);
  const limit = size - 1;
  const out: Element[] = [];
  let pos = 4;
  while (pos < limit) {
    const type = doc[pos]!;
    const nameEnd = cstringEnd(doc, pos + 1, limit);
    const valueAt = nameEnd + 1;
    const end = valueAt + valueLength(doc, type, valueAt, limit);
    if (end > limit) fail('element overruns document');
    out.push({ name: doc.toString('utf8', pos + 1, nameEnd), start: pos, end });
    pos = end;
  }
  if (pos !== limit) fail('trailing bytes in document');
  return out;
}

function frame(parts: Buffer[]): Buffer {
  const bodyLen = parts.reduce((n, p) => n + p.length, 0);
  const out = Buffer.allocUnsafe(bodyLen + 5);
  out.writeInt32LE(bodyLen + 5, 0);
  let pos = 4;
  for (const p of parts) {
    p.copy(out, pos);
    pos += p.length;
  }
  out[pos] = 0;
  return out;
}

/** An array element whose items are already-encoded documents. */
export function arrayElement(name: string, docs: Buffer[]): Buffer {
  const items: Buffer[] = [];
  docs.forEach((d, i) => {
    items.push(Buffer.from([0x03]), Buffer.from(`${i}\0`, 'utf8'), d);
  });
  const arr = frame(items);
  return Buffer.concat([Buffer.from([0x04]), Buffer.from(`${name}\0`, 'utf8'), arr]);
}

/**
 * Copy of `doc` without the top-level fields in `drop`, with `extra` encoded
 * elements appended (at the end, so the command name stays the first key).
 */
export function rewriteDocument(doc: Buffer, drop: ReadonlySet<string>, extra: Buffer[] = []): Buffer {
  const kept: Buffer[] = [];
  for (const el of topLevel(doc)) {
    if (!drop.has(el.name)) kept.push(doc.subarray(el.start, el.end));
  }
  return frame([...kept, ...extra]);
}

/** Top-level field names, in order. */
export function fieldNames(doc: Buffer): string[] {
  return topLevel(doc).map((e) => e.name);
}
