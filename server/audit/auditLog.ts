import { randomBytes } from 'node:crypto';
import type { KeyValueStore } from '../stores/keyValueStore.js';

/** Who made a change: an operator (with its role), or an access key through the vendor-compatible endpoint. */
export interface AuditActor {
  name: string;
  role: string;
}

/** What changed: `action` names the kind of change (`scheme.create`, `policy.update`…), `target` the thing changed. */
export interface AuditChange {
  action: string;
  target: string;
  /** The thing before and after the change (null: it did not exist); never a secret or a token. */
  before: unknown;
  after: unknown;
}

export interface AuditEntry extends AuditChange {
  id: string;
  at: string;
  actor: string;
  role: string;
}

export interface AuditQuery {
  limit: number;
  /** Only entries whose action starts with this (`policy`, `scheme.delete`). */
  action?: string;
  /** Only entries of this target. */
  target?: string;
}

const logKey = 'audit-log';
export const AUDIT_LOG_MAX_ENTRIES = 50_000;

/**
 * Every change an operator makes, in one capped list, oldest first: who, when, what, and the
 * thing before and after. Read newest first.
 */
export class AuditLog {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly clock: () => number,
  ) {}

  async record(actor: AuditActor, change: AuditChange): Promise<AuditEntry> {
    const entry: AuditEntry = {
      id: randomBytes(9).toString('base64url'),
      at: new Date(this.clock()).toISOString(),
      actor: actor.name,
      role: actor.role,
      ...change,
    };
    await this.kv.appendCapped(logKey, JSON.stringify(entry), AUDIT_LOG_MAX_ENTRIES);
    return entry;
  }

  async list(query: AuditQuery): Promise<AuditEntry[]> {
    const entries: AuditEntry[] = [];
    const stored = await this.kv.listRange(logKey);
    for (let i = stored.length - 1; i >= 0 && entries.length < query.limit; i--) {
      const entry = JSON.parse(stored[i]!) as AuditEntry;
      if (query.action !== undefined && entry.action !== query.action && !entry.action.startsWith(`${query.action}.`)) continue;
      if (query.target !== undefined && entry.target !== query.target) continue;
      entries.push(entry);
    }
    return entries;
  }
}
