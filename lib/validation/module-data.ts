// A callflow node's `data` checked against its module's schema, and the same data prepared for
// run time (coerced, defaults applied). Stored data is never modified: see schema-check.ts.
import type { ModuleDefinition } from '../engine/module.ts';
import { getModule } from '../../callflows/index.ts';
import type { ValidationErrors } from './errors.ts';
import { prepareForRuntime, schemaErrors } from './schema-check.ts';

function definitionOf(module: string | ModuleDefinition): ModuleDefinition | undefined {
  return typeof module === 'string' ? getModule(module) : module;
}

/**
 * Errors of a node's data (empty object when valid). `prefix` is the dotted path of the data in
 * its document, e.g. `flow.children._.data`. Throws for an unknown module name (callers check the
 * registry first and report unknown modules themselves).
 */
export function moduleDataErrors(module: string | ModuleDefinition, data: unknown, prefix = 'data'): ValidationErrors {
  const def = definitionOf(module);
  if (!def) throw new TypeError(`unknown callflow module ${JSON.stringify(module)}`);
  return schemaErrors(def.schema, data, prefix);
}

/**
 * The data a module's run() should receive: a copy with Kazoo's value coercion applied ("30" → 30,
 * "true" → true), null treated as absent, and the schema defaults filled in. Values that cannot be
 * coerced are left as they are (the stored document was validated on save). Unknown modules get a
 * plain copy. The input is never modified.
 */
export function withDefaults(moduleName: string, data: unknown): Record<string, unknown> {
  const base = data !== null && typeof data === 'object' && !Array.isArray(data) ? data : {};
  const def = getModule(moduleName);
  const schema = def?.schema ?? { type: 'object' };
  return prepareForRuntime(schema, base) as Record<string, unknown>;
}
