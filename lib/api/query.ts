// Crossbar's list query parameters: pagination (`page_size`, opaque `start_key` → `next_start_key`,
// `paginate=false`) and filters (`filter_<field>=`, `filter_not_<field>=`, `has_key=`, `key_missing=`,
// `has_value=`, `created_from/_to`, `modified_from/_to`), translated into one MongoDB filter.
import type { Document, Filter } from 'mongodb';
import { BadRequestError } from './errors.ts';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;
/** `paginate=false` still stops here: a list is not an export. */
export const MAX_UNPAGINATED = 10_000;

export type Query = Record<string, string | string[] | undefined>;

export interface Page {
  limit: number;
  startAfter?: string;
  /** The start_key as the client sent it (echoed back). */
  startKey?: string;
  paginated: boolean;
}

function one(q: Query, name: string): string | undefined {
  const v = q[name];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

function invalid(param: string, rule: string, message: string, value?: unknown): never {
  throw new BadRequestError('validation error', { [param]: { [rule]: { message, ...(value !== undefined ? { value } : {}) } } });
}

export function encodeStartKey(id: string): string {
  return Buffer.from(JSON.stringify([id]), 'utf8').toString('base64url');
}

function decodeStartKey(key: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(key, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 1 && typeof parsed[0] === 'string') return parsed[0];
  } catch {
    /* fall through */
  }
  return invalid('start_key', 'format', 'is not a start key returned by this API (next_start_key)', key);
}

export function pageOf(q: Query): Page {
  const paginate = one(q, 'paginate');
  if (paginate === 'false') return { limit: MAX_UNPAGINATED, paginated: false };
  const raw = one(q, 'page_size');
  let limit = DEFAULT_PAGE_SIZE;
  if (raw !== undefined) {
    if (!/^\d{1,7}$/.test(raw)) invalid('page_size', 'type', 'must be an integer', raw);
    limit = Number(raw);
    if (limit < 1 || limit > MAX_PAGE_SIZE) invalid('page_size', limit < 1 ? 'minimum' : 'maximum', `must be between 1 and ${MAX_PAGE_SIZE}`, raw);
  }
  const startKey = one(q, 'start_key');
  return { limit, paginated: true, ...(startKey ? { startKey, startAfter: decodeStartKey(startKey) } : {}) };
}

const FIELD_PATH = /^[A-Za-z0-9_\-:+#*@ ]+(\.[A-Za-z0-9_\-:+#*@ ]+){0,15}$/;

function fieldOf(param: string, name: string): string {
  if (!FIELD_PATH.test(name) || name.length > 256) invalid(param, 'pattern', 'is not a field path (dotted names of letters, digits, _ - : + # * @)', name);
  return name === 'id' ? '_id' : name;
}

/** A query value matches the stored string and, when it reads as one, the number or boolean. */
function candidates(value: string): unknown[] {
  const out: unknown[] = [value];
  if (value === 'true') out.push(true);
  else if (value === 'false') out.push(false);
  else if (value === 'null') out.push(null);
  else if (/^-?\d+(\.\d+)?$/.test(value) && value.length < 16) out.push(Number(value));
  return out;
}

function timeBound(q: Query, name: string): number | undefined {
  const raw = one(q, name);
  if (raw === undefined) return undefined;
  if (!/^\d{1,13}$/.test(raw)) invalid(name, 'type', 'must be an integer (Gregorian seconds)', raw);
  return Number(raw);
}

export function filtersOf(q: Query): Filter<Document> {
  const and: Filter<Document>[] = [];
  for (const [param, rawValue] of Object.entries(q)) {
    if (rawValue === undefined) continue;
    const values = Array.isArray(rawValue) ? rawValue : [rawValue];
    if (param.startsWith('filter_not_')) {
      const field = fieldOf(param, param.slice('filter_not_'.length));
      and.push({ [field]: { $nin: values.flatMap(candidates) } });
    } else if (param.startsWith('filter_')) {
      const field = fieldOf(param, param.slice('filter_'.length));
      and.push({ [field]: { $in: values.flatMap(candidates) } });
    } else if (param === 'has_key') {
      for (const v of values) and.push({ [fieldOf(param, v)]: { $exists: true } });
    } else if (param === 'key_missing') {
      for (const v of values) and.push({ [fieldOf(param, v)]: { $exists: false } });
    } else if (param === 'has_value') {
      for (const v of values) and.push({ [fieldOf(param, v)]: { $exists: true, $nin: [null, ''] } });
    }
  }
  const range = (field: string, from?: number, to?: number) => {
    if (from === undefined && to === undefined) return;
    and.push({ [field]: { ...(from !== undefined ? { $gte: from } : {}), ...(to !== undefined ? { $lte: to } : {}) } });
  };
  range('pvt_created', timeBound(q, 'created_from'), timeBound(q, 'created_to'));
  range('pvt_modified', timeBound(q, 'modified_from'), timeBound(q, 'modified_to'));
  // Always under $and: the list's own `_id` bound (pagination) must not replace a filter on `id`.
  return and.length === 0 ? {} : { $and: and };
}
