// Table tests: civil-date arithmetic, Gregorian seconds, local wall clocks and timezone resolution.
import { expect } from 'chai';
import { civil, formatDate, fromEpochDay, isoWeekday, normalizeDate, toEpochDay } from '../../lib/temporal/civil-date.ts';
import {
  DEFAULT_START_DATE_GREGORIAN,
  GREGORIAN_UNIX_OFFSET,
  gregorianOfLocalMidnight,
  gregorianToUnixSeconds,
  startDateInZone,
  unixToGregorianSeconds,
} from '../../lib/temporal/gregorian.ts';
import { dateOfWeekday, findLastWeekday, findNextWeekday, findOrdinalWeekday, isoWeekDifference } from '../../lib/temporal/kazoo-next-date.ts';
import { KAZOO_DEFAULT_TIMEZONE, localClock, resolveTimezone } from '../../lib/temporal/local-clock.ts';

describe('civil dates', () => {
  const epochDays: Array<[string, number]> = [
    ['1970-01-01', 0],
    ['1969-12-31', -1],
    ['2000-03-01', 11017],
    ['2024-02-29', 19782],
    ['0000-01-01', -719528],
  ];
  for (const [iso, days] of epochDays) {
    it(`${iso} is epoch day ${days} and back`, () => {
      const [y, m, d] = iso.split('-').map(Number);
      expect(toEpochDay(civil(y, m, d))).to.equal(days);
      expect(formatDate(fromEpochDay(days))).to.equal(iso);
    });
  }

  const weekdays: Array<[string, number]> = [
    ['1970-01-01', 4],
    ['2024-01-01', 1],
    ['2024-02-29', 4],
    ['2024-03-10', 7],
    ['2023-01-01', 7],
  ];
  for (const [iso, dow] of weekdays) {
    it(`${iso} is ISO weekday ${dow}`, () => {
      const [y, m, d] = iso.split('-').map(Number);
      expect(isoWeekday(civil(y, m, d))).to.equal(dow);
    });
  }

  // kz_date:normalize/1
  const normalize: Array<[[number, number, number], string]> = [
    [[2011, 1, 36], '2011-02-05'],
    [[2011, 13, 1], '2012-01-01'],
    [[2011, 24, 1], '2012-12-01'],
    [[2011, 25, 1], '2013-01-01'],
    [[2011, 0, 15], '2010-12-15'],
    [[2011, 3, 0], '2011-02-28'],
    [[2012, 3, 0], '2012-02-29'],
    [[2025, 2, 29], '2025-03-01'],
    [[2024, 2, 30], '2024-03-01'],
    [[2024, 4, 31], '2024-05-01'],
    [[2024, 12, 32], '2025-01-01'],
  ];
  for (const [[y, m, d], iso] of normalize) {
    it(`normalize {${y},${m},${d}} → ${iso}`, () => {
      expect(formatDate(normalizeDate(y, m, d))).to.equal(iso);
    });
  }
});

describe("Kazoo's weekday helpers", () => {
  it('date_of_dow: first..fifth Friday of February 2024 (fifth spills into March)', () => {
    expect([0, 1, 2, 3, 4].map((p) => formatDate(dateOfWeekday(2024, 2, 5, p)))).to.deep.equal([
      '2024-02-02',
      '2024-02-09',
      '2024-02-16',
      '2024-02-23',
      '2024-03-01',
    ]);
  });
  it('date_of_dow: the month starts on the weekday / January (previous month in the year before)', () => {
    expect(formatDate(dateOfWeekday(2024, 1, 1, 0))).to.equal('2024-01-01');
    expect(formatDate(dateOfWeekday(2024, 3, 5, 0))).to.equal('2024-03-01');
  });
  it('find_ordinal_weekday carries months past 12', () => {
    expect(formatDate(findOrdinalWeekday(2023, 13, 1, 'first'))).to.equal('2024-01-01');
    expect(formatDate(findOrdinalWeekday(2023, 26, 1, 'first'))).to.equal('2025-02-03');
    expect(() => findOrdinalWeekday(2024, 1, 1, 'last')).to.throw(/unknown ordinal/);
  });
  it('find_last_weekday: five or four occurrences', () => {
    expect(formatDate(findLastWeekday(2024, 5, 5))).to.equal('2024-05-31');
    expect(formatDate(findLastWeekday(2024, 2, 5))).to.equal('2024-02-23');
    expect(formatDate(findLastWeekday(2024, 15, 7))).to.equal('2025-03-30');
  });
  it('find_next_weekday: strictly after; invalid dates crash like calendar:day_of_the_week', () => {
    expect(formatDate(findNextWeekday(2024, 3, 11, 1))).to.equal('2024-03-18');
    expect(formatDate(findNextWeekday(2024, 3, 10, 1))).to.equal('2024-03-11');
    expect(formatDate(findNextWeekday(2024, 12, 31, 3))).to.equal('2025-01-01');
    expect(() => findNextWeekday(2023, 2, 29, 1)).to.throw(/invalid date/);
  });
  it('iso_week_difference counts Monday-to-Monday weeks, absolute', () => {
    expect(isoWeekDifference(civil(2024, 12, 16), civil(2024, 12, 30))).to.equal(2);
    expect(isoWeekDifference(civil(2024, 12, 30), civil(2024, 12, 16))).to.equal(2);
    expect(isoWeekDifference(civil(2024, 1, 1), civil(2024, 1, 7))).to.equal(0);
    expect(isoWeekDifference(civil(2024, 1, 7), civil(2024, 1, 8))).to.equal(1);
  });
});

