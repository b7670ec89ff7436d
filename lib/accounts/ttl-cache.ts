// A small bounded map whose entries expire: hot lookups (tokens, accounts, documents) answered
// in-process. Writes made by this process invalidate their keys; the TTL bounds how long another
// process's writes can go unseen.

export class TtlCache<V> {
  private readonly map = new Map<string, { value: V; expires: number }>();

  constructor(
    readonly ttlMs: number,
    readonly maxEntries = 10_000,
  ) {}

  get(key: string): V | undefined {
    if (this.ttlMs <= 0) return undefined;
    const hit = this.map.get(key);
    if (!hit) return undefined;
    if (hit.expires <= Date.now()) {
      this.map.delete(key);
      return undefined;
    }
    return hit.value;
  }

  set(key: string, value: V, ttlMs = this.ttlMs): void {
    if (this.ttlMs <= 0 || ttlMs <= 0) return;
    if (this.map.size >= this.maxEntries) {
      // Evict the oldest insertion (Map keeps insertion order): cheap and good enough for hot sets.
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
    this.map.delete(key);
    this.map.set(key, { value, expires: Date.now() + ttlMs });
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  /** Drops every key starting with `prefix`. */
  deletePrefix(prefix: string): void {
    for (const key of this.map.keys()) if (key.startsWith(prefix)) this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }
}
