// Table tests: is one temporal rule active at an instant in a zone (Kazoo semantics, the default).
// Expected values are worked out by hand from the calendar (weekdays checked against a printed calendar)
// and the tz database's 2024 transitions: New York 10 Mar 02:00→03:00 / 3 Nov 02:00→01:00; London
// 31 Mar 01:00→02:00 / 27 Oct 02:00→01:00; Sydney 7 Apr 03:00→02:00 / 6 Oct 02:00→03:00; Kolkata none.
import { expect } from 'chai';
import type { TemporalRuleDoc } from '../../lib/temporal/rule-doc.ts';
import { type RuleState, evaluateRule } from '../../lib/temporal/rules.ts';
import { WEEKDAYS, at, rule, startOn } from './helpers.ts';

interface Case {
  description: string;
  rule: TemporalRuleDoc;
  instant: string;
  tz: string;
  expected: boolean;
  state?: RuleState;
}

const NY = 'America/New_York';
const LDN = 'Europe/London';
const SYD = 'Australia/Sydney';
const KOL = 'Asia/Kolkata';
const UTC = 'UTC';

const office = rule({
  name: 'Office',
  cycle: 'weekly',
  interval: 1,
  wdays: WEEKDAYS,
  time_window_start: at(9),
  time_window_stop: at(17),
  start_date: startOn('2024-01-01'),
});
const everyDay9to5 = rule({ cycle: 'daily', interval: 1, time_window_start: at(9), time_window_stop: at(17), start_date: startOn('2024-01-01') });
const nightly1 = rule({ cycle: 'daily', time_window_start: at(1), time_window_stop: at(1, 59, 59), start_date: startOn('2024-01-01') });
const nightly2 = rule({ cycle: 'daily', time_window_start: at(2), time_window_stop: at(2, 59, 59), start_date: startOn('2024-01-01') });
const nightly2to3 = rule({ cycle: 'daily', time_window_start: at(2), time_window_stop: at(3), start_date: startOn('2024-01-01') });

const weeklyCases: Case[] = [
  // Office hours in New York (EDT on Tue 12 Mar 2024).
  { description: 'NY Tue 10:00 inside 09-17', rule: office, instant: '2024-03-12T10:00:00-04:00', tz: NY, expected: true, state: 'active' },
  { description: 'NY Tue 08:59:59 one second early', rule: office, instant: '2024-03-12T08:59:59-04:00', tz: NY, expected: false, state: 'inactive' },
  { description: 'NY Tue 09:00:00 start is inclusive', rule: office, instant: '2024-03-12T09:00:00-04:00', tz: NY, expected: true },
  { description: 'NY Tue 17:00:00 stop is inclusive', rule: office, instant: '2024-03-12T17:00:00-04:00', tz: NY, expected: true },
  { description: 'NY Tue 17:00:01 one second late', rule: office, instant: '2024-03-12T17:00:01-04:00', tz: NY, expected: false },
  { description: 'NY Tue 17:00:00.999 is truncated to the second', rule: office, instant: '2024-03-12T17:00:00.999-04:00', tz: NY, expected: true },
  { description: 'NY Saturday', rule: office, instant: '2024-03-16T10:00:00-04:00', tz: NY, expected: false },
  { description: 'NY Sunday', rule: office, instant: '2024-03-17T10:00:00-04:00', tz: NY, expected: false },
  { description: 'UTC instant 13:30Z is 09:30 EDT', rule: office, instant: '2024-03-12T13:30:00Z', tz: NY, expected: true },
  { description: 'UTC instant 21:30Z is 17:30 EDT', rule: office, instant: '2024-03-12T21:30:00Z', tz: NY, expected: false },
  { description: 'Wed 03:00Z is Tue 23:00 in NY', rule: office, instant: '2024-03-13T03:00:00Z', tz: NY, expected: false },
  // London: GMT in January, BST in July.
  { description: 'London Mon 09:00 GMT', rule: office, instant: '2024-01-08T09:00:00Z', tz: LDN, expected: true },
  { description: 'London Mon 08:30Z is 09:30 BST', rule: office, instant: '2024-07-08T08:30:00Z', tz: LDN, expected: true },
  { description: 'London Mon 16:30Z is 17:30 BST', rule: office, instant: '2024-07-08T16:30:00Z', tz: LDN, expected: false },
  { description: 'same instant 08:30Z in UTC is before 09:00', rule: office, instant: '2024-07-08T08:30:00Z', tz: UTC, expected: false },
  // Sydney (AEDT +11 in March): the local weekday differs from the UTC one.
  { description: 'Sydney Fri 09:30 AEDT', rule: office, instant: '2024-03-15T09:30:00+11:00', tz: SYD, expected: true },
  { description: 'Thu 22:30Z is Fri 09:30 in Sydney', rule: office, instant: '2024-03-14T22:30:00Z', tz: SYD, expected: true },
  { description: 'Fri 23:00Z is Sat 10:00 in Sydney', rule: office, instant: '2024-03-15T23:00:00Z', tz: SYD, expected: false },
  { description: 'Sun 22:00Z is Mon 09:00 in Sydney', rule: office, instant: '2024-03-17T22:00:00Z', tz: SYD, expected: true },
  // Kolkata (+05:30, no DST).
  { description: 'Kolkata 03:30Z is Mon 09:00 IST', rule: office, instant: '2024-03-11T03:30:00Z', tz: KOL, expected: true },
  { description: 'Kolkata 03:29:59Z is 08:59:59 IST', rule: office, instant: '2024-03-11T03:29:59Z', tz: KOL, expected: false },
  { description: 'Kolkata 11:30Z is 17:00 IST', rule: office, instant: '2024-03-11T11:30:00Z', tz: KOL, expected: true },
  { description: 'Kolkata 11:30:01Z is 17:00:01 IST', rule: office, instant: '2024-03-11T11:30:01Z', tz: KOL, expected: false },
  { description: 'Kolkata instant with +05:30 offset', rule: office, instant: '2024-03-11T09:00:00+05:30', tz: KOL, expected: true },
  // UTC.
  { description: 'UTC Sunday noon', rule: office, instant: '2024-03-17T12:00:00Z', tz: UTC, expected: false },
  { description: 'UTC Wednesday noon', rule: office, instant: '2024-03-13T12:00:00Z', tz: UTC, expected: true },
  // One instant, five zones: Fri 15 Mar 2024 14:00Z.
  { description: '14:00Z Fri is 10:00 EDT', rule: office, instant: '2024-03-15T14:00:00Z', tz: NY, expected: true },
  { description: '14:00Z Fri is 14:00 GMT (London not yet on BST)', rule: office, instant: '2024-03-15T14:00:00Z', tz: LDN, expected: true },
  { description: '14:00Z Fri is Sat 01:00 AEDT', rule: office, instant: '2024-03-15T14:00:00Z', tz: SYD, expected: false },
  { description: '14:00Z Fri is 19:30 IST', rule: office, instant: '2024-03-15T14:00:00Z', tz: KOL, expected: false },
  { description: '14:00Z Fri in UTC', rule: office, instant: '2024-03-15T14:00:00Z', tz: UTC, expected: true },
];