describe('Gregorian seconds', () => {
  it('offset between Gregorian seconds and Unix time', () => {
    expect(GREGORIAN_UNIX_OFFSET).to.equal(62167219200);
    expect(gregorianToUnixSeconds(63745056000)).to.equal(1577836800); // 2020-01-01T00:00:00Z
    expect(unixToGregorianSeconds(0)).to.equal(62167219200);
    expect(DEFAULT_START_DATE_GREGORIAN).to.equal(62586115200);
  });

  // start_date is an instant; its date is read in the route's zone (kz_date:from_gregorian_seconds/2).
  const startDates: Array<[number, string, string]> = [
    [63745056000, 'America/Los_Angeles', '2019-12-31'], // 2019-12-31T16:00-08:00
    [63745056000, 'America/New_York', '2019-12-31'], // 19:00-05:00
    [63745056000, 'Europe/London', '2020-01-01'], // 00:00Z
    [63745056000, 'Australia/Sydney', '2020-01-01'], // 11:00+11:00
    [63745056000, 'Asia/Kolkata', '2020-01-01'], // 05:30+05:30
    [63745056000, 'UTC', '2020-01-01'],
    [62586115200, 'America/Los_Angeles', '1983-04-11'], // the schema default: 00:00 PST
    [62586115200, 'Pacific/Honolulu', '1983-04-10'], // 22:00-10:00
    [62586115200, 'Pacific/Kiritimati', '1983-04-10'], // -10:00 in 1983 (it moved to +14 in 1994)
    [62586115200, 'Asia/Kolkata', '1983-04-11'],
  ];
  for (const [g, zone, iso] of startDates) {
    it(`start_date ${g} in ${zone} is ${iso}`, () => {
      const d = startDateInZone(g, zone);
      expect(d && formatDate(d)).to.equal(iso);
    });
  }

  it('local midnight of a date, as a UI saves it', () => {
    expect(gregorianOfLocalMidnight(civil(2024, 7, 4), 'America/New_York')).to.equal(63887284800);
    expect(gregorianOfLocalMidnight(civil(2020, 1, 1), 'UTC')).to.equal(63745056000);
  });

  it('an unknown zone has no start date', () => {
    expect(startDateInZone(63745056000, 'Not/AZone')).to.equal(undefined);
  });
});

describe('local wall clock', () => {
  const clocks: Array<[string, string, string, number]> = [
    ['2024-03-10T07:00:00Z', 'America/New_York', '2024-03-10', 3 * 3600], // 03:00 EDT right after the jump
    ['2024-03-10T06:59:59Z', 'America/New_York', '2024-03-10', 1 * 3600 + 59 * 60 + 59],
    ['2024-11-03T06:30:00Z', 'America/New_York', '2024-11-03', 1 * 3600 + 30 * 60], // second 01:30
    ['2024-03-14T22:30:00Z', 'Australia/Sydney', '2024-03-15', 9 * 3600 + 30 * 60],
    ['2024-03-11T03:30:00Z', 'Asia/Kolkata', '2024-03-11', 9 * 3600],
    ['2024-12-31T23:59:59.999Z', 'UTC', '2024-12-31', 86399],
  ];
  for (const [instant, zone, date, seconds] of clocks) {
    it(`${instant} in ${zone} → ${date} +${seconds}s`, () => {
      const c = localClock(instant, zone);
      expect(c && formatDate(c.date)).to.equal(date);
      expect(c?.secondOfDay).to.equal(seconds);
    });
  }
  it('unknown zone → undefined', () => {
    expect(localClock('2024-01-01T00:00:00Z', 'Nowhere/Land')).to.equal(undefined);
  });
});

describe('which zone a temporal_route uses', () => {
  const table: Array<[unknown, unknown, string]> = [
    ['Europe/London', 'America/New_York', 'Europe/London'],
    ['inherit', 'America/New_York', 'America/New_York'],
    ['', 'America/New_York', 'America/New_York'],
    [undefined, 'Asia/Kolkata', 'Asia/Kolkata'],
    [null, undefined, KAZOO_DEFAULT_TIMEZONE],
    ['inherit', '', KAZOO_DEFAULT_TIMEZONE],
  ];
  for (const [node, account, expected] of table) {
    it(`node ${JSON.stringify(node)}, account ${JSON.stringify(account)} → ${expected}`, () => {
      expect(resolveTimezone(node, account)).to.equal(expected);
    });
  }
  it('the system default is America/Los_Angeles unless configured', () => {
    expect(KAZOO_DEFAULT_TIMEZONE).to.equal('America/Los_Angeles');
    expect(resolveTimezone(undefined, undefined, 'Europe/Paris')).to.equal('Europe/Paris');
  });
});
