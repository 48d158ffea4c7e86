/**
 * A small in-memory key-value store with an injectable clock, implementing the subset of
 * the server's KeyValueStore that the adapter ports use. Each operation runs without an
 * await inside, so it is atomic like a Redis command, while concurrent callers still
 * interleave between operations.
 */
interface Entry {
  value: string | string[];
  expiresAt: number | undefined;
}

export class InMemoryAdapterStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  async get(key: string): Promise<string | null> {
    return this.stringAt(key);
  }

  async set(key: string, value: string, options?: { ttlMs?: number; onlyIfAbsent?: boolean }): Promise<boolean> {
    if (options?.onlyIfAbsent && this.live(key) !== undefined) return false;
    this.entries.set(key, { value, expiresAt: this.expiryOf(options?.ttlMs) });
    return true;
  }

  async getDel(key: string): Promise<string | null> {
    const value = this.stringAt(key);
    this.entries.delete(key);
    return value;
  }

  async del(key: string): Promise<boolean> {
    const existed = this.live(key) !== undefined;
    this.entries.delete(key);
    return existed;
  }

  async compareAndSwap(key: string, expected: string | null, value: string | null, ttlMs?: number): Promise<boolean> {
    if (this.stringAt(key) !== expected) return false;
    if (value === null) this.entries.delete(key);
    else this.entries.set(key, { value, expiresAt: this.expiryOf(ttlMs) });
    return true;
  }

  async increment(key: string, by: number, ttlMs: number): Promise<number> {
    const entry = this.live(key);
    if (entry === undefined) {
      this.entries.set(key, { value: String(by), expiresAt: this.expiryOf(ttlMs) });
      return by;
    }
    const next = Number(entry.value) + by;
    entry.value = String(next);
    return next;
  }

  async appendCapped(key: string, value: string, maxLength: number, ttlMs?: number): Promise<void> {
    const existing = this.live(key)?.value;
    const list = Array.isArray(existing) ? existing : [];
    this.entries.set(key, { value: [...list, value].slice(-maxLength), expiresAt: this.expiryOf(ttlMs) });
  }

  async listRange(key: string): Promise<string[]> {
    const value = this.live(key)?.value;
    return Array.isArray(value) ? [...value] : [];
  }

  /** Every live string value, for asserting what was (not) stored. */
  dump(): Map<string, string> {
    const dumped = new Map<string, string>();
    for (const key of this.entries.keys()) {
      const value = this.live(key)?.value;
      if (value !== undefined) dumped.set(key, Array.isArray(value) ? JSON.stringify(value) : value);
    }
    return dumped;
  }

  private stringAt(key: string): string | null {
    const value = this.live(key)?.value;
    return typeof value === 'string' ? value : null;
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt !== undefined && this.now() >= entry.expiresAt) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private expiryOf(ttlMs: number | undefined): number | undefined {
    return ttlMs === undefined ? undefined : this.now() + ttlMs;
  }
}
