import type { KeyValueStore } from '../keyValueStore.js';
import { assertIncrement, assertMaxLength, assertPlainText, ttlAsWholeMs } from '../storeArguments.js';

type Entry =
  | { type: 'string'; value: string; expiresAt: number | null }
  | { type: 'list'; items: string[]; expiresAt: number | null }
  | { type: 'set'; members: Set<string>; expiresAt: number | null }
  | { type: 'hash'; fields: Map<string, { count: number; ends: number }>; expiresAt: number | null };

const INTEGER = /^-?\d+$/;

/**
 * KeyValueStore in process memory, with the same semantics as the Redis one (one key space
 * shared by strings, lists and sets; TTLs; a wrong-type access fails). Expired keys vanish
 * when read and in `sweepExpired`.
 */
export class MemoryKeyValueStore implements KeyValueStore {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  async get(key: string): Promise<string | null> {
    return this.#string(key)?.value ?? null;
  }

  async set(key: string, value: string, options: { ttlMs?: number; onlyIfAbsent?: boolean } = {}): Promise<boolean> {
    const expiresAt = this.#expiryFor(options.ttlMs);
    if (options.onlyIfAbsent && this.#live(key)) return false;
    this.#entries.set(key, { type: 'string', value, expiresAt });
    return true;
  }

  async getDel(key: string): Promise<string | null> {
    const entry = this.#string(key);
    if (!entry) return null;
    this.#entries.delete(key);
    return entry.value;
  }

  async del(key: string): Promise<boolean> {
    const existed = this.#live(key) !== undefined;
    this.#entries.delete(key);
    return existed;
  }

  async compareAndSwap(key: string, expected: string | null, value: string | null, ttlMs?: number): Promise<boolean> {
    const newExpiry = ttlMs === undefined ? undefined : this.#expiryFor(ttlMs);
    const current = this.#string(key);
    if ((current?.value ?? null) !== expected) return false;
    if (value === null) {
      this.#entries.delete(key);
    } else {
      // Without a TTL the key keeps the one it had (Redis SET … KEEPTTL).
      const expiresAt = newExpiry ?? current?.expiresAt ?? null;
      this.#entries.set(key, { type: 'string', value, expiresAt });
    }
    return true;
  }

  async increment(key: string, by: number, ttlMs: number): Promise<number> {
    assertIncrement(by);
    const expiresAtIfCreated = this.#expiryFor(ttlMs);
    const current = this.#string(key);
    if (!current) {
      this.#entries.set(key, { type: 'string', value: String(by), expiresAt: expiresAtIfCreated });
      return by;
    }
    if (!INTEGER.test(current.value)) throw new Error(`ERR value of ${key} is not an integer`);
    const next = Number(current.value) + by;
    if (!Number.isSafeInteger(next)) throw new Error(`ERR increment of ${key} would overflow`);
    current.value = String(next);
    return next;
  }

  async countInWindows(key: string, windowsMs: readonly number[], record: boolean): Promise<number[]> {
    const now = this.#now();
    let entry = this.#ofType(key, 'hash');
    if (!entry && record && windowsMs.length > 0) {
      entry = { type: 'hash', fields: new Map(), expiresAt: null };
      this.#entries.set(key, entry);
    }
    return windowsMs.map((windowMs) => {
      const field = String(ttlAsWholeMs(windowMs));
      let window = entry?.fields.get(field);
      if (!window || window.ends <= now) window = { count: 0, ends: now + ttlAsWholeMs(windowMs) };
      if (record && entry) {
        window = { count: window.count + 1, ends: window.ends };
        entry.fields.set(field, window);
        if (entry.expiresAt === null || entry.expiresAt < window.ends) entry.expiresAt = window.ends;
      }
      return window.count;
    });
  }

  async appendCapped(key: string, value: string, maxLength: number, ttlMs?: number): Promise<void> {
    assertMaxLength(maxLength);
    const newExpiry = ttlMs === undefined ? undefined : this.#expiryFor(ttlMs);
    let entry = this.#ofType(key, 'list');
    if (!entry) {
      entry = { type: 'list', items: [], expiresAt: null };
      this.#entries.set(key, entry);
    }
    entry.items.push(value);
    if (entry.items.length > maxLength) entry.items.splice(0, entry.items.length - maxLength);
    if (newExpiry !== undefined) entry.expiresAt = newExpiry;
  }

  async listRange(key: string): Promise<string[]> {
    return [...(this.#ofType(key, 'list')?.items ?? [])];
  }

  async addToSet(key: string, member: string): Promise<void> {
    const entry = this.#ofType(key, 'set');
    if (entry) entry.members.add(member);
    else this.#entries.set(key, { type: 'set', members: new Set([member]), expiresAt: null });
  }

  async removeFromSet(key: string, member: string): Promise<void> {
    const entry = this.#ofType(key, 'set');
    if (!entry) return;
    entry.members.delete(member);
    // Redis removes a set with its last member, TTL included.
    if (entry.members.size === 0) this.#entries.delete(key);
  }

  async setMembers(key: string): Promise<string[]> {
    return [...(this.#ofType(key, 'set')?.members ?? [])];
  }

  async ttlMs(key: string): Promise<number | null> {
    const expiresAt = this.#live(key)?.expiresAt ?? null;
    return expiresAt === null ? null : expiresAt - this.#now();
  }

  /** Drops every expired key; reads already ignore them, this only frees the memory. */
  sweepExpired(): void {
    const now = this.#now();
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt !== null && entry.expiresAt <= now) this.#entries.delete(key);
    }
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAt !== null && entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  async keysContaining(text: string): Promise<string[]> {
    assertPlainText(text);
    return [...this.#entries.keys()].filter((key) => key.includes(text) && this.#live(key) !== undefined);
  }

  #string(key: string): Extract<Entry, { type: 'string' }> | undefined {
    return this.#ofType(key, 'string');
  }

  #ofType<T extends Entry['type']>(key: string, type: T): Extract<Entry, { type: T }> | undefined {
    const entry = this.#live(key);
    if (!entry) return undefined;
    if (entry.type !== type) {
      throw new Error(`WRONGTYPE ${key} holds a ${entry.type}, not a ${type}`);
    }
    return entry as Extract<Entry, { type: T }>;
  }

  #expiryFor(ttlMs: number): number;
  #expiryFor(ttlMs: number | undefined): number | null;
  #expiryFor(ttlMs: number | undefined): number | null {
    return ttlMs === undefined ? null : this.#now() + ttlAsWholeMs(ttlMs);
  }
}
