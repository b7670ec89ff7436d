// Request bodies, read defensively: a byte limit (413), the content type (415), JSON syntax (400 with
// the position), nesting depth (400) and keys that must never reach an object or the database
// (`__proto__`, `constructor`, `prototype`, `$…`, NUL) are all checked before any route sees the data.
//
// Key order: JSON.parse (like every JS object) lists integer-like keys ("0".."9", "404") first, in
// ascending order, whatever the order in the text. Callflow children keyed by digits (menus) are
// unordered in Kazoo too, and the order that matters (temporal_route's rule ids, `_`) uses
// 32-hex / non-numeric keys, which keep their document order.
import type { IncomingMessage } from 'node:http';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from './errors.ts';

export const JSON_LIMIT = 1024 * 1024;
export const MAX_DEPTH = 64;

/** Reads the whole body, failing with 413 as soon as it exceeds `limit` bytes. */
export async function readRaw(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume(); // drain; the connection stays usable
    throw new PayloadTooLargeError(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw new PayloadTooLargeError(limit);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/** The media type without parameters, lower-cased ('' when absent). */
export function mediaTypeOf(header: string | undefined): string {
  return (header ?? '').split(';')[0].trim().toLowerCase();
}

export function isJsonType(type: string): boolean {
  // No content type at all is taken as JSON: `curl -d` scripts against Crossbar often omit it.
  return type === '' || type === 'application/json' || type === 'text/json' || /^application\/[\w.-]+\+json$/.test(type);
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Nesting depth of a JSON text, counted without parsing (strings are skipped). */
export function jsonDepth(text: string, stopAt = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 || c === 91 /* { [ */) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > stopAt) return max;
      }
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}

/** Why a key is refused, or undefined. */
export function badKeyReason(key: string): string | undefined {
  if (FORBIDDEN_KEYS.has(key)) return `the key ${JSON.stringify(key)} is not allowed`;
  if (key.startsWith('$')) return 'keys must not start with "$"';
  if (key.includes('\u0000')) return 'keys must not contain NUL characters';
  return undefined;
}

/** Path and reason of the first refused key of a parsed JSON value (iterative: no recursion). */
export function findBadKey(value: unknown): { path: string; reason: string } | undefined {
  const stack: Array<{ v: unknown; path: string }> = [{ v: value, path: '' }];
  while (stack.length) {
    const { v, path } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push({ v: v[i], path: path ? `${path}.${i}` : String(i) });
      continue;
    }
    for (const key of Object.keys(v)) {
      const p = path ? `${path}.${key}` : key;
      const reason = badKeyReason(key);
      if (reason) return { path: p, reason };
      stack.push({ v: (v as Record<string, unknown>)[key], path: p });
    }
  }
  return undefined;
}

/** Parses a JSON text with the depth and key checks above; throws BadRequestError. */
export function parseJson(text: string, maxDepth = MAX_DEPTH): unknown {
  if (text.trim() === '') throw new BadRequestError('invalid json', { message: 'the request body is empty' });
  const depth = jsonDepth(text, maxDepth);
  if (depth > maxDepth) {
    throw new BadRequestError('invalid json', { message: `the JSON is nested more than ${maxDepth} levels deep` });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const pos = /position (\d+)/.exec(message);
    throw new BadRequestError('invalid json', {
      message: `the request body is not valid JSON: ${message}`,
      ...(pos ? { position: Number(pos[1]) } : {}),
    });
  }
  const bad = findBadKey(value);
  if (bad) throw new BadRequestError('invalid json', { message: bad.reason, path: bad.path });
  return value;
}

export function decodeUtf8(buf: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw new BadRequestError('invalid json', { message: 'the request body is not valid UTF-8' });
  }
}

/** Reads and parses a JSON request body (any JSON value); see the file comment for the checks. */
export async function readJson(req: IncomingMessage, limit = JSON_LIMIT): Promise<unknown> {
  const type = mediaTypeOf(req.headers['content-type']);
  if (!isJsonType(type)) {
    req.resume();
    throw new UnsupportedMediaTypeError(type, ['application/json']);
  }
  const raw = await readRaw(req, limit);
  return parseJson(decodeUtf8(raw));
}

export interface Envelope {
  data: Record<string, unknown>;
  auth_token?: string;
}

/**
 * Reads Crossbar's request envelope `{"data": {...}}`. `data` must be an object (an absent body or
 * absent `data` is `{}` only when `optional`).
 */
export async function readEnvelope(req: IncomingMessage, { optional = false, limit = JSON_LIMIT } = {}): Promise<Envelope> {
  const declared = req.headers['content-length'];
  const chunked = req.headers['transfer-encoding'] !== undefined;
  if (optional && (declared === undefined || declared === '0') && !chunked) return { data: {} };
  const body = await readJson(req, limit);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new BadRequestError('invalid request', { message: 'the request body must be a JSON object like {"data": {...}}' });
  }
  const env = body as Record<string, unknown>;
  if (!Object.hasOwn(env, 'data')) {
    if (optional) return { data: {} };
    throw new BadRequestError('validation error', { data: { required: { message: 'the request body must carry its document in "data"' } } });
  }
  const data = env.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new BadRequestError('validation error', { data: { type: { message: 'must be an object', target: 'object' } } });
  }
  return { data: data as Record<string, unknown>, ...(typeof env.auth_token === 'string' ? { auth_token: env.auth_token } : {}) };
}