const dstCases: Case[] = [
  // New York spring forward, Sun 10 Mar 2024: 09:00-17:00 is wall-clock time on both sides.
  { description: 'NY Sat 9 Mar 14:00Z = 09:00 EST', rule: everyDay9to5, instant: '2024-03-09T14:00:00Z', tz: NY, expected: true },
  { description: 'NY Sat 9 Mar 13:59:59Z = 08:59:59 EST', rule: everyDay9to5, instant: '2024-03-09T13:59:59Z', tz: NY, expected: false },
  { description: 'NY Sun 10 Mar 13:00Z = 09:00 EDT (spring-forward day)', rule: everyDay9to5, instant: '2024-03-10T13:00:00Z', tz: NY, expected: true },
  { description: 'NY Sun 10 Mar 12:59:59Z = 08:59:59 EDT', rule: everyDay9to5, instant: '2024-03-10T12:59:59Z', tz: NY, expected: false },
  { description: 'NY Sun 10 Mar 21:00Z = 17:00 EDT', rule: everyDay9to5, instant: '2024-03-10T21:00:00Z', tz: NY, expected: true },
  { description: 'NY Sun 10 Mar 21:00:01Z = 17:00:01 EDT', rule: everyDay9to5, instant: '2024-03-10T21:00:01Z', tz: NY, expected: false },
  // New York fall back, Sun 3 Nov 2024.
  { description: 'NY Sat 2 Nov 13:00Z = 09:00 EDT', rule: everyDay9to5, instant: '2024-11-02T13:00:00Z', tz: NY, expected: true },
  { description: 'NY Sun 3 Nov 14:00Z = 09:00 EST (fall-back day)', rule: everyDay9to5, instant: '2024-11-03T14:00:00Z', tz: NY, expected: true },
  { description: 'NY Sun 3 Nov 13:59:59Z = 08:59:59 EST', rule: everyDay9to5, instant: '2024-11-03T13:59:59Z', tz: NY, expected: false },
  // London and Sydney around their changes.
  { description: 'London Sun 31 Mar 08:00Z = 09:00 BST', rule: everyDay9to5, instant: '2024-03-31T08:00:00Z', tz: LDN, expected: true },
  { description: 'London Sat 30 Mar 08:00Z = 08:00 GMT', rule: everyDay9to5, instant: '2024-03-30T08:00:00Z', tz: LDN, expected: false },
  { description: 'Sydney Thu 4 Apr 22:00Z = Fri 09:00 AEDT', rule: office, instant: '2024-04-04T22:00:00Z', tz: SYD, expected: true },
  { description: 'Sydney Thu 4 Apr 21:59:59Z = Fri 08:59:59 AEDT', rule: office, instant: '2024-04-04T21:59:59Z', tz: SYD, expected: false },
  { description: 'Sydney Sun 7 Apr 23:00Z = Mon 09:00 AEST', rule: office, instant: '2024-04-07T23:00:00Z', tz: SYD, expected: true },
  { description: 'Sydney Sun 7 Apr 22:00Z = Mon 08:00 AEST', rule: office, instant: '2024-04-07T22:00:00Z', tz: SYD, expected: false },
  // The skipped hour never matches.
  { description: 'NY 02:00-02:59:59 window: 06:59:59Z = 01:59:59 EST', rule: nightly2, instant: '2024-03-10T06:59:59Z', tz: NY, expected: false },
  { description: 'NY 02:00-02:59:59 window: 07:00Z = 03:00 EDT (02:xx skipped)', rule: nightly2, instant: '2024-03-10T07:00:00Z', tz: NY, expected: false },
  { description: 'NY 02:00-02:59:59 window on an ordinary day', rule: nightly2, instant: '2024-03-11T06:30:00Z', tz: NY, expected: true },
  { description: 'NY 02:00-03:00 window: 07:00Z = 03:00:00 EDT (inclusive stop)', rule: nightly2to3, instant: '2024-03-10T07:00:00Z', tz: NY, expected: true },
  { description: 'London 01:00-01:59:59 window: 00:59:59Z = 00:59:59 GMT', rule: nightly1, instant: '2024-03-31T00:59:59Z', tz: LDN, expected: false },
  { description: 'London 01:00-01:59:59 window: 01:00Z = 02:00 BST (01:xx skipped)', rule: nightly1, instant: '2024-03-31T01:00:00Z', tz: LDN, expected: false },
  { description: 'Sydney 02:00-02:59:59 window: 15:59:59Z = 01:59:59 AEST', rule: nightly2, instant: '2024-10-05T15:59:59Z', tz: SYD, expected: false },
  { description: 'Sydney 02:00-02:59:59 window: 16:00Z = 03:00 AEDT (02:xx skipped)', rule: nightly2, instant: '2024-10-05T16:00:00Z', tz: SYD, expected: false },
  { description: 'Sydney 02:00-02:59:59 window the next night', rule: nightly2, instant: '2024-10-06T15:30:00Z', tz: SYD, expected: true },
  // The repeated hour matches twice.
  { description: 'NY 01:00-01:59:59: 05:30Z = 01:30 EDT', rule: nightly1, instant: '2024-11-03T05:30:00Z', tz: NY, expected: true },
  { description: 'NY 01:00-01:59:59: 06:30Z = 01:30 EST (again)', rule: nightly1, instant: '2024-11-03T06:30:00Z', tz: NY, expected: true },
  { description: 'NY 01:00-01:59:59: 07:00Z = 02:00 EST', rule: nightly1, instant: '2024-11-03T07:00:00Z', tz: NY, expected: false },
  { description: 'NY 01:00-01:59:59: 04:59:59Z = 00:59:59 EDT', rule: nightly1, instant: '2024-11-03T04:59:59Z', tz: NY, expected: false },
  { description: 'London 01:00-01:59:59: 00:30Z = 01:30 BST', rule: nightly1, instant: '2024-10-27T00:30:00Z', tz: LDN, expected: true },
  { description: 'London 01:00-01:59:59: 01:30Z = 01:30 GMT (again)', rule: nightly1, instant: '2024-10-27T01:30:00Z', tz: LDN, expected: true },
  { description: 'London 01:00-01:59:59: 02:00Z = 02:00 GMT', rule: nightly1, instant: '2024-10-27T02:00:00Z', tz: LDN, expected: false },
  { description: 'Sydney 02:00-02:59:59: 15:30Z = 02:30 AEDT', rule: nightly2, instant: '2024-04-06T15:30:00Z', tz: SYD, expected: true },
  { description: 'Sydney 02:00-02:59:59: 16:30Z = 02:30 AEST (again)', rule: nightly2, instant: '2024-04-06T16:30:00Z', tz: SYD, expected: true },
  { description: 'Sydney 02:00-02:59:59: 17:00Z = 03:00 AEST', rule: nightly2, instant: '2024-04-06T17:00:00Z', tz: SYD, expected: false },
  // A one-day rule on the 23-hour day covers the whole local day.
  { description: 'date 10 Mar: 05:00Z = 00:00 EST', rule: rule({ cycle: 'date', start_date: startOn('2024-03-10') }), instant: '2024-03-10T05:00:00Z', tz: NY, expected: true },
  { description: 'date 10 Mar: 03:59:59Z next day = 23:59:59 EDT', rule: rule({ cycle: 'date', start_date: startOn('2024-03-10') }), instant: '2024-03-11T03:59:59Z', tz: NY, expected: true },
  { description: 'date 10 Mar: 04:59:59Z = 9 Mar 23:59:59 EST', rule: rule({ cycle: 'date', start_date: startOn('2024-03-10') }), instant: '2024-03-10T04:59:59Z', tz: NY, expected: false, state: 'not_started' },
];

