// Per-call pivot state that outlives one pivot node: the request budget that bounds pivot loops (a
// response that pivots again replaces the flow without counting as a branch, so nothing else stops
// it), and whether the CDR hook is armed. Kept in a WeakMap on the call, so it dies with the call.

/**
 * Kazoo stops runaway loops with a per-call token bucket; so do we, for pivot requests alone: `capacity`
 * requests in a burst, then one every `refillMs`. A caller-paced IVR never meets it; a server that
 * answers every request with another pivot does, within a fraction of a second.
 */
export class RequestBudget {
  private tokens: number;
  private last: number;

  constructor(
    private readonly capacity: number,
    private readonly refillMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = capacity;
    this.last = now();
  }

  /** Takes one request token; false when the budget is spent. */
  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + (t - this.last) / this.refillMs);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export interface PivotSession {
  budget: RequestBudget;
  /** Requests made on this call so far. */
  requests: number;
  cdrArmed: boolean;
}

const sessions = new WeakMap<object, PivotSession>();

export function pivotSession(call: object, limits: { maxBurst: number; refillMs: number }): PivotSession {
  let s = sessions.get(call);
  if (!s) {
    s = { budget: new RequestBudget(limits.maxBurst, limits.refillMs), requests: 0, cdrArmed: false };
    sessions.set(call, s);
  }
  return s;
}
