// Kazoo value coercion: the runtime reads "30" as 30 where it wants an integer and "true"/"false"
// as booleans (old UIs store them that way). Only that direction is applied: a number is never
// turned into a string, null never into 0, so `"sip": {"password": 12345}` is still a type error.
// ajv's own coerceTypes does all directions, hence this small schema-guided pass.
import type { JsonSchema } from '../engine/module.ts';

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function typesOf(schema: JsonSchema): string[] | undefined {
  const t = schema.type;
  if (typeof t === 'string') return [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === 'string');
  return undefined;
}

/**
 * One value towards the allowed JSON types, as Kazoo's readers do. Strings are left alone when
 * `string` is allowed (or no type is declared); anything that does not convert cleanly is
 * returned unchanged for the validator to reject.
 */
export function coerceScalar(value: unknown, types: readonly string[] | undefined): unknown {
  if (typeof value !== 'string' || !types || types.includes('string')) return value;
  if (types.includes('integer') && INTEGER.test(value)) {
    const n = Number(value);
    if (Number.isSafeInteger(n)) return n;
  }
  if (types.includes('number') && NUMBER.test(value)) return Number(value);
  if (types.includes('boolean')) {
    if (value === 'true') return true;
    if (value === 'false') return false;
  }
  return value;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Sub-schemas that also describe the same value (allOf and both arms of if/then/else). */
function companions(schema: JsonSchema): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    const list = schema[key];
    if (Array.isArray(list)) out.push(...list.filter(isObject));
  }
  for (const key of ['then', 'else']) if (isObject(schema[key])) out.push(schema[key] as JsonSchema);
  return out;
}

/** The schemas that apply to property `key` of an object described by `schema`. */
function propertySchemas(schema: JsonSchema, key: string): JsonSchema[] {
  const props = schema.properties;
  if (isObject(props) && Object.hasOwn(props, key) && isObject(props[key])) return [props[key] as JsonSchema];
  return isObject(schema.additionalProperties) ? [schema.additionalProperties] : [];
}

/**
 * Coerces `value` (in place for objects and arrays; returns the possibly replaced value) where
 * `schema` declares an integer, number or boolean. Conditional branches (if/then) are all
 * applied: they only ever narrow a string to the type their property declares.
 * Only own properties are visited; keys such as "__proto__" are treated as plain data.
 */
export function coerceBySchema(schema: JsonSchema, value: unknown): unknown {
  const schemas = [schema, ...companionsDeep(schema)];
  let out = value;
  for (const s of schemas) out = coerceScalar(out, typesOf(s));
  if (isObject(out)) {
    for (const key of Object.keys(out)) {
      const subs = schemas.flatMap((s) => propertySchemas(s, key));
      if (subs.length === 0) continue;
      const before = out[key];
      // A string stays a string when any schema that applies to it accepts strings.
      const keepString = typeof before === 'string' && subs.some((sub) => typesOf(sub)?.includes('string'));
      const after = keepString ? before : subs.reduce<unknown>((v, sub) => coerceBySchema(sub, v), before);
      if (after !== before) Object.defineProperty(out, key, { value: after, enumerable: true, writable: true, configurable: true });
    }
  } else if (Array.isArray(out)) {
    const items = schemas.map((s) => s.items).filter(isObject);
    for (let i = 0; i < out.length; i += 1) out[i] = items.reduce<unknown>((v, sub) => coerceBySchema(sub, v), out[i]);
  }
  return out;
}

function companionsDeep(schema: JsonSchema): JsonSchema[] {
  const out: JsonSchema[] = [];
  const queue = companions(schema);
  while (queue.length > 0) {
    const s = queue.shift()!;
    out.push(s);
    queue.push(...companions(s));
  }
  return out;
}
