// Linear step flows (call-tracking style: WhatConverts, CallScaler): a callflow may carry `steps`, an ordered
// list where a step that fails or is not answered falls through to the next, instead of a `flow` tree. The
// document is stored and returned as written; this compiles it into the equivalent node tree the engine runs:
// each step is a node whose `_` child is the next step, and whose other children are its `branches` (each a
// step list of its own, which ends where it ends, like any Kazoo child). Pure.
import type { CallflowNode } from '../engine/module.ts';

export const STEP_TYPES = [
  'greeting',
  'forward',
  'voicemail',
  'ivr',
  'multi_ring',
  'schedule',
  'round_robin',
  'zip_route',
  'tag_route',
  'rtb',
  'responsive_route',
] as const;
export type StepType = (typeof STEP_TYPES)[number];

export interface Step {
  type: StepType;
  /** Shown in UIs; not used by the engine. */
  name?: string;
  data?: Record<string, unknown>;
  /** Child key → the steps run when the step takes that child (menu digits, temporal rule ids, causes...). */
  branches?: Record<string, Step[]>;
}

/**
 * The module each step runs. Steps of modules other engineers own (zip_route, tag_route, rtb,
 * responsive_route) map by name, data passed through: the compiler does not need them implemented.
 */
export const STEP_MODULES: Record<StepType, string> = {
  greeting: 'tts',
  forward: 'dial',
  voicemail: 'voicemail',
  ivr: 'menu',
  multi_ring: 'dial',
  schedule: 'temporal_route',
  round_robin: 'dial',
  zip_route: 'zip_route',
  tag_route: 'tag_route',
  rtb: 'rtb',
  responsive_route: 'responsive_route',
};

/** Step data fields that land under another name in the compiled node (to name them right in errors). */
export const RENAMED_FIELDS: Partial<Record<StepType, Record<string, string>>> = {
  greeting: { text: 'say', id: 'play' },
};

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** `forward`'s shorthand for its one recipient: `number`, `device_id` or `uri` (with `extension`). */
function forwardRecipients(data: Record<string, unknown>): Record<string, unknown> {
  const { number, device_id, uri, extension, ...rest } = data;
  if (Array.isArray(rest.recipients)) return rest;
  const ext = extension !== undefined ? { extension } : {};
  const recipient =
    number !== undefined ? { type: 'phone', number, ...ext }
    : device_id !== undefined ? { type: 'sip', device_id, ...ext }
    : uri !== undefined ? { type: 'sip', uri, ...ext }
    : undefined;
  return recipient ? { ...rest, recipients: [recipient] } : rest;
}

/** The module and data of one step (children not included). */
export function stepNode(step: Step): { module: string; data: Record<string, unknown> } {
  const data = isObject(step.data) ? step.data : {};
  switch (step.type) {
    case 'greeting': {
      // Text is spoken (tts), anything else is played; the rest of the data (voice, language...) follows it.
      const { say, play, ...rest } = data;
      if (play !== undefined && say === undefined) return { module: 'play', data: { ...rest, id: play } };
      return { module: 'tts', data: { ...rest, text: say } };
    }
    case 'forward':
      return { module: 'dial', data: { ...forwardRecipients(data), connection: 'direct' } };
    case 'multi_ring':
    case 'round_robin':
      return { module: 'dial', data: { ...data, connection: step.type } };
    default:
      return { module: STEP_MODULES[step.type] ?? String(step.type), data: { ...data } };
  }
}

/** Where each step landed in the compiled tree: node path (from `root`) → step path (from `stepsPath`). */
export type PathMap = Array<{ node: string; step: string; type: StepType }>;

/**
 * Compiles a step list into a node tree (undefined for an empty list). `paths`, when given, receives where
 * each step's node sits (validation maps errors back to the steps with it).
 */
export function compileSteps(steps: readonly Step[], paths?: PathMap, root = 'flow', stepsPath = 'steps'): CallflowNode | undefined {
  let first: CallflowNode | undefined;
  let previous: CallflowNode | undefined;
  let nodePath = root;
  steps.forEach((step, i) => {
    if (!isObject(step)) return;
    const { module, data } = stepNode(step);
    const node: CallflowNode = { module, data };
    const here = `${stepsPath}.${i}`;
    if (previous) {
      previous.children = { ...previous.children, _: node };
      nodePath = `${nodePath}.children._`;
    }
    paths?.push({ node: nodePath, step: here, type: step.type });
    const children: Record<string, CallflowNode> = {};
    for (const [key, list] of Object.entries(isObject(step.branches) ? step.branches : {})) {
      // `_` is the next step: a branch cannot take its place.
      if (key === '_' || !Array.isArray(list)) continue;
      const compiled = compileSteps(list as Step[], paths, `${nodePath}.children.${key}`, `${here}.branches.${key}`);
      // An empty branch is Kazoo's empty node: taking it ends the call there.
      children[key] = compiled ?? ({} as CallflowNode);
    }
    if (Object.keys(children).length) node.children = children;
    if (!first) first = node;
    previous = node;
  });
  return first;
}

/** The tree a stored callflow runs: its `flow`, else its compiled `steps`; undefined when it has neither. */
export function flowOfCallflow(doc: Record<string, unknown>): CallflowNode | undefined {
  if (isObject(doc.flow)) return doc.flow as CallflowNode;
  if (Array.isArray(doc.steps)) return compileSteps(doc.steps as Step[]);
  return undefined;
}

/** A stored callflow with its `flow` filled in from its steps (the document itself is not changed). */
export function withCompiledSteps<T extends Record<string, unknown>>(doc: T): T {
  if (isObject(doc.flow) || !Array.isArray(doc.steps)) return doc;
  const flow = compileSteps(doc.steps as Step[]);
  return flow ? { ...doc, flow } : doc;
}

/** Maps a path of the compiled tree (`flow.children._.data.timeout`) back to the steps (`steps.1.data.timeout`). */
export function stepPathOf(path: string, paths: PathMap): string {
  let best: PathMap[number] | undefined;
  for (const p of paths) {
    if ((path === p.node || path.startsWith(`${p.node}.`)) && (!best || p.node.length > best.node.length)) best = p;
  }
  if (!best) return path === 'flow' || path.startsWith('flow.') ? `steps${path.slice(4)}` : path;
  let rest = path.slice(best.node.length);
  const renamed = RENAMED_FIELDS[best.type];
  const m = /^\.data\.([^.]+)(.*)$/.exec(rest);
  if (renamed && m && renamed[m[1]]) rest = `.data.${renamed[m[1]]}${m[2]}`;
  return `${best.step}${rest}`;
}