const daily3 = rule({ cycle: 'daily', interval: 3, start_date: startOn('2024-01-01') });
const daily2 = rule({ cycle: 'daily', interval: 2, start_date: startOn('2023-12-30') });
const daily7 = rule({ cycle: 'daily', interval: 7, start_date: startOn('2024-02-29') });

const dailyCases: Case[] = [
  { description: 'every 3 days from 1 Jan: 4 Jan', rule: daily3, instant: '2024-01-04T12:00:00Z', tz: UTC, expected: true },
  { description: 'every 3 days from 1 Jan: 5 Jan', rule: daily3, instant: '2024-01-05T12:00:00Z', tz: UTC, expected: false },
  { description: 'every 3 days from 1 Jan: 6 Jan', rule: daily3, instant: '2024-01-06T12:00:00Z', tz: UTC, expected: false },
  { description: 'every 3 days from 1 Jan: 7 Jan', rule: daily3, instant: '2024-01-07T12:00:00Z', tz: UTC, expected: true },
  { description: 'every 3 days: 31 Jan is day 30', rule: daily3, instant: '2024-01-31T12:00:00Z', tz: UTC, expected: true },
  { description: 'every 3 days: 1 Feb is day 31', rule: daily3, instant: '2024-02-01T12:00:00Z', tz: UTC, expected: false },
  { description: 'every 3 days: 29 Feb is day 59', rule: daily3, instant: '2024-02-29T12:00:00Z', tz: UTC, expected: false },
  { description: 'every 3 days: 1 Mar is day 60 (Kolkata)', rule: daily3, instant: '2024-03-01T12:00:00+05:30', tz: KOL, expected: true },
  { description: 'every 3 days: before the start date', rule: daily3, instant: '2023-12-31T12:00:00Z', tz: UTC, expected: false, state: 'not_started' },
  { description: 'every 2 days from 30 Dec: 31 Dec', rule: daily2, instant: '2023-12-31T10:00:00Z', tz: LDN, expected: false },
  { description: 'every 2 days from 30 Dec: 1 Jan (new year)', rule: daily2, instant: '2024-01-01T10:00:00Z', tz: LDN, expected: true },
  { description: 'every 2 days from 30 Dec: 2 Jan', rule: daily2, instant: '2024-01-02T10:00:00Z', tz: LDN, expected: false },
  { description: 'every 2 days from 30 Dec: 3 Jan', rule: daily2, instant: '2024-01-03T10:00:00Z', tz: LDN, expected: true },
  { description: 'weekly-by-days from 29 Feb: 7 Mar', rule: daily7, instant: '2024-03-07T10:00:00+11:00', tz: SYD, expected: true },
  { description: 'every 7 days from 29 Feb 2024: 27 Feb 2025 is day 364', rule: daily7, instant: '2025-02-27T10:00:00+11:00', tz: SYD, expected: true },
  { description: 'every 7 days from 29 Feb 2024: 28 Feb 2025 is day 365', rule: daily7, instant: '2025-02-28T10:00:00+11:00', tz: SYD, expected: false },
];

const biweeklyMonWed = rule({ cycle: 'weekly', interval: 2, wdays: ['monday', 'wednesday'], start_date: startOn('2024-01-03') });
const biweeklyMonAcrossYear = rule({ cycle: 'weekly', interval: 2, wdays: ['monday'], start_date: startOn('2024-12-16') });
const everyThirdWensday = rule({ cycle: 'weekly', interval: 3, wdays: ['wensday'], start_date: startOn('2024-01-01') });
const biweeklySunMon = rule({ cycle: 'weekly', interval: 2, wdays: ['sunday', 'monday'], start_date: startOn('2024-01-01') });

