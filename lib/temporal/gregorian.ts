// Kazoo's Gregorian seconds (Erlang calendar: seconds since 0000-01-01T00:00:00 UTC) and temporal rules' start_date.
// Kazoo stores every date as Gregorian seconds; Unix time is the same count shifted by 62167219200 s.
import { DateTime } from 'luxon';
import { type CivilDate, civil } from './civil-date.ts';

/** Gregorian seconds at 1970-01-01T00:00:00Z (calendar:datetime_to_gregorian_seconds({{1970,1,1},{0,0,0}})). */
export const GREGORIAN_UNIX_OFFSET = 62_167_219_200;

/** Schema default of temporal_rules.start_date: 1983-04-11T08:00:00Z. */
export const DEFAULT_START_DATE_GREGORIAN = 62_586_115_200;

export function gregorianToUnixSeconds(gregorian: number): number {
  return gregorian - GREGORIAN_UNIX_OFFSET;
}

export function unixToGregorianSeconds(unix: number): number {
  return unix + GREGORIAN_UNIX_OFFSET;
}

/**
 * The local date of a start_date in `zone`, as kz_date:from_gregorian_seconds/2 computes it: the seconds
 * are an instant (UTC), converted to the zone's wall clock, of which the date is kept. A UI that stores
 * "local midnight of the chosen day" as an instant therefore gets the chosen day back in the same zone.
 * Returns undefined for an unknown zone.
 */
export function startDateInZone(gregorianSeconds: number, zone: string): CivilDate | undefined {
  const dt = DateTime.fromSeconds(gregorianToUnixSeconds(gregorianSeconds), { zone });
  if (!dt.isValid) return undefined;
  return civil(dt.year, dt.month, dt.day);
}

/** Gregorian seconds of local midnight of `date` in `zone` — what a UI saves for "starts on <date>". */
export function gregorianOfLocalMidnight(date: CivilDate, zone: string): number {
  const dt = DateTime.fromObject({ year: date.year, month: date.month, day: date.day }, { zone });
  if (!dt.isValid) throw new RangeError(`invalid date or zone: ${zone}`);
  return unixToGregorianSeconds(Math.floor(dt.toSeconds()));
}
