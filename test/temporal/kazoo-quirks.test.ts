// Days on which Kazoo's recurrence maths (reproduced by default) and the plain calendar reading disagree.
// Each expectation is derived by hand from cf_temporal_route:next_rule_date (see lib/temporal/rules.ts header).
import { expect } from 'chai';
import { addDays, civil, daysInMonth, formatDate, fromEpochDay, toEpochDay } from '../../lib/temporal/civil-date.ts';
import type { TemporalRuleDoc } from '../../lib/temporal/rule-doc.ts';
import { evaluateRule } from '../../lib/temporal/rules.ts';
import { at, rule, startOn } from './helpers.ts';

type Outcome = boolean | 'invalid';

interface QuirkCase {
  description: string;
  rule: TemporalRuleDoc;
  instant: string;
  tz: string;
  kazoo: Outcome;
  calendar: Outcome;
}

const UTC = 'UTC';
const NY = 'America/New_York';

function outcome(ev: { state: string; active: boolean }): Outcome {
  return ev.state === 'invalid' ? 'invalid' : ev.active;
}

const quirkCases: QuirkCase[] = [
  {
    description: 'daily every day: the start date is an occurrence (trunc(-1/1) = -1)',
    rule: rule({ cycle: 'daily', start_date: startOn('2024-01-01') }),
    instant: '2024-01-01T12:00:00Z', tz: UTC, kazoo: true, calendar: true,
  },
  {
    description: 'daily: the day after the start date agrees',
    rule: rule({ cycle: 'daily', start_date: startOn('2024-01-01') }),
    instant: '2024-01-02T12:00:00Z', tz: UTC, kazoo: true, calendar: true,
  },
  {
    description: 'daily every 3 days: the start date is not an occurrence in Kazoo (trunc(-1/3) = 0)',
    rule: rule({ cycle: 'daily', interval: 3, start_date: startOn('2024-01-01') }),
    instant: '2024-01-01T12:00:00Z', tz: UTC, kazoo: false, calendar: true,
  },
  {
    description: 'monthly days [31]: 30 April rolls over to 1 May',
    rule: rule({ cycle: 'monthly', days: [31], start_date: startOn('2024-01-01') }),
    instant: '2024-05-01T12:00:00Z', tz: UTC, kazoo: true, calendar: false,
  },
  {
    description: 'monthly days [31]: after a 31-day month nothing rolls over (1 June)',
    rule: rule({ cycle: 'monthly', days: [31], start_date: startOn('2024-01-01') }),
    instant: '2024-06-01T12:00:00Z', tz: UTC, kazoo: false, calendar: false,
  },
  {
    description: 'monthly days [31]: 30 June rolls over to 1 July',
    rule: rule({ cycle: 'monthly', days: [31], start_date: startOn('2024-01-01') }),
    instant: '2024-07-01T12:00:00Z', tz: UTC, kazoo: true, calendar: false,
  },
  {
    description: 'monthly days [31]: 29 Feb + 2 days lands on 2 March, not on 1 March',
    rule: rule({ cycle: 'monthly', days: [31], start_date: startOn('2024-01-01') }),
    instant: '2024-03-01T12:00:00Z', tz: UTC, kazoo: false, calendar: false,
  },
  {
    description: 'monthly days [29] in a common year: 1 March 2025',
    rule: rule({ cycle: 'monthly', days: [29], start_date: startOn('2024-01-01') }),
    instant: '2025-03-01T12:00:00Z', tz: UTC, kazoo: true, calendar: false,
  },
  {
    description: 'monthly days [30] in a leap year: 1 March 2024',
    rule: rule({ cycle: 'monthly', days: [30], start_date: startOn('2024-01-01') }),
    instant: '2024-03-01T12:00:00Z', tz: UTC, kazoo: true, calendar: false,
  },
  {
    description: 'monthly days [15, 1] (unsorted): 1 April is missed',
    rule: rule({ cycle: 'monthly', days: [15, 1], start_date: startOn('2024-01-01') }),
    instant: '2024-04-01T12:00:00Z', tz: UTC, kazoo: false, calendar: true,
  },
  {
    description: 'monthly days [20, 10] (unsorted): the 10th is missed',
    rule: rule({ cycle: 'monthly', days: [20, 10], start_date: startOn('2024-01-01') }),
    instant: '2024-04-10T12:00:00Z', tz: UTC, kazoo: false, calendar: true,
  },
  {
    description: 'monthly days [1] every 2 months starting on the 1st: the start date is missed',
    rule: rule({ cycle: 'monthly', interval: 2, days: [1], start_date: startOn('2024-03-01') }),
    instant: '2024-03-01T12:00:00Z', tz: UTC, kazoo: false, calendar: true,
  },
  {
    description: 'monthly every Friday every 2 months starting Friday 1 March: the start date is missed',
    rule: rule({ cycle: 'monthly', interval: 2, ordinal: 'every', wdays: ['friday'], start_date: startOn('2024-03-01') }),
    instant: '2024-03-01T12:00:00Z', tz: UTC, kazoo: false, calendar: true,
  },
  {
    description: 'fifth Friday: February 2024 has four, so Friday 1 March is taken as its fifth',
    rule: rule({ cycle: 'monthly', ordinal: 'fifth', wdays: ['friday'], start_date: startOn('2024-01-01') }),
    instant: '2024-03-01T12:00:00Z', tz: UTC, kazoo: true, calendar: false,
  },
  {
    description: 'fifth Monday: never across December → January (Mon 1 Jan 2024)',
    rule: rule({ cycle: 'monthly', ordinal: 'fifth', wdays: ['monday'], start_date: startOn('2023-01-01') }),
    instant: '2024-01-01T12:00:00Z', tz: UTC, kazoo: false, calendar: false,
  },
  {
    description: 'yearly every Friday of March: Friday 1 March 2024 is missed',
    rule: rule({ cycle: 'yearly', month: 3, ordinal: 'every', wdays: ['friday'] }),
    instant: '2024-03-01T12:00:00Z', tz: UTC, kazoo: false, calendar: true,
  },
  {
    description: 'yearly every Friday of March: 8 March 2024 agrees',
    rule: rule({ cycle: 'yearly', month: 3, ordinal: 'every', wdays: ['friday'] }),
    instant: '2024-03-08T12:00:00Z', tz: UTC, kazoo: true, calendar: true,
  },
  {
    description: 'yearly every Monday of January: Monday 1 January 2024 is not missed',
    rule: rule({ cycle: 'yearly', month: 1, ordinal: 'every', wdays: ['monday'] }),
    instant: '2024-01-01T12:00:00Z', tz: UTC, kazoo: true, calendar: true,
  },
  {
    description: 'yearly every Monday of February on 31 March: Kazoo looks at 30 February and crashes',
    rule: rule({ cycle: 'yearly', month: 2, ordinal: 'every', wdays: ['monday'] }),
    instant: '2024-03-31T12:00:00Z', tz: UTC, kazoo: 'invalid', calendar: false,
  },
  {
    description: 'yearly every Monday of February on 30 March 2024: 29 February exists in 2024',
    rule: rule({ cycle: 'yearly', month: 2, ordinal: 'every', wdays: ['monday'] }),
    instant: '2024-03-30T12:00:00Z', tz: UTC, kazoo: false, calendar: false,
  },
  {
    description: 'yearly every Monday of April on 1 February: Kazoo looks at 31 April and crashes',
    rule: rule({ cycle: 'yearly', month: 4, ordinal: 'every', wdays: ['monday'] }),
    instant: '2024-02-01T12:00:00Z', tz: UTC, kazoo: 'invalid', calendar: false,
  },
  {
    description: 'yearly every Monday of February every 2 years, in an off year: no crash',
    rule: rule({ cycle: 'yearly', interval: 2, month: 2, ordinal: 'every', wdays: ['monday'], start_date: startOn('2024-01-01') }),
    instant: '2025-03-31T12:00:00Z', tz: UTC, kazoo: false, calendar: false,
  },
  {
    description: 'yearly 29 February in a common year: 1 March 2025',
    rule: rule({ cycle: 'yearly', month: 2, days: [29], start_date: startOn('2020-01-01') }),
    instant: '2025-03-01T12:00:00Z', tz: UTC, kazoo: true, calendar: false,
  },
  {
    description: 'yearly 31 April: 1 May',
    rule: rule({ cycle: 'yearly', month: 4, days: [31], start_date: startOn('2020-01-01') }),
    instant: '2024-05-01T12:00:00Z', tz: UTC, kazoo: true, calendar: false,
  },
  {
    description: 'yearly December [31, 24] (unsorted): 24 December is missed',
    rule: rule({ cycle: 'yearly', month: 12, days: [31, 24], start_date: startOn('2020-01-01') }),
    instant: '2024-12-24T12:00:00Z', tz: UTC, kazoo: false, calendar: true,
  },
  {
    description: 'date with the default stop 86400: 00:00:00 the next day still matches',
    rule: rule({ cycle: 'date', start_date: startOn('2024-03-10') }),
    instant: '2024-03-11T04:00:00Z', tz: NY, kazoo: true, calendar: false,
  },
  {
    description: 'date: 00:00:01 the next day no longer matches',
    rule: rule({ cycle: 'date', start_date: startOn('2024-03-10') }),
    instant: '2024-03-11T04:00:01Z', tz: NY, kazoo: false, calendar: false,
  },
  {
    description: 'date with stop 23:59:59: 00:00:00 the next day does not match',
    rule: rule({ cycle: 'date', start_date: startOn('2024-03-10'), time_window_stop: at(23, 59, 59) }),
    instant: '2024-03-11T04:00:00Z', tz: NY, kazoo: false, calendar: false,
  },
];