const weeklyIntervalCases: Case[] = [
  { description: 'fortnightly Mon+Wed from Wed 3 Jan: Mon 1 Jan is before the start', rule: biweeklyMonWed, instant: '2024-01-01T12:00:00Z', tz: UTC, expected: false, state: 'not_started' },
  { description: 'fortnightly Mon+Wed: Wed 3 Jan (start date)', rule: biweeklyMonWed, instant: '2024-01-03T12:00:00Z', tz: UTC, expected: true },
  { description: 'fortnightly Mon+Wed: Mon 8 Jan (off week)', rule: biweeklyMonWed, instant: '2024-01-08T12:00:00Z', tz: UTC, expected: false },
  { description: 'fortnightly Mon+Wed: Wed 10 Jan (off week)', rule: biweeklyMonWed, instant: '2024-01-10T12:00:00Z', tz: UTC, expected: false },
  { description: 'fortnightly Mon+Wed: Mon 15 Jan', rule: biweeklyMonWed, instant: '2024-01-15T12:00:00Z', tz: UTC, expected: true },
  { description: 'fortnightly Mon+Wed: Tue 16 Jan', rule: biweeklyMonWed, instant: '2024-01-16T12:00:00Z', tz: UTC, expected: false },
  { description: 'fortnightly Mon+Wed: Wed 17 Jan', rule: biweeklyMonWed, instant: '2024-01-17T12:00:00Z', tz: UTC, expected: true },
  { description: 'fortnightly Mon+Wed: Mon 29 Jan (week 4)', rule: biweeklyMonWed, instant: '2024-01-29T12:00:00Z', tz: UTC, expected: true },
  { description: 'fortnightly Mon from 16 Dec: Mon 23 Dec', rule: biweeklyMonAcrossYear, instant: '2024-12-23T10:00:00-05:00', tz: NY, expected: false },
  { description: 'fortnightly Mon from 16 Dec: Mon 30 Dec (ISO week 1 of 2025)', rule: biweeklyMonAcrossYear, instant: '2024-12-30T10:00:00-05:00', tz: NY, expected: true },
  { description: 'fortnightly Mon from 16 Dec: Mon 6 Jan 2025', rule: biweeklyMonAcrossYear, instant: '2025-01-06T10:00:00-05:00', tz: NY, expected: false },
  { description: 'fortnightly Mon from 16 Dec: Mon 13 Jan 2025', rule: biweeklyMonAcrossYear, instant: '2025-01-13T10:00:00-05:00', tz: NY, expected: true },
  { description: 'every 3rd week "wensday": Wed 3 Jan', rule: everyThirdWensday, instant: '2024-01-03T12:00:00+05:30', tz: KOL, expected: true },
  { description: 'every 3rd week "wensday": Wed 10 Jan', rule: everyThirdWensday, instant: '2024-01-10T12:00:00+05:30', tz: KOL, expected: false },
  { description: 'every 3rd week "wensday": Wed 17 Jan', rule: everyThirdWensday, instant: '2024-01-17T12:00:00+05:30', tz: KOL, expected: false },
  { description: 'every 3rd week "wensday": Wed 24 Jan', rule: everyThirdWensday, instant: '2024-01-24T12:00:00+05:30', tz: KOL, expected: true },
  { description: 'ISO weeks end on Sunday: Sun 7 Jan is in the start week', rule: biweeklySunMon, instant: '2024-01-07T12:00:00Z', tz: UTC, expected: true },
  { description: 'ISO weeks: Mon 8 Jan starts an off week', rule: biweeklySunMon, instant: '2024-01-08T12:00:00Z', tz: UTC, expected: false },
  { description: 'ISO weeks: Sun 14 Jan ends the off week', rule: biweeklySunMon, instant: '2024-01-14T12:00:00Z', tz: UTC, expected: false },
  { description: 'ISO weeks: Mon 15 Jan', rule: biweeklySunMon, instant: '2024-01-15T12:00:00Z', tz: UTC, expected: true },
  { description: 'weekly with empty wdays = every day (Sunday)', rule: rule({ cycle: 'weekly', wdays: [], start_date: startOn('2024-01-01') }), instant: '2024-01-07T12:00:00Z', tz: UTC, expected: true },
  { description: 'weekly rule on its start date', rule: rule({ cycle: 'weekly', wdays: ['wednesday'], start_date: startOn('2024-01-03') }), instant: '2024-01-03T00:00:00Z', tz: UTC, expected: true },
];

const monthly1and15 = rule({ cycle: 'monthly', days: [1, 15], start_date: startOn('2024-01-01') });
const bimonthly10th = rule({ cycle: 'monthly', interval: 2, days: [10], start_date: startOn('2024-01-10') });
const monthly29th = rule({ cycle: 'monthly', days: [29], start_date: startOn('2024-01-01') });
const lastFriday = rule({ cycle: 'monthly', ordinal: 'last', wdays: ['friday'], start_date: startOn('2024-01-01') });
const earlyClose = rule({ cycle: 'monthly', ordinal: 'last', wdays: ['friday'], time_window_start: at(15), start_date: startOn('2024-01-01') });
const everyMonday = rule({ cycle: 'monthly', ordinal: 'every', wdays: ['monday'], start_date: startOn('2024-01-01') });
const everyMondayBimonthly = rule({ cycle: 'monthly', interval: 2, ordinal: 'every', wdays: ['monday'], start_date: startOn('2024-01-15') });
const firstMonday = rule({ cycle: 'monthly', ordinal: 'first', wdays: ['monday'], start_date: startOn('2023-01-01') });
const secondTuesday = rule({ cycle: 'monthly', ordinal: 'second', wdays: ['tuesday'], start_date: startOn('2024-01-01') });
const secondTuesdayBimonthly = rule({ cycle: 'monthly', interval: 2, ordinal: 'second', wdays: ['tuesday'], start_date: startOn('2024-01-01') });
const fifthThursday = rule({ cycle: 'monthly', ordinal: 'fifth', wdays: ['thursday'], start_date: startOn('2024-01-01') });
const fifthFriday = rule({ cycle: 'monthly', ordinal: 'fifth', wdays: ['friday'], start_date: startOn('2024-01-01') });
const fifthMonday = rule({ cycle: 'monthly', ordinal: 'fifth', wdays: ['monday'], start_date: startOn('2023-01-01') });
const lastSunday = rule({ cycle: 'monthly', ordinal: 'last', wdays: ['sunday'], start_date: startOn('2024-01-01') });

