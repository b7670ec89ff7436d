// Visits every node of a callflow tree without recursion, within size limits, so a hostile or
// broken document (thousands of levels, huge fan-out) can neither overflow the stack nor stall us.

export interface FlowLimits {
  /** Levels of nesting allowed; the root node is level 1. */
  maxDepth: number;
  /** Nodes allowed in one tree. */
  maxNodes: number;
}

export const FLOW_LIMITS: FlowLimits = { maxDepth: 64, maxNodes: 2000 };

export type FlowWalkEvent =
  /** `node` is whatever sits at `path` (not necessarily an object: validators report that). */
  | { kind: 'node'; node: unknown; path: string; depth: number }
  /** A limit was hit at `path`; the walk ends after this event. */
  | { kind: 'limit'; limit: keyof FlowLimits; path: string };

/** Own child entries of a node, in document order; empty for anything that is not a node with children. */
export function childEntries(node: unknown): Array<[string, unknown]> {
  if (!isPlainObject(node)) return [];
  const children = Object.hasOwn(node, 'children') ? node.children : undefined;
  return isPlainObject(children) ? Object.entries(children) : [];
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Depth-first, document order. `prefix` is the root's path (`flow` in a callflow document). */
export function* walkFlow(root: unknown, prefix = 'flow', limits: FlowLimits = FLOW_LIMITS): Generator<FlowWalkEvent> {
  const stack: Array<{ node: unknown; path: string; depth: number }> = [{ node: root, path: prefix, depth: 1 }];
  let count = 0;
  while (stack.length > 0) {
    const item = stack.pop()!;
    count += 1;
    if (count > limits.maxNodes) {
      yield { kind: 'limit', limit: 'maxNodes', path: prefix };
      return;
    }
    yield { kind: 'node', ...item };
    const children = childEntries(item.node);
    if (children.length === 0) continue;
    if (item.depth >= limits.maxDepth) {
      yield { kind: 'limit', limit: 'maxDepth', path: item.path };
      return;
    }
    for (let i = children.length - 1; i >= 0; i -= 1) {
      const [key, child] = children[i];
      stack.push({ node: child, path: item.path === '' ? `children.${key}` : `${item.path}.children.${key}`, depth: item.depth + 1 });
    }
  }
}
