// Temporal rule and rule-set documents as stored (Kazoo's shapes), read into the values the evaluator uses.
// Field reading follows kzd_temporal_rules + cf_temporal_route:build_rule, including their coercions and defaults.
import type { IsoWeekday } from './civil-date.ts';
import { DEFAULT_START_DATE_GREGORIAN } from './gregorian.ts';

export const CYCLES = ['date', 'daily', 'weekly', 'monthly', 'yearly'] as const;
export type Cycle = (typeof CYCLES)[number];

export const ORDINALS = ['every', 'first', 'second', 'third', 'fourth', 'fifth', 'last'] as const;
export type Ordinal = (typeof ORDINALS)[number];

/** A `temporal_rules` document. Unknown keys are allowed (and ignored), as in Kazoo. */
export interface TemporalRuleDoc {
  _id?: string;
  name?: string;
  cycle?: string;
  interval?: number | string;
  /** Gregorian seconds (Unix seconds + 62167219200). */
  start_date?: number | string;
  time_window_start?: number | string;
  time_window_stop?: number | string;
  wdays?: string[];
  days?: Array<number | string>;
  ordinal?: string;
  month?: number | string;
  /** Absent/null: follow the schedule; true: forced active; false: forced inactive. */
  enabled?: boolean | string | null;
  [extra: string]: unknown;
}

/** A `temporal_rules_sets` document. */
export interface TemporalRuleSetDoc {
  _id?: string;
  name?: string;
  temporal_rules?: string[];
  [extra: string]: unknown;
}

/** Kazoo's weekday names → ISO day numbers (kz_date:wday_to_dow/1), `wensday` being Kazoo's historic spelling. */
export const WEEKDAY_NUMBERS: Readonly<Record<string, IsoWeekday>> = {
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  wensday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
  sunday: 7,
};

export const WEEKDAY_NAMES: Readonly<Record<IsoWeekday, string>> = {
  1: 'monday',
  2: 'tuesday',
  3: 'wednesday',
  4: 'thursday',
  5: 'friday',
  6: 'saturday',
  7: 'sunday',
};

/** A rule document read the way cf_temporal_route:build_rule/4 reads it. */
export interface Rule {
  id: string;
  /** `name`, or Kazoo's "no_name". */
  name: string;
  /** '' when missing: Kazoo skips such a rule (unless `enabled: true` forces it). */
  cycle: string;
  interval: number;
  /** Days of the month, in document order (Kazoo does not sort them — order matters to its maths). */
  days: number[];
  /** Sorted ISO weekdays; an empty `wdays` means all seven (sort_wdays([])). */
  wdays: IsoWeekday[];
  ordinal: string;
  month: number;
  startDateGregorian: number;
  windowStart: number;
  windowStop: number;
  enabled: boolean | undefined;
}

/** The rule as read; `error` is set where Kazoo's build_rule would crash on this document. */
export interface ReadRule {
  rule: Rule;
  error?: string;
}

/** kz_json:get_integer_value: integers and integer strings are taken, anything else gives the default. */
export function coerceInteger(value: unknown, fallback: number): number {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.round(value);
  if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return Number.parseInt(value, 10);
  return fallback;
}

/** true/"true" → true, false/"false" → false, anything else (absent, null) → follow the schedule. */
export function coerceEnabled(value: unknown): boolean | undefined {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return undefined;
}

/**
 * Reads a rule document. Sets `error` exactly where Kazoo's build_rule crashes: a weekday name it does not
 * know (names are case-sensitive), or a day that is not an integer. Kazoo builds every candidate rule that
 * has started before evaluating any, so such a document makes the whole temporal_route crash (→ `_`).
 * Missing or non-integer start_date: the schema default (see DEFAULT_START_DATE_GREGORIAN and rules.ts).
 */
export function readRule(id: string, doc: TemporalRuleDoc): ReadRule {
  const name = typeof doc.name === 'string' && doc.name !== '' ? doc.name : 'no_name';
  const errors: string[] = [];
  const wdays: IsoWeekday[] = [];
  for (const w of Array.isArray(doc.wdays) ? doc.wdays : []) {
    const n = typeof w === 'string' ? WEEKDAY_NUMBERS[w] : undefined;
    if (n === undefined) errors.push(`unknown weekday ${JSON.stringify(w)} in wdays`);
    else wdays.push(n);
  }
  wdays.sort((a, b) => a - b);
  if (wdays.length === 0 && errors.length === 0) wdays.push(1, 2, 3, 4, 5, 6, 7);

  const days: number[] = [];
  for (const d of Array.isArray(doc.days) ? doc.days : []) {
    const n = coerceInteger(d, Number.NaN);
    if (Number.isNaN(n)) errors.push(`day ${JSON.stringify(d)} is not an integer`);
    else days.push(n);
  }

  return {
    ...(errors.length > 0 ? { error: errors.join('; ') } : {}),
    rule: {
      id,
      name,
      cycle: typeof doc.cycle === 'string' ? doc.cycle : '',
      interval: coerceInteger(doc.interval, 1),
      days,
      wdays,
      ordinal: typeof doc.ordinal === 'string' && doc.ordinal !== '' ? doc.ordinal : 'first',
      month: coerceInteger(doc.month, 1),
      startDateGregorian: coerceInteger(doc.start_date, DEFAULT_START_DATE_GREGORIAN),
      windowStart: coerceInteger(doc.time_window_start, 0),
      windowStop: coerceInteger(doc.time_window_stop, 86400),
      enabled: coerceEnabled(doc.enabled),
    },
  };
}

/** Member rule ids of a rule set (kzd_temporal_rules_sets:temporal_rules/2); [] when none. */
export function ruleSetMembers(doc: TemporalRuleSetDoc | undefined): string[] {
  if (!doc || !Array.isArray(doc.temporal_rules)) return [];
  return doc.temporal_rules.filter((id): id is string => typeof id === 'string' && id !== '');
}
