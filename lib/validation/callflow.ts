// The callflow document (`callflows` collection) and its flow tree: the document's own fields,
// then every node's shape, module name and data (each checked with its module's schema).
import type { JsonSchema } from '../engine/module.ts';
import { getModule } from '../../callflows/index.ts';
import { addError, joinPath, mergeErrors, resultOf, type ValidationErrors, type ValidationResult } from './errors.ts';
import { FLOW_LIMITS, isPlainObject, walkFlow, type FlowLimits } from './flow-walk.ts';
import { moduleDataErrors } from './module-data.ts';
import { schemaErrors } from './schema-check.ts';
import { postCallWebhooksSchema } from '../webhooks/post-call-payload.ts';
import { stepDocumentErrors, stepsSchema } from '../steps/validate.ts';

/**
 * One node of the flow tree, checked on its own (children are walked, not recursed into by the
 * schema). `data` may be missing: Kazoo's runtime treats that as `{}`. A child that is exactly
 * `{}` ends the flow (Kazoo's empty node) and is accepted without a module.
 */
export const flowNodeSchema: JsonSchema = {
  type: 'object',
  required: ['module'],
  properties: {
    module: { type: 'string', minLength: 1, maxLength: 64 },
    data: { type: 'object' },
    children: { type: 'object', additionalProperties: { type: 'object' } },
    remote_execution: { type: 'boolean' },
  },
};

/** Schema of a callflow document (the `flow` tree is described by flowNodeSchema per node). */
export const callflowDocumentSchema: JsonSchema = {
  type: 'object',
  required: ['flow'],
  properties: {
    name: { type: 'string', maxLength: 128 },
    numbers: {
      type: 'array',
      uniqueItems: true,
      items: { type: 'string', minLength: 1, maxLength: 36 },
    },
    patterns: {
      type: 'array',
      uniqueItems: true,
      items: { type: 'string', minLength: 1, format: 'kazoo-regex' },
    },
    flow: { type: 'object' },
    steps: stepsSchema,
    featurecode: {
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 128 },
        number: { type: 'string', minLength: 1, maxLength: 30 },
      },
    },
    ringback: {
      type: 'object',
      properties: { early: { type: 'string' }, transfer: { type: 'string' } },
    },
    flags: { type: 'array', items: { type: 'string' } },
    metaflow: { type: 'object' },
    metadata: { type: 'object' },
    type: { type: 'string', description: 'UI category, e.g. main, baseGroup, userGroup, conference.' },
    owner_id: { type: 'string' },
    group_id: { type: 'string' },
    contact_list: { type: 'object', properties: { exclude: { type: 'boolean' } } },
    ui_metadata: { type: 'object' },
    ui_is_main_number_cf: { type: 'boolean' },
    post_call_webhooks: postCallWebhooksSchema,
  },
};

/** A stand-in for a value whose inside is validated elsewhere: same JSON type, no content. */
function hollow(v: unknown): unknown {
  return Array.isArray(v) ? [] : isPlainObject(v) ? {} : v;
}

/**
 * The node as its own schema sees it: data and children emptied (data is checked with the
 * module's schema, children are visited by the walk), so no node's subtree is copied again.
 */
function shallowNode(node: unknown): unknown {
  if (!isPlainObject(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    const value = k === 'data' ? hollow(v) : k === 'children' && isPlainObject(v) ? mapValues(v, hollow) : v;
    Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function mapValues(o: Record<string, unknown>, f: (v: unknown) => unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
}

function limitMessage(limit: keyof FlowLimits, limits: FlowLimits): string {
  return limit === 'maxDepth'
    ? `the flow is nested more than ${limits.maxDepth} levels deep`
    : `the flow has more than ${limits.maxNodes} nodes`;
}

/**
 * Errors of a flow tree rooted at `prefix` (`flow` in a document). Also used on its own for a
 * bare node, e.g. a Pivot response. Unknown modules are errors (rule `enum`); modules that are
 * known but not implemented yet validate like any other.
 */
export function flowErrors(flow: unknown, prefix = 'flow', limits: FlowLimits = FLOW_LIMITS): ValidationErrors {
  const errors: ValidationErrors = {};
  for (const event of walkFlow(flow, prefix, limits)) {
    if (event.kind === 'limit') {
      // Only the limit is reported: errors of a tree we stopped walking would be misleading.
      const limited: ValidationErrors = {};
      addError(limited, prefix, event.limit, { message: limitMessage(event.limit, limits), target: limits[event.limit] });
      return limited;
    }
    const { node, path } = event;
    // An empty child `{}` is Kazoo's "end of flow" node; only the root must name a module.
    if (path !== prefix && isPlainObject(node) && Object.keys(node).length === 0) continue;
    mergeErrors(errors, schemaErrors(flowNodeSchema, shallowNode(node), path));
    if (!isPlainObject(node) || typeof node.module !== 'string' || node.module === '') continue;
    const def = getModule(node.module);
    if (!def) {
      addError(errors, joinPath(path, 'module'), 'enum', {
        message: `unknown callflow module ${JSON.stringify(node.module)}`,
        value: node.module,
      });
      continue;
    }
    const data = Object.hasOwn(node, 'data') ? node.data : {};
    if (isPlainObject(data)) mergeErrors(errors, moduleDataErrors(def, data, joinPath(path, 'data')));
  }
  return errors;
}

/** Validates a callflow document; the document is not modified (no coercion, no defaults). */
export function validateCallflow(doc: unknown, limits: FlowLimits = FLOW_LIMITS): ValidationResult {
  if (!isPlainObject(doc)) return resultOf(schemaErrors(callflowDocumentSchema, doc));
  // A linear step list (lib/steps) instead of `flow`: checked as steps and as the tree it compiles to.
  if (Object.hasOwn(doc, 'steps')) return resultOf(stepDocumentErrors(doc, (tree) => validateCallflow(tree, limits)));
  // The flow is walked node by node below; the document's own fields are checked without it.
  const errors = schemaErrors(callflowDocumentSchema, Object.hasOwn(doc, 'flow') ? { ...doc, flow: hollow(doc.flow) } : doc);
  const hasAny = (key: string) => Array.isArray(doc[key]) && (doc[key] as unknown[]).length > 0;
  if (!hasAny('numbers') && !hasAny('patterns')) {
    addError(errors, 'numbers', 'required', { message: 'a callflow needs at least one number or pattern' });
  }
  if (isPlainObject(doc.flow)) mergeErrors(errors, flowErrors(doc.flow, 'flow', limits));
  return resultOf(errors);
}

/** Validates a bare flow node (e.g. the body of a Pivot response); `prefix` names its root in errors. */
export function validateFlow(flow: unknown, prefix = '', limits: FlowLimits = FLOW_LIMITS): ValidationResult {
  return resultOf(flowErrors(flow, prefix, limits));
}