const monthlyCases: Case[] = [
  { description: 'days 1,15: 15 Feb', rule: monthly1and15, instant: '2024-02-15T12:00:00Z', tz: UTC, expected: true },
  { description: 'days 1,15: 14 Feb', rule: monthly1and15, instant: '2024-02-14T12:00:00Z', tz: UTC, expected: false },
  { description: 'days 1,15: 16 Feb', rule: monthly1and15, instant: '2024-02-16T12:00:00Z', tz: UTC, expected: false },
  { description: 'days 1,15: 1 Mar', rule: monthly1and15, instant: '2024-03-01T12:00:00Z', tz: UTC, expected: true },
  { description: 'every 2 months on the 10th from Jan: 10 Mar', rule: bimonthly10th, instant: '2024-03-10T12:00:00Z', tz: UTC, expected: true },
  { description: 'every 2 months on the 10th: 10 Feb', rule: bimonthly10th, instant: '2024-02-10T12:00:00Z', tz: UTC, expected: false },
  { description: 'every 2 months on the 10th: 10 Apr', rule: bimonthly10th, instant: '2024-04-10T12:00:00Z', tz: UTC, expected: false },
  { description: 'every 2 months on the 10th: 10 Nov', rule: bimonthly10th, instant: '2024-11-10T12:00:00Z', tz: UTC, expected: true },
  { description: 'every 2 months on the 10th: 10 Dec', rule: bimonthly10th, instant: '2024-12-10T12:00:00Z', tz: UTC, expected: false },
  { description: 'every 2 months on the 10th: 10 Jan 2025 (month 12)', rule: bimonthly10th, instant: '2025-01-10T12:00:00Z', tz: UTC, expected: true },
  { description: 'day 29: 29 Feb 2024 (leap)', rule: monthly29th, instant: '2024-02-29T12:00:00Z', tz: UTC, expected: true },
  { description: 'day 29: 28 Feb 2025', rule: monthly29th, instant: '2025-02-28T12:00:00Z', tz: UTC, expected: false },
  { description: 'day 29: 29 Mar 2025', rule: monthly29th, instant: '2025-03-29T12:00:00Z', tz: UTC, expected: true },
  { description: 'last Friday: 23 Feb 2024', rule: lastFriday, instant: '2024-02-23T12:00:00Z', tz: UTC, expected: true },
  { description: 'last Friday: 29 Mar 2024', rule: lastFriday, instant: '2024-03-29T12:00:00Z', tz: UTC, expected: true },
  { description: 'last Friday: 22 Mar 2024 (fourth, not last)', rule: lastFriday, instant: '2024-03-22T12:00:00Z', tz: UTC, expected: false },
  { description: 'last Friday: 31 May 2024 (fifth Friday)', rule: lastFriday, instant: '2024-05-31T12:00:00Z', tz: UTC, expected: true },
  { description: 'last Friday: 24 May 2024', rule: lastFriday, instant: '2024-05-24T12:00:00Z', tz: UTC, expected: false },
  { description: 'last Friday from 15:00: 15:00 NY', rule: earlyClose, instant: '2024-05-31T15:00:00-04:00', tz: NY, expected: true },
  { description: 'last Friday from 15:00: 14:59:59 NY', rule: earlyClose, instant: '2024-05-31T14:59:59-04:00', tz: NY, expected: false },
  { description: 'last Friday from 15:00: 23:59:59 NY', rule: earlyClose, instant: '2024-05-31T23:59:59-04:00', tz: NY, expected: true },
  { description: 'every Monday: Mon 1 Apr', rule: everyMonday, instant: '2024-04-01T12:00:00Z', tz: UTC, expected: true },
  { description: 'every Monday: Tue 2 Apr', rule: everyMonday, instant: '2024-04-02T12:00:00Z', tz: UTC, expected: false },
  { description: 'every Monday: Mon 29 Apr', rule: everyMonday, instant: '2024-04-29T12:00:00Z', tz: UTC, expected: true },
  { description: 'every Monday of every 2nd month from Jan: Mon 4 Mar', rule: everyMondayBimonthly, instant: '2024-03-04T12:00:00Z', tz: UTC, expected: true },
  { description: 'every Monday of every 2nd month: Mon 5 Feb', rule: everyMondayBimonthly, instant: '2024-02-05T12:00:00Z', tz: UTC, expected: false },
  { description: 'every Monday of every 2nd month: Mon 1 Apr', rule: everyMondayBimonthly, instant: '2024-04-01T12:00:00Z', tz: UTC, expected: false },
  { description: 'every Monday of every 2nd month: Mon 6 May', rule: everyMondayBimonthly, instant: '2024-05-06T12:00:00Z', tz: UTC, expected: true },
  { description: 'every Monday of every 2nd month: Mon 1 Jul (the 1st)', rule: everyMondayBimonthly, instant: '2024-07-01T12:00:00Z', tz: UTC, expected: true },
  { description: 'first Monday: Mon 1 Apr 2024', rule: firstMonday, instant: '2024-04-01T12:00:00Z', tz: UTC, expected: true },
  { description: 'first Monday: Mon 8 Apr 2024', rule: firstMonday, instant: '2024-04-08T12:00:00Z', tz: UTC, expected: false },
  { description: 'first Monday: Mon 1 Jan 2024 (across the year)', rule: firstMonday, instant: '2024-01-01T12:00:00Z', tz: UTC, expected: true },
  { description: 'second Tuesday: 12 Mar 2024', rule: secondTuesday, instant: '2024-03-12T12:00:00Z', tz: UTC, expected: true },
  { description: 'second Tuesday: 5 Mar 2024', rule: secondTuesday, instant: '2024-03-05T12:00:00Z', tz: UTC, expected: false },
  { description: 'second Tuesday: 19 Mar 2024', rule: secondTuesday, instant: '2024-03-19T12:00:00Z', tz: UTC, expected: false },
  { description: 'second Tuesday every 2 months: 9 Jan', rule: secondTuesdayBimonthly, instant: '2024-01-09T12:00:00Z', tz: UTC, expected: true },
  { description: 'second Tuesday every 2 months: 13 Feb', rule: secondTuesdayBimonthly, instant: '2024-02-13T12:00:00Z', tz: UTC, expected: false },
  { description: 'second Tuesday every 2 months: 12 Mar', rule: secondTuesdayBimonthly, instant: '2024-03-12T12:00:00Z', tz: UTC, expected: true },
  { description: 'fifth Thursday: 29 Feb 2024', rule: fifthThursday, instant: '2024-02-29T12:00:00Z', tz: UTC, expected: true },
  { description: 'fifth Thursday: 28 Mar 2024 (March has four)', rule: fifthThursday, instant: '2024-03-28T12:00:00Z', tz: UTC, expected: false },
  { description: 'fifth Thursday: 30 May 2024', rule: fifthThursday, instant: '2024-05-30T12:00:00Z', tz: UTC, expected: true },
  { description: 'fifth Friday: 31 May 2024', rule: fifthFriday, instant: '2024-05-31T12:00:00Z', tz: UTC, expected: true },
  { description: 'fifth Friday: 28 Jun 2024 (June has four)', rule: fifthFriday, instant: '2024-06-28T12:00:00Z', tz: UTC, expected: false },
  { description: 'fifth Friday: 5 Jul 2024 (first Friday after a four-Friday June)', rule: fifthFriday, instant: '2024-07-05T12:00:00Z', tz: UTC, expected: false },
  { description: 'fifth Monday: Mon 1 Jan 2024 after a four-Monday December', rule: fifthMonday, instant: '2024-01-01T12:00:00Z', tz: UTC, expected: false },
  { description: 'fifth Monday: Mon 29 Jan 2024', rule: fifthMonday, instant: '2024-01-29T12:00:00Z', tz: UTC, expected: true },
  { description: 'last Sunday: 25 Feb 2024', rule: lastSunday, instant: '2024-02-25T12:00:00Z', tz: UTC, expected: true },
  { description: 'last Sunday: 31 Mar 2024', rule: lastSunday, instant: '2024-03-31T12:00:00Z', tz: UTC, expected: true },
  { description: 'last Sunday: 24 Mar 2024', rule: lastSunday, instant: '2024-03-24T12:00:00Z', tz: UTC, expected: false },
];

