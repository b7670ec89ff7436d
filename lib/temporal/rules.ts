// Is a temporal rule active at an instant, in a time zone — Kazoo's temporal_route semantics.
// Kazoo: cf_temporal_route:get_temporal_rules/maybe_build_rule/process_rules (see kazoo-next-date.ts for the maths).
//
// How Kazoo decides, and so how we decide (semantics 'kazoo', the default):
//  1. The zone is the route's (resolveTimezone); rule documents carry no zone. "Now" is the zone's wall
//     clock, to the second: a 09:00–17:00 window is wall-clock 09:00–17:00 on every day, DST or not.
//  2. start_date (Gregorian seconds = Unix + 62167219200) is an instant; its date in the zone is the start
//     date. A rule whose start date is after today is discarded (even when `enabled: true`).
//  3. `enabled: false` → inactive; `enabled: true` → active (no schedule, no window, no cycle needed).
//  4. No `cycle` → skipped. Otherwise Kazoo computes the rule's next date after yesterday (weekly: on or
//     after today) and the rule is active iff midnight(that date) + time_window_start ≤ now ≤
//     midnight(that date) + time_window_stop (both inclusive; defaults 0 and 86400).
//     So a window never crosses midnight: stop < start never matches (split it into two rules); the
//     skipped hour of a spring-forward day never matches; the repeated hour of a fall-back day matches twice.
//  5. Where Kazoo's Erlang crashes (ordinal rule with ≠ 1 weekday, unknown cycle/ordinal, interval < 1,
//     a date that does not exist handed to calendar:day_of_the_week) the evaluation is `invalid`; the
//     router then goes to `_`, as Kazoo's executor does after a module crash.
//
// Kazoo's maths differs from the plain calendar reading (calendar-occurrence.ts) on a few days; these are
// reproduced in 'kazoo' semantics and flagged in `quirk` (semantics 'calendar' follows the calendar instead):
//  - interval ≥ 2: a daily rule is not active on its start date (trunc(-1/I) = 0), nor is a monthly rule
//    whose start date is the 1st (with interval 1 both are).
//  - monthly `days` 29/30/31 in a shorter month roll into the next month (kz_date:normalize): with
//    days [31], May 1st is active after April; [29] makes March 1st active in a common year; [30] makes
//    March 1st active in a leap year. Kazoo also relies on `days` being sorted ascending.
//  - monthly `fifth` with interval 1: in a month without a fifth such weekday, the "fifth" is the first one
//    of the next month, and it is taken when that is the 1st (e.g. fifth Friday of Feb 2024 → Fri 1 Mar
//    2024 is active); never across December → January.
//  - yearly `every`: the 1st of the rule's month is never active unless the month is January; and while
//    in an active year, any day whose yesterday's day-of-month does not exist in the rule's month (for a
//    February rule: every 31st, every 1st after a 31-day month, …) crashes the module (→ `_`).
//  - yearly `days` 29/30/31 that do not exist roll over: month 2, days [29] is active on 1 March of
//    common years.
//  - date: with the default stop 86400 the rule is also active at 00:00:00 of the next day.
// Deliberate divergence: a rule without start_date gets the schema default (1983-04-11) — what every
// document saved through the API carries. Kazoo's code would use "now" re-read as UTC, which discards the
// rule late in the day east of UTC and makes `date` rules active every day.
import { type CivilDate, addDays, formatDate, formatSecondOfDay, sameDate, toEpochDay } from './civil-date.ts';
import { occursOn } from './calendar-occurrence.ts';
import { startDateInZone } from './gregorian.ts';
import { type DatedRule, RuleEvaluationError, kazooNextRuleDate } from './kazoo-next-date.ts';
import { type Instant, type LocalClock, localClock } from './local-clock.ts';
import { type Rule, type TemporalRuleDoc, readRule } from './rule-doc.ts';

export type Semantics = 'kazoo' | 'calendar';

export interface EvaluateOptions {
  /** 'kazoo' (default): exactly what Kazoo routes; 'calendar': the plain calendar reading of the rule. */
  semantics?: Semantics;
}

export type RuleState =
  | 'active' // schedule says active now
  | 'inactive' // schedule says not now
  | 'forced_on' // enabled: true
  | 'forced_off' // enabled: false
  | 'not_started' // start date after today: Kazoo discards the rule
  | 'no_cycle' // no cycle: Kazoo skips the rule
  | 'invalid'; // Kazoo's module would crash here: the route goes to `_`

export interface RuleEvaluation {
  id: string;
  name: string;
  state: RuleState;
  /** state is active or forced_on. */
  active: boolean;
  /** One line for the call trace. */
  reason: string;
  /** Where Kazoo's answer differs from the calendar reading of the rule (always reported, either semantics). */
  quirk?: string;
}

/** A rule document turned into what the evaluator needs, with Kazoo's start-date reading in `zone`. */
export interface PreparedRule {
  id: string;
  name: string;
  rule: Rule;
  startDate: CivilDate | undefined;
  /** Where Kazoo's build_rule crashes on this document. */
  buildError?: string;
}

export function prepareRule(id: string, doc: TemporalRuleDoc, zone: string): PreparedRule {
  const { rule, error } = readRule(id, doc);
  return {
    id,
    name: rule.name,
    rule,
    startDate: startDateInZone(rule.startDateGregorian, zone),
    ...(error ? { buildError: error } : {}),
  };
}

export function describeRule(id: string, name: string): string {
  return name && name !== 'no_name' ? `rule ${id} (${name})` : `rule ${id}`;
}

