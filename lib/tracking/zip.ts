// ZIP routing rules (zip_route): which rule a 5-digit US ZIP code falls under. Pure.

export interface ZipRule {
  /** Child key taken when the ZIP matches. */
  key: string;
  /** Exact ZIP codes. */
  zips?: string[];
  /** Inclusive ranges, as {from, to} or "10000-14999". */
  ranges?: Array<{ from: string | number; to: string | number } | string>;
  /** Leading digits ("100" = 10000-10099). */
  prefixes?: string[];
}

export const ZIP_LENGTH = 5;

export function isZip(digits: string): boolean {
  return /^\d{5}$/.test(digits);
}

function bounds(r: NonNullable<ZipRule['ranges']>[number]): [number, number] | undefined {
  let from: unknown;
  let to: unknown;
  if (typeof r === 'string') {
    const m = /^\s*(\d{1,5})\s*-\s*(\d{1,5})\s*$/.exec(r);
    if (!m) return undefined;
    [from, to] = [m[1], m[2]];
  } else if (r && typeof r === 'object') {
    ({ from, to } = r);
  }
  const a = Number(from);
  const b = Number(to);
  if (!Number.isInteger(a) || !Number.isInteger(b)) return undefined;
  return a <= b ? [a, b] : [b, a];
}

export function ruleMatches(zip: string, rule: ZipRule): boolean {
  if (!isZip(zip)) return false;
  if (rule.zips?.some((z) => String(z).trim() === zip)) return true;
  if (rule.prefixes?.some((p) => String(p) !== '' && zip.startsWith(String(p).trim()))) return true;
  const n = Number(zip);
  return (rule.ranges ?? []).some((r) => {
    const b = bounds(r);
    return !!b && n >= b[0] && n <= b[1];
  });
}

/** The first rule (in order) that the ZIP falls under. */
export function routeZip(zip: string, rules: readonly ZipRule[]): ZipRule | undefined {
  return rules.find((r) => ruleMatches(zip, r));
}