describe('temporal rules: Kazoo quirks vs the calendar reading', () => {
  for (const c of quirkCases) {
    it(`${c.description} → Kazoo ${c.kazoo}, calendar ${c.calendar}`, () => {
      const kazoo = evaluateRule('q', c.rule, c.instant, c.tz);
      const calendar = evaluateRule('q', c.rule, c.instant, c.tz, { semantics: 'calendar' });
      expect(outcome(kazoo), kazoo.reason).to.equal(c.kazoo);
      expect(outcome(calendar), calendar.reason).to.equal(c.calendar);
      const differs = c.kazoo !== c.calendar;
      expect(kazoo.quirk !== undefined, String(kazoo.quirk)).to.equal(differs);
      expect(calendar.quirk !== undefined, String(calendar.quirk)).to.equal(differs);
    });
  }

  it('names both answers in the quirk note', () => {
    const ev = evaluateRule('q', rule({ cycle: 'monthly', days: [31], start_date: startOn('2024-01-01') }), '2024-05-01T12:00:00Z', UTC);
    expect(ev.quirk).to.equal("Kazoo's recurrence maths gives active on 2024-05-01, the calendar reading gives inactive");
  });
});

// Every day of 2023–2026 at noon UTC: the exact set of days on which the two readings disagree.
function* daysBetween(from: string, to: string): Generator<string> {
  const [fy, fm, fd] = from.split('-').map(Number);
  const [ty, tm, td] = to.split('-').map(Number);
  for (let d = toEpochDay(civil(fy, fm, fd)); d <= toEpochDay(civil(ty, tm, td)); d += 1) yield formatDate(fromEpochDay(d));
}

