// Calendar dates without a time zone (Erlang's {Y, M, D}), and the date arithmetic Kazoo's rules use.
// Kazoo evaluates temporal rules on naive local dates, so this is plain proleptic-Gregorian integer maths.

export interface CivilDate {
  readonly year: number;
  readonly month: number; // 1..12
  readonly day: number; // 1..31
}

/** ISO 8601 day of the week: 1 = Monday … 7 = Sunday (Erlang's calendar:day_of_the_week/1). */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export function civil(year: number, month: number, day: number): CivilDate {
  return { year, month, day };
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export function isValidDate(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    Number.isInteger(month) &&
    Number.isInteger(day) &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

/** Days since 1970-01-01 of a valid date (H. Hinnant's days_from_civil). */
export function toEpochDay(date: CivilDate): number {
  const y = date.month <= 2 ? date.year - 1 : date.year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (date.month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + date.day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function fromEpochDay(epochDay: number): CivilDate {
  const z = epochDay + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/**
 * Kazoo's kz_date:normalize/1: a date whose month or day overflows is carried forward
 * ({2011, 1, 36} → 2011-02-05, {2011, 13, 1} → 2012-01-01, month 0 → December of the year before,
 * day 0 → last day of the month before). Only month ≥ 0 and day ≥ 0 occur in Kazoo's rule maths.
 */
export function normalizeDate(year: number, month: number, day: number): CivilDate {
  const y = year + Math.floor((month - 1) / 12);
  const m = (((month - 1) % 12) + 12) % 12 + 1;
  return addDays({ year: y, month: m, day: 1 }, day - 1);
}

export function addDays(date: CivilDate, days: number): CivilDate {
  return fromEpochDay(toEpochDay(date) + days);
}

export function isoWeekday(date: CivilDate): IsoWeekday {
  // 1970-01-01 was a Thursday (4).
  return ((((toEpochDay(date) + 3) % 7) + 7) % 7 + 1) as IsoWeekday;
}

/** Monday of the ISO 8601 week containing `date`. */
export function isoWeekMonday(date: CivilDate): CivilDate {
  return addDays(date, 1 - isoWeekday(date));
}

export function compareDates(a: CivilDate, b: CivilDate): number {
  return toEpochDay(a) - toEpochDay(b);
}

export function sameDate(a: CivilDate, b: CivilDate): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day;
}

export function formatDate(date: CivilDate): string {
  const pad = (n: number, w: number) => String(Math.abs(n)).padStart(w, '0');
  return `${date.year < 0 ? '-' : ''}${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

/** Seconds since midnight → "HH:MM:SS" (24:00:00 for 86400, Kazoo's default end of window). */
export function formatSecondOfDay(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return [h, m, s].map((n) => String(n).padStart(2, '0')).join(':');
}
