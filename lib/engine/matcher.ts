// Finds the callflow for a dialled number with Kazoo's precedence (reference §1.2):
// exact number, then the pattern with the longest captured group, then the account's `no_match`.
import { compilePattern } from '../validation/patterns.ts';

export interface RouteSource {
  callflowId: string;
  numbers: readonly string[];
  patterns: readonly string[];
}

export interface RouteMatch {
  callflowId: string;
  via: 'number' | 'pattern' | 'no_match';
  /** Kazoo's capture_group: the longest captured text, or the whole match of a group-less pattern. */
  captureGroup?: string;
  /** Named groups → captured text (empty captures dropped). */
  captureGroups?: Record<string, string>;
  pattern?: string;
}

interface CompiledPattern {
  callflowId: string;
  source: string;
  regex: RegExp;
}

const allDigits = /^\+?\d+$/;

/** The same PCRE→JS translation the API validates with, so a pattern matches as it validated. */
function tryCompile(source: string): RegExp | undefined {
  try {
    return compilePattern(source);
  } catch {
    return undefined;
  }
}

/** One account's routing table, built once per callflow change and reused for every call. */
export class RouteTable {
  private readonly exact = new Map<string, string>();
  private readonly patterns: CompiledPattern[] = [];
  private noMatchId: string | undefined;
  /** Patterns that did not compile (Kazoo ignores them silently; we keep them for the linter/logs). */
  readonly invalidPatterns: { callflowId: string; pattern: string }[] = [];

  constructor(sources: Iterable<RouteSource>) {
    for (const src of sources) {
      for (const n of src.numbers) {
        if (n === 'no_match') this.noMatchId ??= src.callflowId;
        else if (!this.exact.has(n)) this.exact.set(n, src.callflowId);
      }
      for (const p of src.patterns) {
        const regex = tryCompile(p);
        if (regex) this.patterns.push({ callflowId: src.callflowId, source: p, regex });
        else this.invalidPatterns.push({ callflowId: src.callflowId, pattern: p });
      }
    }
  }

  /**
   * `allowNoMatch` is false for calls from carriers: `no_match` is the outbound catch-all, and letting
   * inbound trunks reach it would be toll fraud.
   */
  match(requestUser: string, { allowNoMatch }: { allowNoMatch: boolean }): RouteMatch | undefined {
    if (!requestUser) return undefined;
    const exact = this.exact.get(requestUser);
    if (exact) return { callflowId: exact, via: 'number' };

    let best: RouteMatch | undefined;
    let bestLength = -1;
    for (const p of this.patterns) {
      const m = p.regex.exec(requestUser);
      if (!m) continue;
      const groups = m.slice(1).filter((g): g is string => g !== undefined);
      const capture = groups.length ? groups.reduce((a, b) => (b.length > a.length ? b : a), '') : m[0];
      const hasGroups = m.length > 1;
      const length = hasGroups ? capture.length : m[0].length;
      // Strictly greater wins: on a tie the pattern tested first (document order) is kept.
      if (length > bestLength) {
        bestLength = length;
        const named = Object.entries(m.groups ?? {}).filter(([, v]) => v !== undefined && v !== '');
        best = {
          callflowId: p.callflowId,
          via: 'pattern',
          captureGroup: capture,
          captureGroups: named.length ? (Object.fromEntries(named) as Record<string, string>) : undefined,
          pattern: p.source,
        };
      }
    }
    if (best) return best;

    if (allowNoMatch && this.noMatchId && allDigits.test(requestUser)) {
      return { callflowId: this.noMatchId, via: 'no_match' };
    }
    return undefined;
  }
}
