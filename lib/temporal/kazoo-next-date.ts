// Kazoo's recurrence maths: the next date on which a rule occurs, searching from a given date.
// Kazoo: cf_temporal_route:next_rule_date/2 and its helpers (find_ordinal_weekday, find_last_weekday, date_of_dow,
// kz_date:find_next_weekday, iso_week_difference). Re-expressed here over CivilDate, quirks included on purpose:
// the router asks "is the next date after yesterday (weekly: from today) today?", so every quirk of this maths
// is a quirk of which calls are routed where. The quirks are listed in rules.ts.
import {
  type CivilDate,
  type IsoWeekday,
  addDays,
  civil,
  compareDates,
  isValidDate,
  isoWeekMonday,
  isoWeekday,
  normalizeDate,
  sameDate,
  toEpochDay,
} from './civil-date.ts';
import type { Rule } from './rule-doc.ts';

/** A situation in which Kazoo's Erlang code crashes (function_clause, badarith, if_clause) or never returns. */
export class RuleEvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleEvaluationError';
  }
}

/** The rule with its start date already turned into a local date (build_rule). */
export interface DatedRule extends Rule {
  startDate: CivilDate;
}

const ORDINAL_POSITION: Readonly<Record<string, number>> = { first: 0, second: 1, third: 2, fourth: 3, fifth: 4 };

/** Erlang trunc(A / B): division truncated toward zero. */
function truncDiv(a: number, b: number): number {
  return Math.trunc(a / b);
}

function checkInterval(rule: DatedRule): number {
  if (!Number.isInteger(rule.interval) || rule.interval < 1) {
    throw new RuleEvaluationError(`interval ${rule.interval} is not a positive integer`);
  }
  return rule.interval;
}

/** calendar:day_of_the_week/1 — validates the date, as Erlang does (an if_clause crash otherwise). */
function strictWeekday(year: number, month: number, day: number): IsoWeekday {
  if (!isValidDate(year, month, day)) {
    throw new RuleEvaluationError(`calendar:day_of_the_week on the invalid date ${year}-${month}-${day}`);
  }
  return isoWeekday(civil(year, month, day));
}

/** kz_date:find_next_weekday/2: the first `weekday` strictly after the given date. */
export function findNextWeekday(year: number, month: number, day: number, weekday: IsoWeekday): CivilDate {
  const from = strictWeekday(year, month, day);
  const ahead = (weekday - from + 7) % 7 || 7;
  return normalizeDate(year, month, day + ahead);
}

/** date_of_dow/4: the (position+1)-th `weekday` counted from the start of the month; may spill into the next month. */
export function dateOfWeekday(year: number, month: number, weekday: IsoWeekday, position: number): CivilDate {
  const lastOfPrevious = addDays(civil(year, month, 1), -1);
  const ahead = (weekday - isoWeekday(lastOfPrevious) + 7) % 7 || 7;
  return addDays(lastOfPrevious, ahead + 7 * position);
}

function carryMonth(year: number, month: number): [number, number] {
  let y = year;
  let m = month;
  while (m > 12) {
    y += 1;
    m -= 12;
  }
  return [y, m];
}

/**
 * find_ordinal_weekday/4. A "fifth" that does not exist spills into the next month (date_of_dow does not fail).
 * An ordinal Kazoo does not know makes its try/catch retry month after month forever: reported as an error.
 */
export function findOrdinalWeekday(year: number, month: number, weekday: IsoWeekday, ordinal: string): CivilDate {
  const position = ORDINAL_POSITION[ordinal];
  if (position === undefined) throw new RuleEvaluationError(`unknown ordinal ${JSON.stringify(ordinal)}`);
  const [y, m] = carryMonth(year, month);
  return dateOfWeekday(y, m, weekday, position);
}

/** find_last_weekday/2: the fifth occurrence if it is still in the month, else the fourth. */
export function findLastWeekday(year: number, month: number, weekday: IsoWeekday): CivilDate {
  const [y, m] = carryMonth(year, month);
  const fifth = dateOfWeekday(y, m, weekday, 4);
  return fifth.year === y && fifth.month === m ? fifth : dateOfWeekday(y, m, weekday, 3);
}

/** iso_week_difference/2: whole ISO weeks between the Mondays of the two dates' weeks (absolute value). */
export function isoWeekDifference(a: CivilDate, b: CivilDate): number {
  return Math.trunc(Math.abs(toEpochDay(isoWeekMonday(a)) - toEpochDay(isoWeekMonday(b))) / 7);
}

function onlyWeekday(rule: DatedRule): IsoWeekday {
  if (rule.wdays.length !== 1) {
    throw new RuleEvaluationError(
      `${rule.cycle} rule by ordinal needs exactly one weekday in wdays, has ${rule.wdays.length}` +
        (rule.wdays.length === 7 ? ' (empty wdays means all seven)' : ''),
    );
  }
  return rule.wdays[0];
}

