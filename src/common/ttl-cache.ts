// A small map whose entries expire after a fixed time and which holds at most `max`
// entries (the oldest inserted goes first). Used for token lookups and resolved names,
// the way keep-web caches them.

export class TtlCache<K, V> {
  private readonly map = new Map<K, { value: V; expires: number }>();
  constructor(private readonly opts: { ttlMs: number; max: number; now: () => number }) {}

  get(key: K): V | undefined {
    const hit = this.map.get(key);
    if (!hit) return undefined;
    if (hit.expires <= this.opts.now()) {
      this.map.delete(key);
      return undefined;
    }
    return hit.value;
  }

  set(key: K, value: V, ttlMs = this.opts.ttlMs): void {
    this.map.delete(key);
    this.map.set(key, { value, expires: this.opts.now() + ttlMs });
    while (this.map.size > this.opts.max) {
      const oldest = this.map.keys().next();
      if (oldest.done) break;
      this.map.delete(oldest.value);
    }
  }

  delete(key: K): void {
    this.map.delete(key);
  }

  /** Removes every entry whose key matches (e.g. all names cached for one user). */
  deleteWhere(pred: (key: K) => boolean): void {
    for (const k of this.map.keys()) if (pred(k)) this.map.delete(k);
  }

  get size(): number {
    return this.map.size;
  }
}
