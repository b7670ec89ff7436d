// Validation of a callflow written as `steps` (compile.ts): the list's own shape, then the document as the
// tree it compiles to (each node's data checked by its module's schema), with the errors of that tree
// named by the steps they come from (`steps.2.data.timeout`, not `flow.children._.children._.data.timeout`).
import type { JsonSchema } from '../engine/module.ts';
import { addError, mergeErrors, type ValidationErrors, type ValidationResult } from '../validation/errors.ts';
import { schemaErrors } from '../validation/schema-check.ts';
import { compileSteps, STEP_TYPES, stepPathOf, type PathMap, type Step } from './compile.ts';

/** Branch lists inside branch lists deeper than this are refused (the tree's own limits come later). */
const MAX_NESTING = 8;

export const stepSchema: JsonSchema = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { type: 'string', enum: [...STEP_TYPES] },
    name: { type: 'string', maxLength: 128 },
    data: { type: 'object' },
    branches: { type: 'object', additionalProperties: { type: 'array' } },
  },
};

export const stepsSchema: JsonSchema = {
  type: 'array',
  minItems: 1,
  items: { type: 'object' },
  description:
    'A linear step flow (instead of `flow`): each step {type, data, branches?}; a step that fails or is not answered falls through to the next.',
};

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The shape of a step list and of each step (recursively into branches); not the modules' data. */
export function stepListErrors(steps: unknown, path = 'steps', depth = 1): ValidationErrors {
  const errors = schemaErrors(stepsSchema, steps, path);
  if (!Array.isArray(steps)) return errors;
  steps.forEach((step, i) => {
    const at = `${path}.${i}`;
    mergeErrors(errors, schemaErrors(stepSchema, isObject(step) ? { ...step, branches: isObject(step.branches) ? {} : step.branches } : step, at));
    if (!isObject(step)) return;
    if (step.type === 'greeting') {
      const data = isObject(step.data) ? step.data : {};
      const has = (k: string) => typeof data[k] === 'string' && data[k] !== '';
      if (has('say') === has('play')) addError(errors, `${at}.data`, 'required', { message: 'a greeting has either `say` (text) or `play` (media)' });
    }
    if (!isObject(step.branches)) return;
    for (const [key, list] of Object.entries(step.branches)) {
      const where = `${at}.branches.${key}`;
      if (key === '_') {
        addError(errors, where, 'enum', { message: '`_` is the next step; it cannot be a branch' });
        continue;
      }
      if (depth >= MAX_NESTING) {
        addError(errors, where, 'maxDepth', { message: `branches are nested more than ${MAX_NESTING} levels deep`, target: MAX_NESTING });
        continue;
      }
      // An empty branch ends the call there (Kazoo's empty child); otherwise it is a step list.
      if (Array.isArray(list) && list.length === 0) continue;
      mergeErrors(errors, stepListErrors(list, where, depth + 1));
    }
  });
  return errors;
}

/**
 * Errors of a callflow document that carries `steps`. `validateTree` checks a document with a `flow` tree
 * (lib/validation/callflow.ts validateCallflow, passed in to keep the two files free of an import cycle).
 */
export function stepDocumentErrors(doc: Record<string, unknown>, validateTree: (doc: Record<string, unknown>) => ValidationResult): ValidationErrors {
  const errors: ValidationErrors = {};
  const { steps, ...rest } = doc;
  if (Object.hasOwn(doc, 'flow')) {
    addError(errors, 'steps', 'exclusive', { message: 'a callflow has either `flow` (a tree) or `steps` (a list), not both' });
  }
  const shape = stepListErrors(steps);
  mergeErrors(errors, shape);
  const paths: PathMap = [];
  const flow = Object.keys(shape).length === 0 ? compileSteps(steps as Step[], paths) : undefined;
  // With broken steps only the document's other fields are checked (a stand-in node keeps `flow` quiet).
  const tree = validateTree({ ...rest, flow: flow ?? { module: 'noop' } });
  if (!tree.ok) {
    for (const [path, rules] of Object.entries(tree.errors)) {
      if (path === 'flow' && !flow) continue;
      const mapped = path === 'flow' || path.startsWith('flow.') ? stepPathOf(path, paths) : path;
      for (const [rule, failure] of Object.entries(rules)) addError(errors, mapped, rule, failure);
    }
  }
  return errors;
}
