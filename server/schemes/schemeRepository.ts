import { randomInt } from 'node:crypto';
import type { KeyValueStore } from '../stores/keyValueStore.js';
import { RecentReads } from '../stores/recentReads.js';
import type { Scheme, SchemeInput } from './schemeSchema.js';

const indexKey = 'schemes';
const keyOf = (code: string) => `scheme:${code}`;

/** Schemes (app registrations) by code, with an index set for listing. */
export class SchemeRepository {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly clock: () => number,
  ) {}

  private readonly recent = new RecentReads<Scheme | null>();
  private readonly recentOrigins = new RecentReads<ReadonlySet<string>>(2_000, 1);

  async get(code: string): Promise<Scheme | null> {
    const raw = await this.kv.get(keyOf(code));
    return raw ? schemeOf(raw) : null;
  }

  /**
   * The scheme as read within the last second by this process, else read now: the hot path (a session
   * start checks its scheme, then scores the device against it) reads it once. Writes here forget it at once.
   */
  getRecent(code: string): Promise<Scheme | null> {
    return this.recent.get(code, () => this.get(code));
  }

  /**
   * The origins registered on H5 schemes (`scheme://host[:port]`, as a browser sends `Origin`), as read
   * within the last 2 s by this process: CORS asks on every request. Writes here forget them at once.
   */
  h5Origins(): Promise<ReadonlySet<string>> {
    return this.recentOrigins.get('h5', async () => {
      const schemes = await this.list();
      return new Set(schemes.filter((s) => s.platform === 'H5' && s.origin).map((s) => new URL(s.origin!).origin));
    });
  }

  async list(): Promise<Scheme[]> {
    const codes = (await this.kv.setMembers(indexKey)).sort();
    const schemes = await Promise.all(codes.map((code) => this.get(code)));
    return schemes.filter((s): s is Scheme => s !== null);
  }

  /** Creates a scheme; null if the code is taken. Without a code, one is generated. */
  async create(input: SchemeInput): Promise<Scheme | null> {
    const now = new Date(this.clock()).toISOString();
    for (let attempt = 0; attempt < 5; attempt++) {
      const code = input.code ?? generateSchemeCode();
      const scheme: Scheme = { ...input, code, enabled: true, createdAt: now, updatedAt: now };
      if (await this.kv.set(keyOf(code), JSON.stringify(scheme), { onlyIfAbsent: true })) {
        this.forget(code);
        await this.kv.addToSet(indexKey, code);
        return scheme;
      }
      if (input.code) return null;
    }
    return null;
  }

  /** Replaces a scheme's fields (it stays enabled or disabled); null if it does not exist. */
  replace(code: string, input: SchemeInput): Promise<Scheme | null> {
    return this.update(code, (current) => ({ ...input, code, enabled: current.enabled, createdAt: current.createdAt, updatedAt: this.now() }));
  }

  /** Disables or enables a scheme; null if it does not exist. */
  setEnabled(code: string, enabled: boolean): Promise<Scheme | null> {
    return this.update(code, (current) => (current.enabled === enabled ? current : { ...current, enabled, updatedAt: this.now() }));
  }

  /** Compare-and-swap of one scheme until it holds; null if it does not exist. */
  private async update(code: string, change: (current: Scheme) => Scheme): Promise<Scheme | null> {
    for (;;) {
      const raw = await this.kv.get(keyOf(code));
      if (!raw) return null;
      const current = schemeOf(raw);
      const next = change(current);
      if (next === current) return current;
      if (await this.kv.compareAndSwap(keyOf(code), raw, JSON.stringify(next))) {
        this.forget(code);
        return next;
      }
    }
  }

  private now(): string {
    return new Date(this.clock()).toISOString();
  }

  private forget(code: string): void {
    this.recent.forget(code);
    this.recentOrigins.forget('h5');
  }

  async delete(code: string): Promise<boolean> {
    const deleted = await this.kv.del(keyOf(code));
    this.forget(code);
    await this.kv.removeFromSet(indexKey, code);
    return deleted;
  }
}

/** A stored scheme; one stored before schemes could be disabled is enabled. */
function schemeOf(raw: string): Scheme {
  const scheme = JSON.parse(raw) as Omit<Scheme, 'enabled'> & { enabled?: boolean };
  return { ...scheme, enabled: scheme.enabled ?? true };
}

function generateSchemeCode(): string {
  let digits = '1';
  for (let i = 0; i < 14; i++) digits += String(randomInt(0, 10));
  return `FA${digits}`;
}