function disagreements(doc: TemporalRuleDoc): string[] {
  const out: string[] = [];
  for (const day of daysBetween('2023-01-01', '2026-12-31')) {
    const instant = `${day}T12:00:00Z`;
    const k = outcome(evaluateRule('s', doc, instant, UTC));
    const c = outcome(evaluateRule('s', doc, instant, UTC, { semantics: 'calendar' }));
    if (k !== c) out.push(`${day} ${k}/${c}`);
  }
  return out;
}

/** Days 2023–2026 whose yesterday's day-of-month does not exist in February of yesterday's year. */
function februaryEveryCrashDays(): string[] {
  const out: string[] = [];
  for (const day of daysBetween('2023-01-01', '2026-12-31')) {
    const [y, m, d] = day.split('-').map(Number);
    const yesterday = addDays(civil(y, m, d), -1);
    if (yesterday.day > daysInMonth(yesterday.year, 2)) out.push(`${day} invalid/false`);
  }
  return out;
}

describe('temporal rules: where Kazoo and the calendar disagree over four years', () => {
  const start = startOn('2023-01-01');
  const sweeps: Array<{ description: string; rule: TemporalRuleDoc; expected: string[] | (() => string[]) }> = [
    { description: 'weekly Mon+Wed+Fri every 2 weeks', rule: rule({ cycle: 'weekly', interval: 2, wdays: ['monday', 'wednesday', 'friday'], start_date: startOn('2023-01-04') }), expected: [] },
    { description: 'weekly, all days', rule: rule({ cycle: 'weekly', wdays: [], start_date: start }), expected: [] },
    { description: 'last Friday every 3 months', rule: rule({ cycle: 'monthly', interval: 3, ordinal: 'last', wdays: ['friday'], start_date: start }), expected: [] },
    { description: 'second Tuesday every 2 months', rule: rule({ cycle: 'monthly', interval: 2, ordinal: 'second', wdays: ['tuesday'], start_date: start }), expected: [] },
    { description: 'first Monday every 2 months', rule: rule({ cycle: 'monthly', interval: 2, ordinal: 'first', wdays: ['monday'], start_date: start }), expected: [] },
    { description: 'every Tuesday every 3 months from 1 Feb', rule: rule({ cycle: 'monthly', interval: 3, ordinal: 'every', wdays: ['tuesday'], start_date: startOn('2023-02-01') }), expected: [] },
    { description: 'fourth Thursday of November', rule: rule({ cycle: 'yearly', month: 11, ordinal: 'fourth', wdays: ['thursday'], start_date: start }), expected: [] },
    { description: 'last Monday of May every 2 years', rule: rule({ cycle: 'yearly', interval: 2, month: 5, ordinal: 'last', wdays: ['monday'], start_date: start }), expected: [] },
    { description: '25 December', rule: rule({ cycle: 'yearly', month: 12, days: [25], start_date: start }), expected: [] },
    { description: 'daily every 5 days: only its start date', rule: rule({ cycle: 'daily', interval: 5, start_date: startOn('2023-01-03') }), expected: ['2023-01-03 false/true'] },
    { description: 'days 1 and 15 every 2 months starting on the 1st: only its start date', rule: rule({ cycle: 'monthly', interval: 2, days: [1, 15], start_date: start }), expected: ['2023-01-01 false/true'] },
    {
      description: 'day 31: the 1st after each 30-day month',
      rule: rule({ cycle: 'monthly', days: [31], start_date: start }),
      expected: [2023, 2024, 2025, 2026].flatMap((y) => ['05', '07', '10', '12'].map((m) => `${y}-${m}-01 true/false`)),
    },
    {
      description: 'fifth Friday: each 1st of a month that is a Friday, except 1 January',
      rule: rule({ cycle: 'monthly', ordinal: 'fifth', wdays: ['friday'], start_date: start }),
      expected: ['2023-09-01', '2023-12-01', '2024-03-01', '2024-11-01', '2025-08-01', '2026-05-01'].map((d) => `${d} true/false`),
    },
    {
      description: 'every Friday of March: 1 March when it is a Friday',
      rule: rule({ cycle: 'yearly', month: 3, ordinal: 'every', wdays: ['friday'], start_date: start }),
      expected: ['2024-03-01 false/true'],
    },
    {
      description: '29 February: 1 March of common years',
      rule: rule({ cycle: 'yearly', month: 2, days: [29], start_date: start }),
      expected: ['2023-03-01 true/false', '2025-03-01 true/false', '2026-03-01 true/false'],
    },
    {
      description: 'every Monday of February: crashes whenever yesterday\'s day does not exist in February',
      rule: rule({ cycle: 'yearly', month: 2, ordinal: 'every', wdays: ['monday'], start_date: start }),
      expected: februaryEveryCrashDays,
    },
  ];

  for (const s of sweeps) {
    it(s.description, () => {
      const expected = typeof s.expected === 'function' ? s.expected() : s.expected;
      expect(disagreements(s.rule)).to.deep.equal(expected);
    });
  }
});