function windowText(rule: Rule): string {
  return `${formatSecondOfDay(rule.windowStart)}–${formatSecondOfDay(rule.windowStop)}`;
}

interface Decision {
  active: boolean;
  detail: string;
}

/** process_rules/3 for one scheduled rule: Kazoo's next date, then the inclusive window in wall-clock seconds. */
function kazooDecision(rule: DatedRule, clock: LocalClock): Decision {
  const search = rule.cycle === 'weekly' ? clock.date : addDays(clock.date, -1);
  const base = kazooNextRuleDate(rule, search);
  const baseSeconds = toEpochDay(base) * 86400;
  const nowSeconds = toEpochDay(clock.date) * 86400 + clock.secondOfDay;
  const isToday = sameDate(base, clock.date);
  if (nowSeconds < baseSeconds + rule.windowStart) {
    const detail = isToday ? `before its window ${windowText(rule)} today` : `next occurrence ${formatDate(base)}`;
    return { active: false, detail };
  }
  if (nowSeconds > baseSeconds + rule.windowStop) {
    const detail = isToday ? `after its window ${windowText(rule)} today` : `last occurrence ${formatDate(base)}`;
    return { active: false, detail };
  }
  return {
    active: true,
    detail: isToday
      ? `in its window ${windowText(rule)} today`
      : `in the window ${windowText(rule)} of ${formatDate(base)}`,
  };
}

function calendarDecision(rule: DatedRule, clock: LocalClock): Decision {
  if (!occursOn(rule, clock.date)) return { active: false, detail: 'today is not an occurrence' };
  if (clock.secondOfDay < rule.windowStart || clock.secondOfDay > rule.windowStop) {
    return { active: false, detail: `outside its window ${windowText(rule)} today` };
  }
  return { active: true, detail: `in its window ${windowText(rule)} today` };
}

type Attempt = { ok: true; decision: Decision } | { ok: false; error: string };

function attempt(decide: () => Decision): Attempt {
  try {
    return { ok: true, decision: decide() };
  } catch (e) {
    if (e instanceof RuleEvaluationError) return { ok: false, error: e.message };
    throw e;
  }
}

function outcomeText(a: Attempt): string {
  return a.ok ? (a.decision.active ? 'active' : 'inactive') : `a crash (${a.error})`;
}

/** Evaluates a prepared rule at a local clock. The rule's start date must be for the clock's zone. */
export function evaluatePrepared(
  prepared: PreparedRule,
  clock: LocalClock,
  options: EvaluateOptions = {},
): RuleEvaluation {
  const { id, name, rule } = prepared;
  const who = describeRule(id, name);
  const base = { id, name };
  if (!prepared.startDate) {
    return { ...base, state: 'invalid', active: false, reason: `${who}: cannot read start_date in ${clock.zone}` };
  }
  if (toEpochDay(prepared.startDate) > toEpochDay(clock.date)) {
    const reason = `${who} starts ${formatDate(prepared.startDate)}: ignored`;
    return { ...base, state: 'not_started', active: false, reason };
  }
  if (prepared.buildError) {
    return { ...base, state: 'invalid', active: false, reason: `${who} is invalid: ${prepared.buildError}` };
  }
  if (rule.enabled === false) {
    return { ...base, state: 'forced_off', active: false, reason: `${who} disabled (enabled: false)` };
  }
  if (rule.enabled === true) {
    return { ...base, state: 'forced_on', active: true, reason: `${who} forced active (enabled: true)` };
  }
  if (rule.cycle === '') return { ...base, state: 'no_cycle', active: false, reason: `${who} has no cycle: skipped` };

  const dated: DatedRule = { ...rule, startDate: prepared.startDate };
  const kazoo = attempt(() => kazooDecision(dated, clock));
  const calendar = attempt(() => calendarDecision(dated, clock));
  const chosen = options.semantics === 'calendar' ? calendar : kazoo;
  const differs =
    kazoo.ok !== calendar.ok || (kazoo.ok && calendar.ok && kazoo.decision.active !== calendar.decision.active);
  const quirk = differs
    ? `Kazoo's recurrence maths gives ${outcomeText(kazoo)} on ${formatDate(clock.date)}, ` +
      `the calendar reading gives ${outcomeText(calendar)}`
    : undefined;
  const withQuirk = quirk ? { quirk } : {};
  if (!chosen.ok) {
    const reason = `${who} cannot be evaluated: ${chosen.error}`;
    return { ...base, state: 'invalid', active: false, reason, ...withQuirk };
  }
  const { active, detail } = chosen.decision;
  const reason = `${who} ${active ? 'active' : 'inactive'}: ${detail}`;
  return { ...base, state: active ? 'active' : 'inactive', active, reason, ...withQuirk };
}

/** Evaluates one rule document at `now` in `zone` (an IANA zone; see resolveTimezone). */
export function evaluateRule(
  id: string,
  doc: TemporalRuleDoc,
  now: Instant,
  zone: string,
  options: EvaluateOptions = {},
): RuleEvaluation {
  const clock = localClock(now, zone);
  if (!clock) {
    const name = typeof doc.name === 'string' ? doc.name : 'no_name';
    return { id, name, state: 'invalid', active: false, reason: `unknown time zone ${JSON.stringify(zone)}` };
  }
  return evaluatePrepared(prepareRule(id, doc, zone), clock, options);
}

/** Whether the rule routes calls now (active or forced on). */
export function isRuleActive(
  id: string,
  doc: TemporalRuleDoc,
  now: Instant,
  zone: string,
  options: EvaluateOptions = {},
): boolean {
  return evaluateRule(id, doc, now, zone, options).active;
}
