// The API boundary's error types and their one mapping to HTTP and Crossbar's error envelope:
//   {"data": {...}, "error": "400", "message": "validation error", "status": "error", "request_id": ...}
// Route code throws these (or the validation layer's ValidationError); only toHttpError() turns
// them into a status code, so a route can never answer 5xx for something the client did.
import { MongoServerError } from 'mongodb';
import { ValidationError, type ValidationErrors } from '../validation/errors.ts';

/** An error the client caused (or a known condition), with its HTTP status, message and data. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** Crossbar's short `message` (e.g. "bad identifier"). */
    readonly crossbarMessage: string,
    readonly data: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(crossbarMessage);
    this.name = 'ApiError';
  }
}

/** 400 for a malformed request that is not a document validation failure (bad JSON, bad query). */
export class BadRequestError extends ApiError {
  constructor(message: string, data: Record<string, unknown> = {}) {
    super(400, message, data);
    this.name = 'BadRequestError';
  }
}

/** 404: also what another account's documents answer, so their existence does not leak. */
export class NotFoundError extends ApiError {
  constructor(what = 'The path was not found') {
    super(404, 'bad identifier', { message: 'bad identifier', not_found: what });
    this.name = 'NotFoundError';
  }
}

export class UnauthorizedError extends ApiError {
  constructor(reason = 'invalid credentials') {
    super(401, 'invalid credentials', { message: reason });
    this.name = 'UnauthorizedError';
  }
}

export class ForbiddenError extends ApiError {
  constructor(reason: string) {
    super(403, 'forbidden', { message: reason });
    this.name = 'ForbiddenError';
  }
}

/** 409: the client's revision is stale (optimistic concurrency), as CouchDB/Crossbar answer. */
export class ConflictError extends ApiError {
  constructor(reason: string, data: Record<string, unknown> = {}) {
    super(409, 'conflicting documents', { message: reason, ...data });
    this.name = 'ConflictError';
  }
}

export class PayloadTooLargeError extends ApiError {
  constructor(limit: number) {
    super(413, 'payload too large', { message: `the request body is larger than ${limit} bytes`, limit });
    this.name = 'PayloadTooLargeError';
  }
}

export class UnsupportedMediaTypeError extends ApiError {
  constructor(got: string, accepted: readonly string[]) {
    super(415, 'unsupported media type', { message: `content type ${JSON.stringify(got)} is not accepted`, accepted });
    this.name = 'UnsupportedMediaTypeError';
  }
}

/** 503: a dependency (database, Asterisk) is unreachable; the request may be retried. */
export class UnavailableError extends ApiError {
  constructor(what: string) {
    super(503, 'service unavailable', { message: `${what} is unavailable, retry later` }, { 'Retry-After': '1' });
    this.name = 'UnavailableError';
  }
}

/** A document validation failure in Crossbar's keyed form (also used for `unique` conflicts). */
export function validationError(errors: ValidationErrors): ValidationError {
  return new ValidationError(errors);
}

export interface HttpError {
  status: number;
  message: string;
  data: unknown;
  headers: Record<string, string>;
  /** true for errors that are our fault (logged with the stack). */
  internal: boolean;
}

const NETWORK_ERRORS = new Set(['MongoNetworkError', 'MongoServerSelectionError', 'MongoNetworkTimeoutError', 'MongoTopologyClosedError']);

/** The one place where an error becomes an HTTP status and a Crossbar error body. */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof ApiError) {
    return { status: err.status, message: err.crossbarMessage, data: err.data, headers: err.headers, internal: false };
  }
  if (err instanceof ValidationError) {
    return { status: 400, message: 'validation error', data: err.errors, headers: {}, internal: false };
  }
  if (err instanceof MongoServerError && err.code === 11000) {
    // A unique index we did not expect to hit (the expected ones are turned into ValidationErrors).
    return { status: 400, message: 'validation error', data: { id: { unique: { message: 'a document with this id already exists' } } }, headers: {}, internal: false };
  }
  if (err instanceof MongoServerError && err.code === 112) {
    // WriteConflict: two writes raced on one document; the client can simply retry.
    return { status: 409, message: 'conflicting documents', data: { message: 'a concurrent write got there first; retry' }, headers: { 'Retry-After': '0' }, internal: false };
  }
  const name = (err as { name?: string } | null)?.name ?? '';
  if (NETWORK_ERRORS.has(name)) {
    return { status: 503, message: 'service unavailable', data: { message: 'the database is unavailable, retry later' }, headers: { 'Retry-After': '1' }, internal: true };
  }
  // Koa/http-errors style errors raised by middleware we use (status 4xx, expose=true).
  const status = (err as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, message: String((err as Error).message || 'bad request'), data: {}, headers: {}, internal: false };
  }
  return { status: 500, message: 'internal error', data: { message: 'internal error' }, headers: {}, internal: true };
}
