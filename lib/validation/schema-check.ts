// Checking a value against one of our schemas, for storage and for run time.
//
// Coercion policy. Kazoo's runtime reads integers written as strings ("timeout": "30") and
// booleans written as strings ("true") — old UIs store them that way — while its API schemas
// reject them. We accept what the runtime accepts, but we STORE WHAT WAS GIVEN: a stored value is
// validated on a private coerced copy (so "30" passes `integer` and still meets `minimum`), and the
// caller's document is left untouched, so an import exported again is exactly what came in. Why
// not convert on save: exporters (and Kazoo, if data goes back) must get their own values back, and
// run time must coerce anyway for documents written by others. Modules get converted values from
// withDefaults() at run time.
//
// Defaults policy. Schemas carry Kazoo's run-time defaults, but stored documents never get them
// (a round trip must not grow keys); prepareForRuntime() applies them to a copy.
import type { JsonSchema } from '../engine/module.ts';
import { compileRuntime, compileStored } from './ajv.ts';
import { coerceBySchema } from './coercion.ts';
import { addError, formatAjvErrors, joinPath, type ValidationErrors } from './errors.ts';
import { cloneJson, depthExceeded, withoutNulls } from './json-clone.ts';

/**
 * Deepest nesting accepted in one validated value (a document without its flow, or one node's
 * data). MongoDB refuses BSON nested deeper than 100 levels, and the limit keeps hostile input
 * from overflowing the stack of the JSON copy below.
 */
export const MAX_NESTING = 100;

/** Errors of `value` against `schema` (empty when valid); keys are prefixed with `prefix`. */
export function schemaErrors(schema: JsonSchema, value: unknown, prefix = ''): ValidationErrors {
  const tooDeep = depthExceeded(value, MAX_NESTING);
  if (tooDeep) {
    const errors: ValidationErrors = {};
    addError(errors, joinPath(prefix, tooDeep.slice(0, 1).join('.')), 'maxDepth', {
      message: `nested more than ${MAX_NESTING} levels deep`,
      target: MAX_NESTING,
    });
    return errors;
  }
  const validate = compileStored(schema);
  const copy = coerceBySchema(schema, cloneJson(value));
  return validate(copy) ? {} : formatAjvErrors(validate.errors, prefix, value);
}

/**
 * A copy of `value` ready for run time: null treated as absent, Kazoo's coercion applied, schema
 * defaults filled in. Values that still do not fit are left as they are.
 */
export function prepareForRuntime(schema: JsonSchema, value: unknown): unknown {
  const copy = coerceBySchema(schema, withoutNulls(value));
  compileRuntime(schema)(copy);
  return copy;
}
