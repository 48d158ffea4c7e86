import type { KeyValueStore } from '../stores/keyValueStore.js';
import { RecentReads } from '../stores/recentReads.js';

/** A scheme's phone lists: normalized numbers (`13812345678`, `+85291234567`) or prefixes (`170`, `1381234`). */
export interface PhoneLists {
  deny: string[];
  allow: string[];
}

/** Which list entry a number matched, if any: the longest matching entry of each list. */
export interface PhoneListMatch {
  deny?: string;
  allow?: string;
}

const keyOf = (schemeCode: string) => `phone-lists:${schemeCode}`;

/** Deny and allow lists per scheme, in the key-value store (one document per scheme). */
export class PhoneListRepository {
  private readonly recent = new RecentReads<PhoneLists>();

  constructor(private readonly kv: KeyValueStore) {}

  async get(schemeCode: string): Promise<PhoneLists> {
    const raw = await this.kv.get(keyOf(schemeCode));
    if (!raw) return { deny: [], allow: [] };
    const lists = JSON.parse(raw) as Partial<PhoneLists>;
    return { deny: lists.deny ?? [], allow: lists.allow ?? [] };
  }

  /** Replaces both lists (deduplicated, sorted). */
  async put(schemeCode: string, lists: PhoneLists): Promise<PhoneLists> {
    const saved = { deny: tidy(lists.deny), allow: tidy(lists.allow) };
    await this.kv.set(keyOf(schemeCode), JSON.stringify(saved));
    this.recent.forget(schemeCode);
    return saved;
  }

  async delete(schemeCode: string): Promise<void> {
    await this.kv.del(keyOf(schemeCode));
    this.recent.forget(schemeCode);
  }

  /** Which entries a number matches; the lists as read within the last second (they are read on every session's hot path). */
  async match(schemeCode: string, phoneNumber: string): Promise<PhoneListMatch> {
    const lists = await this.recent.get(schemeCode, () => this.get(schemeCode));
    const deny = longestMatch(lists.deny, phoneNumber);
    const allow = longestMatch(lists.allow, phoneNumber);
    return { ...(deny ? { deny } : {}), ...(allow ? { allow } : {}) };
  }
}

function tidy(entries: string[]): string[] {
  return [...new Set(entries)].sort();
}

function longestMatch(entries: string[], phoneNumber: string): string | undefined {
  let best: string | undefined;
  for (const entry of entries) if (phoneNumber.startsWith(entry) && (!best || entry.length > best.length)) best = entry;
  return best;
}
