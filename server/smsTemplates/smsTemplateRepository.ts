import { randomInt } from 'node:crypto';
import type { KeyValueStore } from '../stores/keyValueStore.js';
import { RecentReads } from '../stores/recentReads.js';
import { complimentarySignatures, complimentaryTemplates } from './complimentarySms.js';
import type { SmsSignature, SmsSignatureInput, SmsTemplate, SmsTemplateInput } from './smsTemplateSchema.js';

/** Signatures or templates: the same store layout for both (a key per item and an index set). */
interface Collection<T> {
  index: string;
  keyOf: (id: string) => string;
  builtIn: readonly T[];
  idOf: (item: T) => string;
}

const signatures: Collection<SmsSignature> = {
  index: 'sms-signatures',
  keyOf: (name) => `sms-signature:${encodeURIComponent(name)}`,
  builtIn: complimentarySignatures,
  idOf: (s) => s.name,
};
const templates: Collection<SmsTemplate> = {
  index: 'sms-templates',
  keyOf: (code) => `sms-template:${code}`,
  builtIn: complimentaryTemplates,
  idOf: (t) => t.code,
};

/** Why a change was refused: the name is taken, it is a complimentary one, or it does not exist. */
export type SmsChangeRefusal = 'exists' | 'complimentary' | 'notFound';
export type SmsChange<T> = { ok: true; before: T | null; after: T | null } | { ok: false; refusal: SmsChangeRefusal };

/**
 * SMS signatures and templates, in the key-value store (a key per item and an index set, as schemes are
 * kept), with the complimentary ones built in: listed first, always there, never changed or deleted.
 */
export class SmsTemplateRepository {
  private readonly recent = new RecentReads<SmsSignature | SmsTemplate | null>();

  constructor(
    private readonly kv: KeyValueStore,
    private readonly clock: () => number,
  ) {}

  listSignatures(): Promise<SmsSignature[]> {
    return this.list(signatures);
  }

  listTemplates(): Promise<SmsTemplate[]> {
    return this.list(templates);
  }

  signature(name: string): Promise<SmsSignature | null> {
    return this.get(signatures, name);
  }

  template(code: string): Promise<SmsTemplate | null> {
    return this.get(templates, code);
  }

  /** As read within the last second by this process: every SMS a session sends looks its choice up. */
  recentSignature(name: string): Promise<SmsSignature | null> {
    return this.recent.get(`s:${name}`, () => this.signature(name)) as Promise<SmsSignature | null>;
  }

  recentTemplate(code: string): Promise<SmsTemplate | null> {
    return this.recent.get(`t:${code}`, () => this.template(code)) as Promise<SmsTemplate | null>;
  }

  createSignature(input: SmsSignatureInput): Promise<SmsChange<SmsSignature>> {
    return this.create(signatures, input.name, (now) => ({ ...input, complimentary: false, createdAt: now, updatedAt: now }));
  }

  replaceSignature(name: string, input: Omit<SmsSignatureInput, 'name'>): Promise<SmsChange<SmsSignature>> {
    return this.replace(signatures, name, (current, now) => ({ ...input, name, complimentary: false, createdAt: current.createdAt, updatedAt: now }));
  }

  deleteSignature(name: string): Promise<SmsChange<SmsSignature>> {
    return this.delete(signatures, name);
  }

  /** Without a code, one is generated (`SMS_` and nine digits, as the vendor numbers its templates). */
  async createTemplate(input: SmsTemplateInput): Promise<SmsChange<SmsTemplate>> {
    for (let attempt = 0; ; attempt++) {
      const code = input.code ?? generateTemplateCode();
      const change = await this.create(templates, code, (now) => ({ ...input, code, complimentary: false, createdAt: now, updatedAt: now }));
      if (change.ok || input.code !== undefined || attempt >= 4) return change;
    }
  }

  replaceTemplate(code: string, input: Omit<SmsTemplateInput, 'code'>): Promise<SmsChange<SmsTemplate>> {
    return this.replace(templates, code, (current, now) => ({ ...input, code, complimentary: false, createdAt: current.createdAt, updatedAt: now }));
  }

  deleteTemplate(code: string): Promise<SmsChange<SmsTemplate>> {
    return this.delete(templates, code);
  }

  // ---- one layout for both ----------------------------------------------------------------------

  private async list<T>(of: Collection<T>): Promise<T[]> {
    const ids = (await this.kv.setMembers(of.index)).sort();
    const stored = await Promise.all(ids.map((id) => this.stored(of, id)));
    return [...of.builtIn, ...stored.flatMap((item) => (item === null ? [] : [item]))];
  }

  private async get<T>(of: Collection<T>, id: string): Promise<T | null> {
    return of.builtIn.find((item) => of.idOf(item) === id) ?? (await this.stored(of, id));
  }

  private async stored<T>(of: Collection<T>, id: string): Promise<T | null> {
    const raw = await this.kv.get(of.keyOf(id));
    return raw ? (JSON.parse(raw) as T) : null;
  }

  private isBuiltIn<T>(of: Collection<T>, id: string): boolean {
    return of.builtIn.some((item) => of.idOf(item) === id);
  }

  private async create<T>(of: Collection<T>, id: string, make: (now: string) => T): Promise<SmsChange<T>> {
    if (this.isBuiltIn(of, id)) return { ok: false, refusal: 'exists' };
    const item = make(new Date(this.clock()).toISOString());
    if (!(await this.kv.set(of.keyOf(id), JSON.stringify(item), { onlyIfAbsent: true }))) return { ok: false, refusal: 'exists' };
    await this.kv.addToSet(of.index, id);
    this.forget(id);
    return { ok: true, before: null, after: item };
  }

  private async replace<T>(of: Collection<T>, id: string, make: (current: T, now: string) => T): Promise<SmsChange<T>> {
    if (this.isBuiltIn(of, id)) return { ok: false, refusal: 'complimentary' };
    for (;;) {
      const raw = await this.kv.get(of.keyOf(id));
      if (!raw) return { ok: false, refusal: 'notFound' };
      const before = JSON.parse(raw) as T;
      const after = make(before, new Date(this.clock()).toISOString());
      if (await this.kv.compareAndSwap(of.keyOf(id), raw, JSON.stringify(after))) {
        this.forget(id);
        return { ok: true, before, after };
      }
    }
  }

  private async delete<T>(of: Collection<T>, id: string): Promise<SmsChange<T>> {
    if (this.isBuiltIn(of, id)) return { ok: false, refusal: 'complimentary' };
    const before = await this.stored(of, id);
    if (!before || !(await this.kv.del(of.keyOf(id)))) return { ok: false, refusal: 'notFound' };
    await this.kv.removeFromSet(of.index, id);
    this.forget(id);
    return { ok: true, before, after: null };
  }

  private forget(id: string): void {
    this.recent.forget(`s:${id}`);
    this.recent.forget(`t:${id}`);
  }
}

function generateTemplateCode(): string {
  let digits = String(randomInt(1, 10));
  for (let i = 0; i < 8; i++) digits += String(randomInt(0, 10));
  return `SMS_${digits}`;
}