function daily(rule: DatedRule, search: CivilDate): CivilDate {
  const interval = checkInterval(rule);
  const offset = truncDiv(toEpochDay(search) - toEpochDay(rule.startDate), interval) * interval;
  return normalizeDate(rule.startDate.year, rule.startDate.month, rule.startDate.day + offset + interval);
}

function weekly(rule: DatedRule, today: CivilDate): CivilDate {
  const interval = checkInterval(rule);
  const start = rule.startDate;
  const dow = isoWeekday(today);
  const distance = isoWeekDifference(start, today);
  const offset = truncDiv(distance, interval) * interval;
  const upcoming = rule.wdays.filter((w) => w >= dow);
  const activeWeek = distance === offset;
  if (upcoming.length > 0 && activeWeek) {
    // Start later this week (unreachable from the router, which discards rules that start in the future).
    if (compareDates(today, start) < 0) return weekly(rule, start);
    if (sameDate(today, start) && upcoming[0] === dow) return start;
    return addDays(today, upcoming[0] - dow);
  }
  // No rule day left this week, or an inactive week: first rule day of the next active week.
  const monday = addDays(isoWeekMonday(start), 7 * (offset + interval));
  return addDays(monday, rule.wdays[0] - 1);
}

function monthsBetween(start: CivilDate, date: CivilDate): number {
  return (date.year - start.year) * 12 - start.month + date.month;
}

/** Erlang {Y0 + (M div 12), M rem 12, D} then kz_date:normalize. */
function monthOffsetDate(y0: number, monthIndex: number, day: number): CivilDate {
  return normalizeDate(y0 + Math.trunc(monthIndex / 12), monthIndex % 12, day);
}

function monthlyByDays(rule: DatedRule, search: CivilDate): CivilDate {
  const interval = checkInterval(rule);
  const { year: y0, month: m0 } = rule.startDate;
  const distance = monthsBetween(rule.startDate, search);
  const offset = truncDiv(distance, interval) * interval;
  const later = rule.days.filter((d) => d > search.day); // document order, not sorted
  if (later.length > 0 && distance === offset) return monthOffsetDate(y0, m0 + offset, later[0]);
  return monthOffsetDate(y0, m0 + offset + interval, rule.days[0]);
}

function monthlyEvery(rule: DatedRule, weekday: IsoWeekday, search: CivilDate): CivilDate {
  const interval = checkInterval(rule);
  const { year: y0, month: m0 } = rule.startDate;
  const distance = monthsBetween(rule.startDate, search);
  const offset = truncDiv(distance, interval) * interval;
  if (distance === offset) {
    const next = findNextWeekday(search.year, search.month, search.day, weekday);
    if (next.year === search.year && next.month === search.month) return next;
    if (interval === 1) return next;
  }
  return findOrdinalWeekday(y0, m0 + offset + interval, weekday, 'first');
}

function monthlyLast(rule: DatedRule, weekday: IsoWeekday, search: CivilDate): CivilDate {
  const interval = checkInterval(rule);
  const { year: y0, month: m0 } = rule.startDate;
  const distance = monthsBetween(rule.startDate, search);
  const offset = truncDiv(distance, interval) * interval;
  if (distance === offset) {
    const last = findLastWeekday(search.year, search.month, weekday);
    if (search.day < last.day) return last;
  }
  return findLastWeekday(y0, m0 + offset + interval, weekday);
}

function monthlyOrdinal(rule: DatedRule, weekday: IsoWeekday, search: CivilDate): CivilDate {
  const interval = checkInterval(rule);
  const { year: y0, month: m0 } = rule.startDate;
  const distance = monthsBetween(rule.startDate, search);
  const offset = truncDiv(distance, interval) * interval;
  if (distance === offset) {
    const date = findOrdinalWeekday(search.year, search.month, weekday, rule.ordinal);
    if (date.month === search.month && search.day < date.day && interval > 1) return date;
    // With interval 1 Kazoo also accepts a date in a later month — a "fifth" spilled into the next month.
    if (interval === 1 && (search.day < date.day || search.month < date.month)) return date;
  }
  return findOrdinalWeekday(y0, m0 + offset + interval, weekday, rule.ordinal);
}

function yearlyByDays(rule: DatedRule, search: CivilDate): CivilDate {
  const interval = checkInterval(rule);
  const y0 = rule.startDate.year;
  const distance = search.year - y0;
  const offset = truncDiv(distance, interval) * interval;
  const nextCycle = civilLoose(y0 + offset + interval, rule.month, rule.days[0]);
  if (distance !== offset) return nextCycle;
  if (search.month < rule.month) return civilLoose(search.year, rule.month, rule.days[0]);
  if (search.month > rule.month) return nextCycle;
  const rest = dropWhile(rule.days, (d) => search.day >= d);
  return rest.length > 0 ? civilLoose(search.year, rule.month, rest[0]) : nextCycle;
}

