// The wall clock of an instant in a time zone, and which zone a temporal_route uses.
// Kazoo (cf_util:get_timezone + localtime:utc_to_local) works on the local wall clock, whole seconds.
import { DateTime } from 'luxon';
import { type CivilDate, civil } from './civil-date.ts';

/** system_config accounts.default_timezone in Kazoo when an account has no `timezone`. */
export const KAZOO_DEFAULT_TIMEZONE = 'America/Los_Angeles';

export type Instant = Date | string | number;

export interface LocalClock {
  zone: string;
  date: CivilDate;
  /** Wall-clock seconds since local midnight (h*3600 + m*60 + s), 0..86399. Not elapsed seconds: DST-proof. */
  secondOfDay: number;
  /** The local time, ISO 8601 with offset, for traces. */
  iso: string;
}

/** Parses an instant: a Date, epoch milliseconds, or an ISO 8601 string (with an offset or Z). */
export function toDateTime(now: Instant): DateTime {
  const dt =
    typeof now === 'string'
      ? DateTime.fromISO(now, { setZone: true })
      : typeof now === 'number'
        ? DateTime.fromMillis(now)
        : DateTime.fromJSDate(now);
  if (!dt.isValid) throw new TypeError(`invalid instant: ${String(now)}`);
  return dt;
}

export function isValidZone(zone: string): boolean {
  return typeof zone === 'string' && zone !== '' && DateTime.now().setZone(zone).isValid;
}

/** Local wall clock of `now` in `zone`, truncated to the second (Kazoo reads calendar:universal_time()). */
export function localClock(now: Instant, zone: string): LocalClock | undefined {
  if (!isValidZone(zone)) return undefined;
  const dt = toDateTime(now).setZone(zone).startOf('second');
  return {
    zone,
    date: civil(dt.year, dt.month, dt.day),
    secondOfDay: dt.hour * 3600 + dt.minute * 60 + dt.second,
    iso: dt.toISO({ suppressMilliseconds: true }) ?? '',
  };
}

/**
 * The zone a temporal_route evaluates its rules in (cf_util:get_timezone/2): the node's `data.timezone`
 * unless absent, empty or "inherit" (UI-1808), else the account's `timezone`, else the system default.
 * Kazoo has no per-rule zone: a `timezone` key on a temporal_rules document is ignored.
 */
export function resolveTimezone(
  nodeTimezone: unknown,
  accountTimezone: unknown,
  systemDefault: string = KAZOO_DEFAULT_TIMEZONE,
): string {
  if (typeof nodeTimezone === 'string' && nodeTimezone !== '' && nodeTimezone !== 'inherit') return nodeTimezone;
  if (typeof accountTimezone === 'string' && accountTimezone !== '') return accountTimezone;
  return systemDefault;
}
