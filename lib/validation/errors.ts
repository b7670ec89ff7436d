// Validation errors in Crossbar's shape: keyed by the failing field's dotted path, then by rule.
//   { "flow.children._.data.timeout": { "type": { "message": "must be an integer", "value": "abc" } } }
// The API returns this object as `data` of a 400 response; ValidationError carries it there.
import type { ErrorObject } from 'ajv';
import { patternError } from './patterns.ts';

export interface RuleFailure {
  message: string;
  /** The offending value as the client sent it (absent for `required`). */
  value?: unknown;
  /** The rule's parameter: expected type, limit, allowed values, pattern… */
  target?: unknown;
}

/** field path → rule → failure. */
export type ValidationErrors = Record<string, Record<string, RuleFailure>>;

export type ValidationResult = { ok: true } | { ok: false; errors: ValidationErrors };

/** The validation boundary's one error type; the API maps it to HTTP 400 with `data: errors`. */
export class ValidationError extends Error {
  constructor(readonly errors: ValidationErrors) {
    super(`validation failed: ${Object.keys(errors).join(', ')}`);
    this.name = 'ValidationError';
  }
}

export function resultOf(errors: ValidationErrors): ValidationResult {
  return Object.keys(errors).length === 0 ? { ok: true } : { ok: false, errors };
}

/** Records a failure unless the same field already failed the same rule (the first one wins). */
export function addError(errors: ValidationErrors, path: string, rule: string, failure: RuleFailure): void {
  const rules = Object.hasOwn(errors, path) ? errors[path] : undefined;
  if (rules) {
    if (!Object.hasOwn(rules, rule)) Object.defineProperty(rules, rule, dataProperty(failure));
    return;
  }
  // defineProperty: a path or rule named "__proto__" must become a key, never a prototype.
  Object.defineProperty(errors, path, dataProperty({}));
  Object.defineProperty(errors[path], rule, dataProperty(failure));
}

function dataProperty(value: unknown): PropertyDescriptor {
  return { value, enumerable: true, writable: true, configurable: true };
}

/** Copies every failure of `from` into `into` (first failure per field and rule wins). */
export function mergeErrors(into: ValidationErrors, from: ValidationErrors): void {
  for (const [path, rules] of Object.entries(from)) {
    for (const [rule, failure] of Object.entries(rules)) addError(into, path, rule, failure);
  }
}

/** Joins a dotted prefix and a key (an empty prefix yields the key). */
export function joinPath(prefix: string, key: string): string {
  return prefix === '' ? key : key === '' ? prefix : `${prefix}.${key}`;
}

function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Value at a JSON pointer inside `root`, following own properties only. */
function valueAt(root: unknown, pointer: string): unknown {
  let cur = root;
  for (const seg of pointerSegments(pointer)) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, seg)) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

const ARTICLE: Record<string, string> = {
  integer: 'an integer',
  object: 'an object',
  array: 'an array',
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean',
  null: 'null',
};

function typeMessage(types: unknown): string {
  const list = (Array.isArray(types) ? types : String(types).split(',')).map((t) => ARTICLE[String(t)] ?? String(t));
  return `must be ${list.join(' or ')}`;
}

function plural(n: unknown, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

// Keywords that only wrap the errors of their sub-schemas (those are reported themselves).
const WRAPPERS = new Set(['if', 'then', 'else', 'allOf']);

/**
 * Turns ajv errors into the keyed shape. `prefix` is the dotted path of the validated value inside
 * the document (e.g. `flow.children._.data`); `original`, when given, is the value as the client
 * sent it, from which error values are taken (ajv may have validated a coerced copy).
 */
export function formatAjvErrors(
  errors: readonly ErrorObject[] | null | undefined,
  prefix = '',
  original?: unknown,
): ValidationErrors {
  const out: ValidationErrors = {};
  for (const e of errors ?? []) {
    if (WRAPPERS.has(e.keyword)) continue;
    const base = joinPath(prefix, pointerSegments(e.instancePath).join('.'));
    const p = e.params as Record<string, unknown>;
    const value = original !== undefined ? valueAt(original, e.instancePath) : e.data;
    const withValue = (message: string, target?: unknown): RuleFailure => ({
      message,
      ...(value !== undefined ? { value } : {}),
      ...(target !== undefined ? { target } : {}),
    });
    switch (e.keyword) {
      case 'required':
        addError(out, joinPath(base, String(p.missingProperty)), 'required', { message: 'is required' });
        break;
      case 'additionalProperties':
        addError(out, joinPath(base, String(p.additionalProperty)), 'additionalProperties', {
          message: 'is not allowed',
        });
        break;
      case 'type':
        addError(out, base, 'type', withValue(typeMessage(p.type), p.type));
        break;
      case 'enum':
        addError(
          out,
          base,
          'enum',
          withValue(`must be one of: ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`, p.allowedValues),
        );
        break;
      case 'const':
        addError(out, base, 'const', withValue(`must be ${JSON.stringify(p.allowedValue)}`, p.allowedValue));
        break;
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        addError(out, base, e.keyword, withValue(`must be ${p.comparison} ${p.limit}`, p.limit));
        break;
      case 'minLength':
        addError(out, base, e.keyword, withValue(`must be at least ${plural(p.limit, 'character')} long`, p.limit));
        break;
      case 'maxLength':
        addError(out, base, e.keyword, withValue(`must be at most ${plural(p.limit, 'character')} long`, p.limit));
        break;
      case 'minItems':
        addError(out, base, e.keyword, withValue(`must have at least ${plural(p.limit, 'item')}`, p.limit));
        break;
      case 'maxItems':
        addError(out, base, e.keyword, withValue(`must have at most ${plural(p.limit, 'item')}`, p.limit));
        break;
      case 'uniqueItems':
        addError(out, base, e.keyword, withValue(`must not contain duplicates (items ${p.j} and ${p.i} are equal)`));
        break;
      case 'pattern':
        addError(out, base, e.keyword, withValue(`must match the pattern ${p.pattern}`, p.pattern));
        break;
      case 'format': {
        const why = p.format === 'kazoo-regex' && typeof value === 'string' ? patternError(value) : undefined;
        const message =
          p.format === 'kazoo-regex' ? `must be a valid regular expression${why ? ` (${why})` : ''}` : `must be a valid ${p.format}`;
        addError(out, base, 'format', withValue(message, p.format));
        break;
      }
      default:
        addError(out, base, e.keyword, withValue(e.message ?? `failed the ${e.keyword} rule`));
    }
  }
  return out;
}
