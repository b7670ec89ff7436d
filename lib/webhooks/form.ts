// A JSON object as an application/x-www-form-urlencoded string, the way Kazoo's webhooks encode it
// (kz_http_util:json_to_querystring): nested objects as `a[b]=v`, arrays as `a[]=v`, nulls dropped.
// Used for GET query strings and `form-data` POST bodies.

type Pair = [key: string, value: string];

function scalar(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return value.toISOString();
  return undefined;
}

function flatten(prefix: string, value: unknown, out: Pair[]): void {
  if (Array.isArray(value)) {
    for (const item of value) flatten(`${prefix}[]`, item, out);
    return;
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(`${prefix}[${k}]`, v, out);
    return;
  }
  const s = scalar(value);
  if (s !== undefined) out.push([prefix, s]);
}

/** The pairs of `obj` in document order (keys with brackets for nesting). */
export function formPairs(obj: Record<string, unknown>): Pair[] {
  const out: Pair[] = [];
  for (const [k, v] of Object.entries(obj)) flatten(k, v, out);
  return out;
}

/** `obj` as a query string / form body (percent-encoded, spaces as `+`). */
export function toQueryString(obj: Record<string, unknown>): string {
  return new URLSearchParams(formPairs(obj)).toString();
}
