// Fixture helpers for the temporal rule tests (our own fixtures; Kazoo's examples are reference only).
import type { TemporalRuleDoc } from '../../lib/temporal/rule-doc.ts';

/**
 * Gregorian seconds (Unix + 62167219200) of 12:00 UTC on `isoDate`: that instant has the same local date in
 * every zone between UTC-11 and UTC+11, so a fixture's start date does not depend on the zone under test.
 */
export function startOn(isoDate: string): number {
  return 62_167_219_200 + Date.parse(`${isoDate}T12:00:00Z`) / 1000;
}

/** Seconds since midnight. */
export function at(h: number, m = 0, s = 0): number {
  return h * 3600 + m * 60 + s;
}

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'];

export function rule(fields: TemporalRuleDoc): TemporalRuleDoc {
  return { name: 'test rule', ...fields };
}