const christmas = rule({ name: 'Christmas', cycle: 'yearly', month: 12, days: [25] }); // no start_date: 1983
const july4Biennial = rule({ cycle: 'yearly', interval: 2, month: 7, days: [4], start_date: startOn('2024-07-04') });
const newYear = rule({ cycle: 'yearly', month: 1, days: [1], start_date: startOn('2020-01-01') });
const leapDay = rule({ cycle: 'yearly', month: 2, days: [29], start_date: startOn('2020-01-01') });
const thanksgiving = rule({ cycle: 'yearly', month: 11, ordinal: 'fourth', wdays: ['thursday'] });
const memorialDay = rule({ cycle: 'yearly', month: 5, ordinal: 'last', wdays: ['monday'] });
const marchMondays = rule({ cycle: 'yearly', month: 3, ordinal: 'every', wdays: ['monday'] });
const secondTuesdayOfMarch = rule({ cycle: 'yearly', month: 3, ordinal: 'second', wdays: ['tuesday'] });
const firstSundayOfJanuary = rule({ cycle: 'yearly', month: 1, ordinal: 'first', wdays: ['sunday'] });
const fifthFridayOfMarch = rule({ cycle: 'yearly', month: 3, ordinal: 'fifth', wdays: ['friday'] });
const thanksgivingEvery3Years = rule({ cycle: 'yearly', interval: 3, month: 11, ordinal: 'fourth', wdays: ['thursday'], start_date: startOn('2023-01-01') });

const yearlyCases: Case[] = [
  { description: 'Christmas: 25 Dec 10:00 NY', rule: christmas, instant: '2024-12-25T10:00:00-05:00', tz: NY, expected: true },
  { description: 'Christmas: 24 Dec', rule: christmas, instant: '2024-12-24T10:00:00-05:00', tz: NY, expected: false },
  { description: 'Christmas: 26 Dec', rule: christmas, instant: '2024-12-26T10:00:00-05:00', tz: NY, expected: false },
  { description: 'Christmas: 25 Dec 03:00Z is 24 Dec 22:00 in NY', rule: christmas, instant: '2024-12-25T03:00:00Z', tz: NY, expected: false },
  { description: 'Christmas: 25 Dec 03:00Z is 25 Dec 14:00 in Sydney', rule: christmas, instant: '2024-12-25T03:00:00Z', tz: SYD, expected: true },
  { description: 'Christmas: Kolkata midnight', rule: christmas, instant: '2024-12-25T00:00:00+05:30', tz: KOL, expected: true },
  { description: 'Christmas: Kolkata one second before', rule: christmas, instant: '2024-12-24T23:59:59+05:30', tz: KOL, expected: false },
  { description: '4 July every 2 years from 2024: 2024 (start day)', rule: july4Biennial, instant: '2024-07-04T12:00:00Z', tz: UTC, expected: true },
  { description: '4 July every 2 years: 2025', rule: july4Biennial, instant: '2025-07-04T12:00:00Z', tz: UTC, expected: false },
  { description: '4 July every 2 years: 2026', rule: july4Biennial, instant: '2026-07-04T12:00:00Z', tz: UTC, expected: true },
  { description: 'New Year: Sydney midnight', rule: newYear, instant: '2025-01-01T00:00:00+11:00', tz: SYD, expected: true },
  { description: 'New Year: Sydney one second before', rule: newYear, instant: '2024-12-31T23:59:59+11:00', tz: SYD, expected: false },
  { description: 'New Year: UTC midnight', rule: newYear, instant: '2025-01-01T00:00:00Z', tz: UTC, expected: true },
  { description: 'New Year: UTC midnight is 31 Dec 19:00 in NY', rule: newYear, instant: '2025-01-01T00:00:00Z', tz: NY, expected: false },
  { description: '29 Feb yearly: 2024', rule: leapDay, instant: '2024-02-29T12:00:00Z', tz: UTC, expected: true },
  { description: '29 Feb yearly: 2028', rule: leapDay, instant: '2028-02-29T12:00:00Z', tz: UTC, expected: true },
  { description: '29 Feb yearly: 28 Feb 2025', rule: leapDay, instant: '2025-02-28T12:00:00Z', tz: UTC, expected: false },
  { description: 'fourth Thursday of November: 28 Nov 2024', rule: thanksgiving, instant: '2024-11-28T12:00:00-05:00', tz: NY, expected: true },
  { description: 'fourth Thursday of November: 21 Nov 2024', rule: thanksgiving, instant: '2024-11-21T12:00:00-05:00', tz: NY, expected: false },
  { description: 'fourth Thursday of November: 27 Nov 2025', rule: thanksgiving, instant: '2025-11-27T12:00:00-05:00', tz: NY, expected: true },
  { description: 'fourth Thursday of November: 28 Nov 2025 (Friday)', rule: thanksgiving, instant: '2025-11-28T12:00:00-05:00', tz: NY, expected: false },
  { description: 'last Monday of May: 27 May 2024', rule: memorialDay, instant: '2024-05-27T12:00:00Z', tz: UTC, expected: true },
  { description: 'last Monday of May: 26 May 2025', rule: memorialDay, instant: '2025-05-26T12:00:00Z', tz: UTC, expected: true },
  { description: 'last Monday of May: 20 May 2024', rule: memorialDay, instant: '2024-05-20T12:00:00Z', tz: UTC, expected: false },
  { description: 'every Monday of March: 4 Mar 2024', rule: marchMondays, instant: '2024-03-04T12:00:00Z', tz: UTC, expected: true },
  { description: 'every Monday of March: 11 Mar 2024', rule: marchMondays, instant: '2024-03-11T12:00:00Z', tz: UTC, expected: true },
  { description: 'every Monday of March: Tue 5 Mar 2024', rule: marchMondays, instant: '2024-03-05T12:00:00Z', tz: UTC, expected: false },
  { description: 'every Monday of March: Mon 1 Apr 2024', rule: marchMondays, instant: '2024-04-01T12:00:00Z', tz: UTC, expected: false },
  { description: 'every Monday of March: Mon 2 Mar 2026', rule: marchMondays, instant: '2026-03-02T12:00:00Z', tz: UTC, expected: true },
  { description: 'second Tuesday of March: 12 Mar 2024', rule: secondTuesdayOfMarch, instant: '2024-03-12T12:00:00Z', tz: UTC, expected: true },
  { description: 'second Tuesday of March: 11 Mar 2025', rule: secondTuesdayOfMarch, instant: '2025-03-11T12:00:00Z', tz: UTC, expected: true },
  { description: 'second Tuesday of March: 5 Mar 2024', rule: secondTuesdayOfMarch, instant: '2024-03-05T12:00:00Z', tz: UTC, expected: false },
  { description: 'first Sunday of January: Sun 1 Jan 2023 (across the year)', rule: firstSundayOfJanuary, instant: '2023-01-01T12:00:00Z', tz: UTC, expected: true },
  { description: 'first Sunday of January: 8 Jan 2023', rule: firstSundayOfJanuary, instant: '2023-01-08T12:00:00Z', tz: UTC, expected: false },
  { description: 'first Sunday of January: 7 Jan 2024', rule: firstSundayOfJanuary, instant: '2024-01-07T12:00:00Z', tz: UTC, expected: true },
  { description: 'fifth Friday of March: 29 Mar 2024', rule: fifthFridayOfMarch, instant: '2024-03-29T12:00:00Z', tz: UTC, expected: true },
  { description: 'fifth Friday of March: 28 Mar 2025 (March 2025 has four)', rule: fifthFridayOfMarch, instant: '2025-03-28T12:00:00Z', tz: UTC, expected: false },
  { description: 'fifth Friday of March: 4 Apr 2025', rule: fifthFridayOfMarch, instant: '2025-04-04T12:00:00Z', tz: UTC, expected: false },
  { description: 'Thanksgiving every 3 years from 2023: 23 Nov 2023', rule: thanksgivingEvery3Years, instant: '2023-11-23T12:00:00Z', tz: UTC, expected: true },
  { description: 'Thanksgiving every 3 years: 28 Nov 2024', rule: thanksgivingEvery3Years, instant: '2024-11-28T12:00:00Z', tz: UTC, expected: false },
  { description: 'Thanksgiving every 3 years: 26 Nov 2026', rule: thanksgivingEvery3Years, instant: '2026-11-26T12:00:00Z', tz: UTC, expected: true },
];

