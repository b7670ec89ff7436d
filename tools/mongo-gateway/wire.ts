// MongoDB wire protocol framing: OP_MSG both ways, OP_QUERY in and OP_REPLY
// out only for the legacy first handshake some drivers still send.
import { documentLength, MalformedBsonError } from './raw-bson.ts';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_MSG = 2013;

export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
export const MAX_MESSAGE_SIZE = 48_000_000;
const HEADER_SIZE = 16;

const FLAG_CHECKSUM_PRESENT = 1 << 0;
const FLAG_MORE_TO_COME = 1 << 1;
// Bits 0-15 are "required": a receiver must reject ones it does not know.
// exhaustAllowed (bit 16) is optional and ignored: replies are never streamed.
const KNOWN_REQUIRED_FLAGS = FLAG_CHECKSUM_PRESENT | FLAG_MORE_TO_COME;

/** The connection cannot continue: the byte stream is out of sync. */
export class ProtocolError extends Error {}

export interface MsgRequest {
  opCode: typeof OP_MSG;
  requestId: number;
  moreToCome: boolean;
  body: Buffer;
  /** Kind-1 sections (e.g. `documents` of an insert), by identifier. */
  sequences: Map<string, Buffer[]>;
}

export interface QueryRequest {
  opCode: typeof OP_QUERY;
  requestId: number;
  fullCollectionName: string;
  query: Buffer;
}

export type Request = MsgRequest | QueryRequest;

/**
 * Splits a TCP byte stream into whole messages. Chunks are kept in a list and
 * joined once per message so a 48 MB message arriving in 64 KB pieces costs
 * one copy instead of hundreds.
 */
export class MessageFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: Buffer[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const size = this.peekInt32();
      if (size < HEADER_SIZE || size > MAX_MESSAGE_SIZE) {
        throw new ProtocolError(`invalid message length ${size}`);
      }
      if (this.buffered < size) break;
      out.push(this.take(size));
    }
    return out;
  }

  private peekInt32(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readInt32LE(0);
    return Buffer.concat(this.chunks).readInt32LE(0);
  }

  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length === n) {
      this.chunks.shift();
      this.buffered -= n;
      return first;
    }
    if (first.length > n) {
      this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      return first.subarray(0, n);
    }
    const all = Buffer.concat(this.chunks, this.buffered);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    return all.subarray(0, n);
  }
}

function readCString(buf: Buffer, at: number, limit: number): [string, number] {
  const nul = buf.indexOf(0, at);
  if (nul < 0 || nul >= limit) throw new ProtocolError('unterminated cstring');
  return [buf.toString('utf8', at, nul), nul + 1];
}

function parseOpMsg(msg: Buffer, requestId: number): MsgRequest {
  if (msg.length < HEADER_SIZE + 5) throw new ProtocolError('OP_MSG too short');
  const flags = msg.readUInt32LE(HEADER_SIZE);
  if (flags & 0xffff & ~KNOWN_REQUIRED_FLAGS) throw new ProtocolError(`unsupported OP_MSG flags 0x${flags.toString(16)}`);
  const end = flags & FLAG_CHECKSUM_PRESENT ? msg.length - 4 : msg.length;
  let pos = HEADER_SIZE + 4;
  let body: Buffer | undefined;
  const sequences = new Map<string, Buffer[]>();
  try {
    while (pos < end) {
      const kind = msg[pos++];
      if (kind === 0) {
        if (body) throw new ProtocolError('OP_MSG with two body sections');
        const len = documentLength(msg, pos, end);
        body = msg.subarray(pos, pos + len);
        pos += len;
      } else if (kind === 1) {
        if (pos + 4 > end) throw new ProtocolError('truncated document sequence');
        const size = msg.readInt32LE(pos);
        const seqEnd = pos + size;
        if (size < 5 || seqEnd > end) throw new ProtocolError('document sequence length out of bounds');
        const [identifier, docsAt] = readCString(msg, pos + 4, seqEnd);
        const docs: Buffer[] = [];
        let at = docsAt;
        while (at < seqEnd) {
          const len = documentLength(msg, at, seqEnd);
          docs.push(msg.subarray(at, at + len));
          at += len;
        }
        sequences.set(identifier, [...(sequences.get(identifier) ?? []), ...docs]);
        pos = seqEnd;
      } else {
        throw new ProtocolError(`unknown OP_MSG section kind ${kind}`);
      }
    }
  } catch (err) {
    if (err instanceof MalformedBsonError) throw new ProtocolError(`malformed BSON in OP_MSG: ${err.message}`);
    throw err;
  }
  if (!body) throw new ProtocolError('OP_MSG without a body section');
  return { opCode: OP_MSG, requestId, moreToCome: (flags & FLAG_MORE_TO_COME) !== 0, body, sequences };
}

function parseOpQuery(msg: Buffer, requestId: number): QueryRequest {
  const [fullCollectionName, afterName] = readCString(msg, HEADER_SIZE + 4, msg.length);
  const queryAt = afterName + 8; // numberToSkip, numberToReturn
  try {
    const len = documentLength(msg, queryAt, msg.length);
    return { opCode: OP_QUERY, requestId, fullCollectionName, query: msg.subarray(queryAt, queryAt + len) };
  } catch (err) {
    if (err instanceof MalformedBsonError) throw new ProtocolError(`malformed OP_QUERY: ${err.message}`);
    throw err;
  }
}

export function parseMessage(msg: Buffer): Request {
  const requestId = msg.readInt32LE(4);
  const opCode = msg.readInt32LE(12);
  if (opCode === OP_MSG) return parseOpMsg(msg, requestId);
  if (opCode === OP_QUERY) return parseOpQuery(msg, requestId);
  throw new ProtocolError(`unsupported opCode ${opCode}`);
}

let nextResponseId = 1;

function header(totalLength: number, responseTo: number, opCode: number): Buffer {
  const h = Buffer.allocUnsafe(HEADER_SIZE);
  h.writeInt32LE(totalLength, 0);
  h.writeInt32LE(nextResponseId, 4);
  nextResponseId = (nextResponseId + 1) | 0;
  h.writeInt32LE(responseTo, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

export function encodeOpMsg(responseTo: number, body: Buffer): Buffer[] {
  const prefix = Buffer.alloc(5); // flagBits 0, section kind 0
  return [header(HEADER_SIZE + 5 + body.length, responseTo, OP_MSG), prefix, body];
}

export function encodeOpReply(responseTo: number, doc: Buffer, queryFailure = false): Buffer[] {
  const fields = Buffer.alloc(20);
  fields.writeInt32LE(queryFailure ? 2 : 0, 0); // responseFlags: bit 1 = QueryFailure
  // cursorID (int64) 0, startingFrom 0
  fields.writeInt32LE(1, 16); // numberReturned
  return [header(HEADER_SIZE + 20 + doc.length, responseTo, OP_REPLY), fields, doc];
}