function yearlyEvery(rule: DatedRule, weekday: IsoWeekday, search: CivilDate): CivilDate {
  const interval = checkInterval(rule);
  const y0 = rule.startDate.year;
  const distance = search.year - y0;
  const offset = truncDiv(distance, interval) * interval;
  if (distance === offset) {
    // Kazoo looks from yesterday's day-of-month *in the rule's month*; that date may not exist (crash).
    const next = findNextWeekday(search.year, rule.month, search.day, weekday);
    if (next.year === search.year && next.month === rule.month) {
      if (search.month < rule.month) return next;
      if (search.month === rule.month && search.day < next.day) return next;
    }
  }
  return findOrdinalWeekday(y0 + offset + interval, rule.month, weekday, 'first');
}

function yearlyLast(rule: DatedRule, weekday: IsoWeekday, search: CivilDate): CivilDate {
  const interval = checkInterval(rule);
  const y0 = rule.startDate.year;
  const distance = search.year - y0;
  const offset = truncDiv(distance, interval) * interval;
  if (distance === offset) {
    const last = findLastWeekday(search.year, rule.month, weekday);
    if (last.year === search.year) {
      if (search.month < rule.month) return last;
      if (search.month === rule.month && search.day < last.day) return last;
    }
  }
  return findLastWeekday(y0 + offset + interval, rule.month, weekday);
}

function yearlyOrdinal(rule: DatedRule, weekday: IsoWeekday, search: CivilDate): CivilDate {
  const interval = checkInterval(rule);
  const y0 = rule.startDate.year;
  const distance = search.year - y0;
  const offset = truncDiv(distance, interval) * interval;
  if (distance === offset) {
    const date = findOrdinalWeekday(search.year, rule.month, weekday, rule.ordinal);
    if (date.year === search.year && date.month === rule.month) {
      if (search.month < rule.month) return date;
      if (search.month === rule.month && search.day < date.day) return date;
    }
  }
  // find_next_yearly_ordinal_weekday: skip years whose month lacks that occurrence (a missing "fifth").
  // Kazoo loops forever if no year ever has it (e.g. fifth weekday of February stepping over odd years).
  let year = y0 + offset + interval;
  for (let tries = 0; tries < 400; tries += 1, year += interval) {
    const date = findOrdinalWeekday(year, rule.month, weekday, rule.ordinal);
    if (date.month === rule.month) return date;
  }
  throw new RuleEvaluationError(`no year has a ${rule.ordinal} weekday ${weekday} in month ${rule.month}`);
}

/** A date that may be invalid ({Y, 2, 30}): kept as Kazoo keeps it, normalised by the caller. */
function civilLoose(year: number, month: number, day: number): CivilDate {
  return { year, month, day };
}

function dropWhile<T>(list: readonly T[], pred: (x: T) => boolean): T[] {
  let i = 0;
  while (i < list.length && pred(list[i])) i += 1;
  return list.slice(i);
}

/**
 * next_rule_date/2 followed by kz_date:normalize (as process_rules does): the rule's next date after
 * `search`. Throws RuleEvaluationError where Kazoo's code crashes or hangs.
 */
export function kazooNextRuleDate(rule: DatedRule, search: CivilDate): CivilDate {
  const raw = nextRuleDateRaw(rule, search);
  return normalizeDate(raw.year, raw.month, raw.day);
}

function nextRuleDateRaw(rule: DatedRule, search: CivilDate): CivilDate {
  switch (rule.cycle) {
    case 'date':
      return rule.startDate;
    case 'daily':
      return daily(rule, search);
    case 'weekly':
      return weekly(rule, search);
    case 'monthly':
    case 'yearly': {
      if (rule.cycle === 'yearly' && !(Number.isInteger(rule.month) && rule.month >= 1 && rule.month <= 12)) {
        throw new RuleEvaluationError(`month ${rule.month} is not 1..12`);
      }
      if (rule.days.length > 0) {
        if (rule.days.some((d) => d < 1 || d > 31)) throw new RuleEvaluationError(`days ${rule.days} not all in 1..31`);
        return rule.cycle === 'monthly' ? monthlyByDays(rule, search) : yearlyByDays(rule, search);
      }
      const weekday = onlyWeekday(rule);
      if (rule.ordinal === 'every') {
        return rule.cycle === 'monthly' ? monthlyEvery(rule, weekday, search) : yearlyEvery(rule, weekday, search);
      }
      if (rule.ordinal === 'last') {
        return rule.cycle === 'monthly' ? monthlyLast(rule, weekday, search) : yearlyLast(rule, weekday, search);
      }
      return rule.cycle === 'monthly' ? monthlyOrdinal(rule, weekday, search) : yearlyOrdinal(rule, weekday, search);
    }
    default:
      throw new RuleEvaluationError(`unknown cycle ${JSON.stringify(rule.cycle)}`);
  }
}

