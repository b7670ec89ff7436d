// Deep copy of JSON data, used so validation and coercion never touch the caller's document.
// A JSON round trip keeps keys such as "__proto__" as plain own data properties (never prototypes).

export function cloneJson<T>(value: T): T {
  if (value === undefined) return value;
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Copy of JSON data without null-valued object properties (Kazoo treats null as "absent"). */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)] as const);
    return Object.fromEntries(entries); // fromEntries defines own properties, even for "__proto__"
  }
  return value;
}

/**
 * Where `value` nests deeper than `max` levels (path segments of the first such container), or
 * undefined. Iterative, so it is safe on hostile input that would overflow JSON.stringify.
 */
export function depthExceeded(value: unknown, max: number): string[] | undefined {
  const stack: Array<{ v: unknown; path: string[] }> = [{ v: value, path: [] }];
  while (stack.length > 0) {
    const { v, path } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (path.length >= max) return path;
    for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
      if (child !== null && typeof child === 'object') stack.push({ v: child, path: [...path, k] });
    }
  }
  return undefined;
}