const july4Once = rule({ cycle: 'date', start_date: startOn('2024-07-04') });
const july4Morning = rule({ cycle: 'date', start_date: startOn('2024-07-04'), time_window_start: at(9), time_window_stop: at(12) });
// 63887284800 = 2024-07-04T04:00:00Z = midnight 4 July in New York = 3 July 21:00 in Los Angeles.
const july4NyMidnight = rule({ cycle: 'date', start_date: 63887284800 });

const dateCases: Case[] = [
  { description: 'one date: that day', rule: july4Once, instant: '2024-07-04T10:00:00-04:00', tz: NY, expected: true },
  { description: 'one date: the day before', rule: july4Once, instant: '2024-07-03T23:59:59-04:00', tz: NY, expected: false, state: 'not_started' },
  { description: 'one date: the day after', rule: july4Once, instant: '2024-07-05T12:00:00-04:00', tz: NY, expected: false, state: 'inactive' },
  { description: 'one date 09-12: 09:00', rule: july4Morning, instant: '2024-07-04T09:00:00-04:00', tz: NY, expected: true },
  { description: 'one date 09-12: 12:00:01', rule: july4Morning, instant: '2024-07-04T12:00:01-04:00', tz: NY, expected: false },
  { description: 'start_date = NY midnight: 4 July noon in NY', rule: july4NyMidnight, instant: '2024-07-04T12:00:00-04:00', tz: NY, expected: true },
  { description: 'start_date = NY midnight: the date is 3 July in LA', rule: july4NyMidnight, instant: '2024-07-04T12:00:00-07:00', tz: 'America/Los_Angeles', expected: false },
  { description: 'start_date = NY midnight: 3 July 22:00 in LA', rule: july4NyMidnight, instant: '2024-07-03T22:00:00-07:00', tz: 'America/Los_Angeles', expected: true },
];

const allDays = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const firstHour = rule({ cycle: 'weekly', wdays: allDays, time_window_start: 0, time_window_stop: at(1), start_date: startOn('2024-01-01') });
const mondayLastHour = rule({ cycle: 'weekly', wdays: ['monday'], time_window_start: at(23), time_window_stop: 86400, start_date: startOn('2024-01-01') });
const overnight = rule({ cycle: 'weekly', wdays: allDays, time_window_start: at(22), time_window_stop: at(6), start_date: startOn('2024-01-01') });
const noonSecond = rule({ cycle: 'weekly', wdays: allDays, time_window_start: at(12), time_window_stop: at(12), start_date: startOn('2024-01-01') });
const mondayAllDay = rule({ cycle: 'weekly', wdays: ['monday'], start_date: startOn('2024-01-01') });

const windowCases: Case[] = [
  { description: '00:00-01:00 at 00:00:00', rule: firstHour, instant: '2024-03-12T00:00:00Z', tz: UTC, expected: true },
  { description: '00:00-01:00 at 01:00:00', rule: firstHour, instant: '2024-03-12T01:00:00Z', tz: UTC, expected: true },
  { description: '00:00-01:00 at 01:00:01', rule: firstHour, instant: '2024-03-12T01:00:01Z', tz: UTC, expected: false },
  { description: '00:00-01:00 at 23:59:59', rule: firstHour, instant: '2024-03-12T23:59:59Z', tz: UTC, expected: false },
  { description: 'Mon 23:00-24:00 at Mon 23:59:59', rule: mondayLastHour, instant: '2024-03-11T23:59:59Z', tz: UTC, expected: true },
  { description: 'Mon 23:00-24:00 at Tue 00:00:00 (weekly: not carried over)', rule: mondayLastHour, instant: '2024-03-12T00:00:00Z', tz: UTC, expected: false },
  { description: 'Mon 23:00-24:00 at Mon 23:00:00', rule: mondayLastHour, instant: '2024-03-11T23:00:00Z', tz: UTC, expected: true },
  { description: 'Mon 23:00-24:00 at Mon 22:59:59', rule: mondayLastHour, instant: '2024-03-11T22:59:59Z', tz: UTC, expected: false },
  { description: '22:00→06:00 (stop < start) never matches: 23:00', rule: overnight, instant: '2024-03-11T23:00:00Z', tz: UTC, expected: false },
  { description: '22:00→06:00 never matches: 05:00', rule: overnight, instant: '2024-03-12T05:00:00Z', tz: UTC, expected: false },
  { description: '22:00→06:00 never matches: 12:00', rule: overnight, instant: '2024-03-12T12:00:00Z', tz: UTC, expected: false },
  { description: '12:00-12:00 at 12:00:00', rule: noonSecond, instant: '2024-03-12T12:00:00Z', tz: UTC, expected: true },
  { description: '12:00-12:00 at 12:00:01', rule: noonSecond, instant: '2024-03-12T12:00:01Z', tz: UTC, expected: false },
  { description: '12:00-12:00 at 11:59:59', rule: noonSecond, instant: '2024-03-12T11:59:59Z', tz: UTC, expected: false },
  { description: 'default window: Mon 00:00:00', rule: mondayAllDay, instant: '2024-03-11T00:00:00Z', tz: UTC, expected: true },
  { description: 'default window: Mon 23:59:59', rule: mondayAllDay, instant: '2024-03-11T23:59:59Z', tz: UTC, expected: true },
  { description: 'default window: Tue 00:00:00', rule: mondayAllDay, instant: '2024-03-12T00:00:00Z', tz: UTC, expected: false },
];

