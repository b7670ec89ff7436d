// Call-tracking routing criteria (responsive_route, tag_route): what a call is known by (its attribution,
// tags, CAVs, caller, ZIP, caller history) and whether a list of criteria all match it. Pure.
import type { Attribution } from './attribution.ts';

export const MATCH_MODES = ['equals', 'contains', 'prefix', 'regex', 'exists'] as const;
export type MatchMode = (typeof MATCH_MODES)[number];

export const CRITERION_TYPES = [
  'first_time_caller',
  'repeat_caller',
  'source',
  'medium',
  'keyword',
  'campaign',
  'referrer',
  'landing_page',
  'landing_param',
  'active_page',
  'tag',
  'cav',
  'area_code',
  'zip',
  'caller_id',
  'tracking_number',
] as const;
export type CriterionType = (typeof CRITERION_TYPES)[number];

export interface Criterion {
  type: CriterionType;
  /** The value to compare with; `values`: any of them. */
  value?: string;
  values?: string[];
  /** How text is compared (case-insensitive); default `contains` for pages and referrer, else `equals`. */
  match?: MatchMode;
  /** landing_param: the query parameter's name (utm_source, gclid…). cav: the variable's name. */
  param?: string;
  name?: string;
  /** first_time_caller / repeat_caller: only calls of the last N days count as history. */
  within_days?: number;
  /** repeat_caller: at least this many earlier calls (default 1). */
  min_calls?: number;
  /** Inverts the criterion. */
  negate?: boolean;
}

/** What the criteria look at. `priorCalls` is the caller's earlier calls to the account (undefined: unknown caller). */
export interface CallFacts {
  attribution?: Attribution;
  tags: readonly string[];
  cav: Readonly<Record<string, string>>;
  callerNumber: string;
  zip?: string;
  /** Earlier calls from this caller, per `within_days` window asked for (key: days, 0 = all time). */
  priorCalls?: ReadonlyMap<number, number>;
}

const URL_LIKE = new Set<CriterionType>(['landing_page', 'active_page', 'referrer']);

export function defaultMode(type: CriterionType): MatchMode {
  return URL_LIKE.has(type) ? 'contains' : 'equals';
}

/** Compiled regexes, so a branch tested on every call does not compile again. Bad patterns never match. */
const regexCache = new Map<string, RegExp | null>();
function regexOf(source: string): RegExp | null {
  let re = regexCache.get(source);
  if (re === undefined) {
    try {
      re = new RegExp(source, 'i');
    } catch {
      re = null;
    }
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(source, re);
  }
  return re;
}

/** One text against one expected value under a mode (case-insensitive; absent text never matches). */
export function textMatches(text: string | undefined, expected: string | undefined, mode: MatchMode): boolean {
  if (text === undefined || text === '') return false;
  if (mode === 'exists') return true;
  if (expected === undefined) return false;
  const a = text.toLowerCase();
  const b = expected.toLowerCase();
  switch (mode) {
    case 'equals':
      return a === b;
    case 'contains':
      return a.includes(b);
    case 'prefix':
      return a.startsWith(b);
    case 'regex':
      return regexOf(expected)?.test(text) ?? false;
  }
}

/** Area code of a North American number (+1NXXNXXXXXX, 1NXX…, NXX… 10 digits); undefined otherwise. */
export function areaCode(number: string): string | undefined {
  const digits = number.replace(/[^\d+]/g, '');
  const m = /^(?:\+?1)?([2-9]\d{2})[2-9]\d{6}$/.exec(digits);
  return m?.[1];
}

/** Query parameters of a landing page URL (absolute or a bare path). */
export function queryParams(url: string | undefined): Record<string, string> {
  if (!url) return {};
  try {
    const parsed = new URL(url, 'http://landing.invalid');
    const out: Record<string, string> = {};
    for (const [k, v] of parsed.searchParams) if (!Object.hasOwn(out, k)) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    return out;
  } catch {
    return {};
  }
}

function historyOf(c: Criterion, facts: CallFacts): number | undefined {
  return facts.priorCalls?.get(c.within_days ?? 0);
}

function fieldOf(c: Criterion, facts: CallFacts): string | string[] | undefined {
  const a = facts.attribution;
  switch (c.type) {
    case 'source':
    case 'medium':
    case 'keyword':
    case 'campaign':
    case 'referrer':
    case 'landing_page':
    case 'active_page':
      return a?.[c.type];
    case 'landing_param': {
      const name = c.param ?? c.name;
      if (!name) return undefined;
      const params = a?.landing_params ?? queryParams(a?.landing_page);
      return Object.hasOwn(params, name) ? params[name] : undefined;
    }
    case 'tracking_number':
      return a?.number;
    case 'tag':
      return [...facts.tags];
    case 'cav': {
      const name = c.name ?? c.param;
      return name && Object.hasOwn(facts.cav, name) ? facts.cav[name] : undefined;
    }
    case 'area_code':
      return areaCode(facts.callerNumber);
    case 'zip':
      return facts.zip;
    case 'caller_id':
      return facts.callerNumber;
    default:
      return undefined;
  }
}

function positive(c: Criterion, facts: CallFacts): boolean {
  if (c.type === 'first_time_caller') return historyOf(c, facts) === 0;
  if (c.type === 'repeat_caller') {
    const n = historyOf(c, facts);
    return n !== undefined && n >= Math.max(1, c.min_calls ?? 1);
  }
  const mode = c.match ?? defaultMode(c.type);
  const expected = c.values?.length ? c.values : [c.value];
  const field = fieldOf(c, facts);
  const texts = Array.isArray(field) ? field : [field];
  return texts.some((t) => expected.some((e) => textMatches(t, e, mode)));
}

export function criterionMatches(c: Criterion, facts: CallFacts): boolean {
  const hit = positive(c, facts);
  return c.negate ? !hit : hit;
}

/** All criteria match (an empty list matches every call). */
export function allMatch(criteria: readonly Criterion[] | undefined, facts: CallFacts): boolean {
  return (criteria ?? []).every((c) => criterionMatches(c, facts));
}

/** The history windows (days; 0 = all time) the criteria need, so the module queries only those. */
export function historyWindows(criteria: Iterable<Criterion>): number[] {
  const out = new Set<number>();
  for (const c of criteria) if (c.type === 'first_time_caller' || c.type === 'repeat_caller') out.add(c.within_days ?? 0);
  return [...out];
}

/** A caller number we can recognise again (not empty, not anonymous). */
export function knownCaller(number: string): boolean {
  return /\d{3,}/.test(number) && !/anonymous|restricted|unknown|private/i.test(number);
}

/** JSON Schema of one criterion (shared by the module schemas). */
export function criterionSchema(types: readonly CriterionType[] = CRITERION_TYPES): Record<string, unknown> {
  return {
    type: 'object',
    required: ['type'],
    properties: {
      type: { type: 'string', enum: [...types] },
      value: { type: 'string' },
      values: { type: 'array', items: { type: 'string' } },
      match: { type: 'string', enum: [...MATCH_MODES] },
      param: { type: 'string', minLength: 1 },
      name: { type: 'string', minLength: 1 },
      within_days: { type: 'integer', minimum: 0 },
      min_calls: { type: 'integer', minimum: 1 },
      negate: { type: 'boolean' },
    },
  };
}
