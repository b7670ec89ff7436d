// Orders in which ring group members are tried: weighted random (Kazoo's weighted_random) and the
// rotation of ariflow's round_robin. Pure.

/** A member's weight for weighted_random: 1..100, 20 when unset (Kazoo's default). */
export function memberWeight(weight: unknown): number {
  const n = typeof weight === 'string' && weight.trim() !== '' ? Number(weight) : weight;
  if (typeof n !== 'number' || !Number.isFinite(n)) return 20;
  return Math.min(100, Math.max(1, Math.round(n)));
}

/**
 * A random order where heavier items tend to come first: each item draws u^(1/weight) (u uniform in (0,1])
 * and the largest go first (Efraimidis–Spirakis), so an item leads with probability weight / total.
 */
export function weightedOrder<T>(items: readonly T[], weightOf: (item: T) => number, random: () => number = Math.random): T[] {
  return items
    .map((item, index) => {
      const u = 1 - random(); // (0, 1]
      return { item, index, key: Math.pow(u, 1 / weightOf(item)) };
    })
    .sort((a, b) => b.key - a.key || a.index - b.index)
    .map((x) => x.item);
}

/** The list starting at position `start` (modulo its length), wrapping around. */
export function rotate<T>(items: readonly T[], start: number): T[] {
  if (!items.length) return [];
  const k = ((Math.trunc(start) % items.length) + items.length) % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}