const enabledCases: Case[] = [
  { description: 'enabled: true forces a closed office open (Saturday)', rule: { ...office, enabled: true }, instant: '2024-03-16T10:00:00-04:00', tz: NY, expected: true, state: 'forced_on' },
  { description: 'enabled: false closes an open office (Tuesday 10:00)', rule: { ...office, enabled: false }, instant: '2024-03-12T10:00:00-04:00', tz: NY, expected: false, state: 'forced_off' },
  { description: 'enabled: null follows the schedule', rule: { ...office, enabled: null }, instant: '2024-03-12T10:00:00-04:00', tz: NY, expected: true, state: 'active' },
  { description: 'enabled: "true" (string) forces on', rule: { ...office, enabled: 'true' }, instant: '2024-03-16T10:00:00-04:00', tz: NY, expected: true, state: 'forced_on' },
  { description: 'enabled: "false" (string) forces off', rule: { ...office, enabled: 'false' }, instant: '2024-03-12T10:00:00-04:00', tz: NY, expected: false, state: 'forced_off' },
  { description: 'enabled: true does not revive a rule that starts in the future', rule: { ...office, enabled: true, start_date: startOn('2030-01-01') }, instant: '2024-03-12T10:00:00-04:00', tz: NY, expected: false, state: 'not_started' },
  { description: 'enabled: true needs no cycle', rule: { name: 'forced', enabled: true }, instant: '2024-03-12T10:00:00-04:00', tz: NY, expected: true, state: 'forced_on' },
  { description: 'no cycle: skipped', rule: { name: 'no cycle', time_window_start: 0 }, instant: '2024-03-12T10:00:00-04:00', tz: NY, expected: false, state: 'no_cycle' },
];

const invalidCases: Case[] = [
  { description: 'monthly ordinal with two weekdays', rule: rule({ cycle: 'monthly', ordinal: 'second', wdays: ['monday', 'friday'], start_date: startOn('2024-01-01') }), instant: '2024-03-11T12:00:00Z', tz: UTC, expected: false, state: 'invalid' },
  { description: 'monthly with neither days nor wdays', rule: rule({ cycle: 'monthly', start_date: startOn('2024-01-01') }), instant: '2024-03-11T12:00:00Z', tz: UTC, expected: false, state: 'invalid' },
  { description: 'weekday name with a capital (Kazoo names are lower case)', rule: rule({ cycle: 'weekly', wdays: ['Monday'], start_date: startOn('2024-01-01') }), instant: '2024-03-11T12:00:00Z', tz: UTC, expected: false, state: 'invalid' },
  { description: 'weekly interval 0', rule: rule({ cycle: 'weekly', interval: 0, wdays: ['monday'], start_date: startOn('2024-01-01') }), instant: '2024-03-11T12:00:00Z', tz: UTC, expected: false, state: 'invalid' },
  { description: 'date cycle ignores interval 0', rule: rule({ cycle: 'date', interval: 0, start_date: startOn('2024-03-11') }), instant: '2024-03-11T12:00:00Z', tz: UTC, expected: true, state: 'active' },
  { description: 'unknown cycle', rule: rule({ cycle: 'hourly', start_date: startOn('2024-01-01') }), instant: '2024-03-11T12:00:00Z', tz: UTC, expected: false, state: 'invalid' },
  { description: 'unknown ordinal', rule: rule({ cycle: 'monthly', ordinal: 'sixth', wdays: ['monday'], start_date: startOn('2024-01-01') }), instant: '2024-03-11T12:00:00Z', tz: UTC, expected: false, state: 'invalid' },
  { description: 'strings coerced like Kazoo: interval "2", days ["10"]', rule: rule({ cycle: 'monthly', interval: '2', days: ['10'], time_window_start: '0', start_date: String(startOn('2024-01-10')) }), instant: '2024-03-10T12:00:00Z', tz: UTC, expected: true, state: 'active' },
  { description: 'unknown time zone', rule: office, instant: '2024-03-12T10:00:00Z', tz: 'Mars/Olympus_Mons', expected: false, state: 'invalid' },
];

const tables: Array<[string, Case[]]> = [
  ['weekly rules across zones', weeklyCases],
  ['DST transitions', dstCases],
  ['daily rules with intervals', dailyCases],
  ['weekly rules with intervals', weeklyIntervalCases],
  ['monthly rules', monthlyCases],
  ['yearly rules', yearlyCases],
  ['date rules', dateCases],
  ['time windows touching midnight', windowCases],
  ['enabled overrides', enabledCases],
  ['invalid and coerced documents', invalidCases],
];

describe('temporal rules: evaluateRule (Kazoo semantics)', () => {
  for (const [title, cases] of tables) {
    describe(title, () => {
      for (const c of cases) {
        it(`${c.description} [${c.tz} ${c.instant}] → ${c.expected ? 'active' : 'inactive'}`, () => {
          const ev = evaluateRule('r1', c.rule, c.instant, c.tz);
          expect(ev.active, ev.reason).to.equal(c.expected);
          if (c.state) expect(ev.state, ev.reason).to.equal(c.state);
          // None of these cases sits on a day where Kazoo's maths and the calendar disagree.
          expect(ev.quirk, ev.quirk).to.equal(undefined);
        });
      }
    });
  }

  it('says why, with the window in the trace', () => {
    const ev = evaluateRule('r1', office, '2024-03-12T10:00:00-04:00', NY);
    expect(ev.reason).to.equal('rule r1 (Office) active: in its window 09:00:00–17:00:00 today');
    const late = evaluateRule('r1', office, '2024-03-12T18:00:00-04:00', NY);
    expect(late.reason).to.equal('rule r1 (Office) inactive: after its window 09:00:00–17:00:00 today');
    const weekend = evaluateRule('r1', office, '2024-03-16T10:00:00-04:00', NY);
    expect(weekend.reason).to.equal('rule r1 (Office) inactive: next occurrence 2024-03-18');
  });

  it('accepts Date and epoch-millisecond instants', () => {
    expect(evaluateRule('r1', office, new Date('2024-03-12T14:00:00Z'), NY).active).to.equal(true);
    expect(evaluateRule('r1', office, Date.parse('2024-03-12T22:00:00Z'), NY).active).to.equal(false);
  });

  it('rejects an unparseable instant', () => {
    expect(() => evaluateRule('r1', office, 'not a date', NY)).to.throw(TypeError);
  });
});
