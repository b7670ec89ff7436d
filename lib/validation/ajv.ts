// The two ajv instances every schema in the project is compiled with, configured once.
// Policies (coercion, defaults) are explained in schema-check.ts, which is their only user.
import { Ajv, type AnySchema, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { patternError } from './patterns.ts';

function createAjv(runtime: boolean): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    // Kazoo's string→integer/boolean reading is done by coercion.ts: ajv's coerceTypes would also
    // turn numbers into strings and null into 0/false/"", which Kazoo does not.
    coerceTypes: false,
    // 'empty': absent, null and "" take the default, like Kazoo's get_ne_* readers.
    useDefaults: runtime ? 'empty' : false,
    // Schemas carry annotations (description, …) and loose typing on purpose; don't reject them.
    strict: false,
  });
  addFormats.default(ajv);
  ajv.addFormat('kazoo-regex', { type: 'string', validate: (s: string) => patternError(s) === undefined });
  return ajv;
}

const storedAjv = createAjv(false);
const runtimeAjv = createAjv(true);

const storedCache = new WeakMap<object, ValidateFunction>();
const runtimeCache = new WeakMap<object, ValidateFunction>();

function compileWith(ajv: Ajv, cache: WeakMap<object, ValidateFunction>, schema: object): ValidateFunction {
  let fn = cache.get(schema);
  if (!fn) {
    fn = ajv.compile(schema as AnySchema);
    cache.set(schema, fn);
  }
  return fn;
}

/** Validator for stored documents: never changes the data. Compiled once per schema object. */
export function compileStored(schema: object): ValidateFunction {
  return compileWith(storedAjv, storedCache, schema);
}

/** Validator for run time: fills in defaults, mutating the data it is given. */
export function compileRuntime(schema: object): ValidateFunction {
  return compileWith(runtimeAjv, runtimeCache, schema);
}
