/**
 * A read of configuration (a scheme, its lists, its webhook, a scene's settings) answers the same
 * reads in this process for a second: the hot path reads each of them once at most per second.
 * The repository that writes forgets its own key at once; a change made by another process shows
 * here after at most `maxAgeMs`.
 */
export class RecentReads<V> {
  readonly #entries = new Map<string, { value: Promise<V>; readAt: number }>();

  constructor(
    private readonly maxAgeMs = 1_000,
    private readonly maxEntries = 1_000,
  ) {}

  /** Concurrent callers share one read: under load, an expired entry costs one read, not one per request. */
  get(key: string, read: () => Promise<V>): Promise<V> {
    const known = this.#entries.get(key);
    if (known && performance.now() - known.readAt < this.maxAgeMs) return known.value;
    const entry = { value: read(), readAt: performance.now() };
    if (this.#entries.size >= this.maxEntries) this.#entries.clear();
    this.#entries.set(key, entry);
    // A failed read is not remembered: the next caller tries again.
    entry.value.catch(() => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    });
    return entry.value;
  }

  forget(key: string): void {
    this.#entries.delete(key);
  }
}
