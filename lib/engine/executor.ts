// Walks a callflow tree on one call with Kazoo's semantics (reference §1.5-1.7) and records a trace.
// Modules decide what comes next (an Outcome); this file alone decides how the tree is walked.
import { CallGoneError } from '../callcontrol/port.ts';
import type { Logger } from '../log.ts';
import type { CallContext, CallflowNode, ModuleDefinition, Outcome } from './module.ts';

/** Kazoo's MAX_BRANCH_COUNT. */
export const maxBranches = 50;
/**
 * Kazoo bounds runaway loops with a per-call token bucket (5 tokens a node, 100 in the bucket, 10/s).
 * A plain cap on node launches gives the same protection without timing, so a dry run traces alike.
 */
export const maxNodeLaunches = 1000;

export interface TraceStep {
  module: string;
  /** A short, secret-free rendering of the node's data. */
  data: string;
  /** Child key taken (after `_` fallback), or the control verb that ended the node. */
  result: string;
  reason?: string;
  startedAt: string;
  durationMs: number;
}

export interface ExecutionResult {
  trace: TraceStep[];
  /** How the walk ended. */
  end: 'hangup' | 'caller_hangup' | 'released' | 'limit';
  cause?: string;
}

export interface ExecutorDeps {
  lookup(name: string): ModuleDefinition | undefined;
  /** Applies the module's run-time defaults and Kazoo's value coercions to a node's data. */
  prepare(def: ModuleDefinition, data: Record<string, unknown>): Record<string, unknown>;
  logger: Logger;
}

const secretKeys = /pin|password|secret|token|api_key/i;

export function summarizeData(data: unknown, max = 200): string {
  let text: string;
  try {
    text = JSON.stringify(data ?? {}, (key, value) => (key && secretKeys.test(key) ? '***' : value));
  } catch {
    text = '[unserialisable]';
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function truthy(v: unknown): boolean {
  return v === true || v === 'true';
}

function isNode(v: unknown): v is CallflowNode {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * The node to run for child `key`: Kazoo's continue(K) falls back to `_` only when K is absent. A child that
 * is present but empty (`{}`) is the end of that branch: `key` is set and `node` is not (the executor stops).
 */
export function pickChild(node: CallflowNode, key: string): { node?: CallflowNode; key?: string } {
  const children: Record<string, unknown> = isNode(node.children) ? node.children : {};
  for (const k of key === '_' ? ['_'] : [key, '_']) {
    if (!Object.prototype.hasOwnProperty.call(children, k) || !isNode(children[k])) continue;
    const child = children[k];
    return Object.keys(child).length ? { node: child, key: k } : { key: k };
  }
  return {};
}

export async function executeFlow(ctx: CallContext, root: CallflowNode, deps: ExecutorDeps): Promise<ExecutionResult> {
  const trace: TraceStep[] = [];
  const stack: CallflowNode[] = [];
  const log = deps.logger.child({ call: ctx.call.id });
  let branches = 0;
  let launches = 0;
  let node: CallflowNode | undefined = root;

  const finish = async (end: ExecutionResult['end'], cause?: string): Promise<ExecutionResult> => {
    if (end !== 'released' && end !== 'caller_hangup') {
      await ctx.call.hangup(cause).catch(() => {});
    }
    return { trace, end, cause };
  };

  while (node) {
    if (ctx.call.signal.aborted) return { trace, end: 'caller_hangup' };
    if (++launches > maxNodeLaunches) {
      log.warn({ launches }, 'node launch limit reached, ending call');
      return finish('limit');
    }
    const current: CallflowNode = node;
    const name = typeof current.module === 'string' ? current.module : '';
    const data = (current.data && typeof current.data === 'object' ? current.data : {}) as Record<string, unknown>;
    const step: TraceStep = { module: name, data: summarizeData(data), result: '', startedAt: new Date().toISOString(), durationMs: 0 };
    trace.push(step);
    const t0 = performance.now();

    let outcome: Outcome;
    const def = name ? deps.lookup(name) : undefined;
    if (!name) {
      outcome = { kind: 'stop', reason: 'empty node' };
    } else if (truthy(data.skip_module)) {
      outcome = { kind: 'child', key: '_', reason: 'skip_module' };
    } else if (!def) {
      outcome = { kind: 'child', key: '_', reason: `unknown module ${name}` };
    } else if (!def.implemented || !def.run) {
      outcome = { kind: 'child', key: '_', reason: `module ${name} not implemented` };
    } else {
      try {
        // Empty children count: taking one is a real branch that ends the flow there.
        ctx.childKeys = Object.entries(current.children ?? {})
          .filter(([, c]) => isNode(c))
          .map(([k]) => k);
        outcome = await def.run(ctx, deps.prepare(def, data));
      } catch (err) {
        if (err instanceof CallGoneError || ctx.call.signal.aborted) {
          step.result = 'caller_hangup';
          step.durationMs = performance.now() - t0;
          return { trace, end: 'caller_hangup' };
        }
        log.error({ err, module: name }, 'module failed, continuing to _');
        outcome = { kind: 'child', key: '_', reason: `module error: ${(err as Error).message}` };
      }
    }
    step.durationMs = Math.round((performance.now() - t0) * 1000) / 1000;
    step.reason = outcome.reason;

    // The caller may have hung up while the module finished: Kazoo's stop_on_destroy.
    if (ctx.call.signal.aborted) {
      step.result = outcome.kind === 'child' ? outcome.key : outcome.kind;
      return { trace, end: 'caller_hangup' };
    }

    switch (outcome.kind) {
      case 'child': {
        const picked = pickChild(current, outcome.key);
        step.result = picked.key ?? `${outcome.key} (no child)`;
        node = picked.node ?? stack.pop();
        if (!node) return finish('hangup');
        break;
      }
      case 'stop':
        step.result = 'stop';
        node = stack.pop();
        if (!node) return finish('hangup', outcome.cause);
        break;
      case 'hard_stop':
        step.result = 'hard_stop';
        return finish('hangup', outcome.cause);
      case 'release':
        step.result = 'release';
        return finish('released');
      case 'branch': {
        step.result = 'branch';
        if (++branches > maxBranches) {
          log.warn({ branches }, 'branch limit reached, ending call');
          return finish('limit');
        }
        const resume = pickChild(current, '_').node;
        if (resume) stack.push(resume);
        node = outcome.flow;
        break;
      }
      case 'replace':
        step.result = 'replace';
        node = outcome.flow;
        break;
    }
  }
  return finish('hangup');
}
