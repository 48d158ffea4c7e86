import { createHmac, randomBytes } from 'node:crypto';
import type { KeyValueStore } from '../stores/keyValueStore.js';
import type { OperatorRole } from './operatorRoles.js';

export interface Operator {
  name: string;
  role: OperatorRole;
  enabled: boolean;
  createdAt: string;
  /** The operator `ADMIN_TOKEN` stands for: not stored, cannot be changed or deleted. */
  bootstrap?: true;
}

interface StoredOperator extends Omit<Operator, 'bootstrap'> {
  /** HMAC-SHA256 of the operator's token under the server secret: the token itself is never stored. */
  tokenDigest: string;
}

/** The name `ADMIN_TOKEN` signs in as; no stored operator may take it. */
export const bootstrapOperatorName = 'admin';

const indexKey = 'operators';
const keyOf = (name: string) => `operator:${name}`;
const tokenKey = (digest: string) => `operator-token:${digest}`;

/** Named operators of the console and the operator API, each with a role and a token of their own. */
export class OperatorRepository {
  private readonly digestKey: string;

  constructor(
    private readonly kv: KeyValueStore,
    serverSecret: string,
    private readonly clock: () => number,
  ) {
    this.digestKey = `operator-token\0${serverSecret}`;
  }

  /** A new operator and its token, shown this once; null if the name is taken. */
  async create(name: string, role: OperatorRole): Promise<{ operator: Operator; token: string } | null> {
    if (name === bootstrapOperatorName) return null;
    const token = newToken();
    const stored: StoredOperator = { name, role, enabled: true, createdAt: new Date(this.clock()).toISOString(), tokenDigest: this.digest(token) };
    if (!(await this.kv.set(keyOf(name), JSON.stringify(stored), { onlyIfAbsent: true }))) return null;
    await this.kv.set(tokenKey(stored.tokenDigest), name);
    await this.kv.addToSet(indexKey, name);
    return { operator: publicView(stored), token };
  }

  async list(): Promise<Operator[]> {
    const names = (await this.kv.setMembers(indexKey)).sort();
    const operators = await Promise.all(names.map((name) => this.load(name)));
    return operators.filter((o): o is StoredOperator => o !== null).map(publicView);
  }

  async get(name: string): Promise<Operator | null> {
    const stored = await this.load(name);
    return stored ? publicView(stored) : null;
  }

  /** The enabled operator whose token this is. */
  async authenticate(token: string): Promise<Operator | null> {
    const digest = this.digest(token);
    const name = await this.kv.get(tokenKey(digest));
    const stored = name ? await this.load(name) : null;
    // The digest is an index: an operator whose token was replaced keeps no way in through the old one.
    return stored && stored.enabled && stored.tokenDigest === digest ? publicView(stored) : null;
  }

  async update(name: string, change: { role?: OperatorRole; enabled?: boolean }): Promise<Operator | null> {
    return this.change(name, (stored) => ({ ...stored, ...change }));
  }

  /** A new token for the operator; the old one stops working. */
  async replaceToken(name: string): Promise<{ operator: Operator; token: string } | null> {
    const token = newToken();
    let old: string | undefined;
    const operator = await this.change(name, (stored) => {
      old = stored.tokenDigest;
      return { ...stored, tokenDigest: this.digest(token) };
    });
    if (!operator) return null;
    await this.kv.set(tokenKey(this.digest(token)), name);
    if (old) await this.kv.del(tokenKey(old));
    return { operator, token };
  }

  async delete(name: string): Promise<boolean> {
    const stored = await this.load(name);
    if (!stored) return false;
    await this.kv.del(keyOf(name));
    await this.kv.del(tokenKey(stored.tokenDigest));
    await this.kv.removeFromSet(indexKey, name);
    return true;
  }

  private async change(name: string, next: (stored: StoredOperator) => StoredOperator): Promise<Operator | null> {
    for (;;) {
      const raw = await this.kv.get(keyOf(name));
      if (!raw) return null;
      const updated = next(JSON.parse(raw) as StoredOperator);
      if (await this.kv.compareAndSwap(keyOf(name), raw, JSON.stringify(updated))) return publicView(updated);
    }
  }

  private async load(name: string): Promise<StoredOperator | null> {
    const raw = await this.kv.get(keyOf(name));
    return raw ? (JSON.parse(raw) as StoredOperator) : null;
  }

  private digest(token: string): string {
    return createHmac('sha256', this.digestKey).update(token).digest('hex');
  }
}

function newToken(): string {
  return `nfo_${randomBytes(32).toString('base64url')}`;
}

function publicView({ tokenDigest: _digest, ...operator }: StoredOperator): Operator {
  return operator;
}

/** The operator `ADMIN_TOKEN` signs in as. */
export const bootstrapOperator: Operator = { name: bootstrapOperatorName, role: 'admin', enabled: true, createdAt: new Date(0).toISOString(), bootstrap: true };
