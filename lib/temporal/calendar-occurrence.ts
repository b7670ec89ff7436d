// The plain calendar reading of a temporal rule: does the rule occur on this local date?
// This is what Kazoo's next_rule_date means to compute; rules.ts uses it to flag where Kazoo's maths says otherwise.
import {
  type CivilDate,
  compareDates,
  daysInMonth,
  isoWeekMonday,
  isoWeekday,
  toEpochDay,
} from './civil-date.ts';
import { type DatedRule, RuleEvaluationError } from './kazoo-next-date.ts';

const ORDINAL_INDEX: Readonly<Record<string, number>> = { first: 0, second: 1, third: 2, fourth: 3, fifth: 4 };

function positiveInterval(rule: DatedRule): number {
  if (!Number.isInteger(rule.interval) || rule.interval < 1) {
    throw new RuleEvaluationError(`interval ${rule.interval} is not a positive integer`);
  }
  return rule.interval;
}

/** Day-of-month and weekday part of monthly/yearly rules: `days`, else `ordinal` + one weekday. */
function matchesDayOfMonth(rule: DatedRule, date: CivilDate): boolean {
  if (rule.days.length > 0) {
    if (rule.days.some((d) => d < 1 || d > 31)) throw new RuleEvaluationError(`days ${rule.days} not all in 1..31`);
    return rule.days.includes(date.day);
  }
  if (rule.wdays.length !== 1) {
    const count = rule.wdays.length;
    throw new RuleEvaluationError(`${rule.cycle} rule by ordinal needs exactly one weekday in wdays, has ${count}`);
  }
  if (isoWeekday(date) !== rule.wdays[0]) return false;
  if (rule.ordinal === 'every') return true;
  if (rule.ordinal === 'last') return date.day + 7 > daysInMonth(date.year, date.month);
  const index = ORDINAL_INDEX[rule.ordinal];
  if (index === undefined) throw new RuleEvaluationError(`unknown ordinal ${JSON.stringify(rule.ordinal)}`);
  return Math.floor((date.day - 1) / 7) === index;
}

/**
 * True when `date` is one of the rule's occurrence dates: on or after the start date, in a cycle that is a
 * multiple of `interval` cycles after the start's (days, ISO weeks, calendar months, calendar years), on a
 * matching day. Throws RuleEvaluationError for rules that cannot be evaluated at all.
 */
export function occursOn(rule: DatedRule, date: CivilDate): boolean {
  if (compareDates(date, rule.startDate) < 0) return false;
  switch (rule.cycle) {
    case 'date':
      return compareDates(date, rule.startDate) === 0;
    case 'daily':
      return (toEpochDay(date) - toEpochDay(rule.startDate)) % positiveInterval(rule) === 0;
    case 'weekly': {
      const weeks = (toEpochDay(isoWeekMonday(date)) - toEpochDay(isoWeekMonday(rule.startDate))) / 7;
      return weeks % positiveInterval(rule) === 0 && rule.wdays.includes(isoWeekday(date));
    }
    case 'monthly': {
      const months = (date.year - rule.startDate.year) * 12 + date.month - rule.startDate.month;
      const interval = positiveInterval(rule);
      return months % interval === 0 && matchesDayOfMonth(rule, date);
    }
    case 'yearly': {
      if (!(Number.isInteger(rule.month) && rule.month >= 1 && rule.month <= 12)) {
        throw new RuleEvaluationError(`month ${rule.month} is not 1..12`);
      }
      const interval = positiveInterval(rule);
      const years = date.year - rule.startDate.year;
      return years % interval === 0 && date.month === rule.month && matchesDayOfMonth(rule, date);
    }
    default:
      throw new RuleEvaluationError(`unknown cycle ${JSON.stringify(rule.cycle)}`);
  }
}
