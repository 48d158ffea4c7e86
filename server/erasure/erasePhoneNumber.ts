import type { RateLimits } from '../limits/rateLimits.js';
import type { PhoneListRepository } from '../risk/phoneListRepository.js';
import type { SchemeRepository } from '../schemes/schemeRepository.js';
import type { Storage } from '../stores/storage.js';

export interface ErasureReport {
  /** Sessions whose record or log held the number: deleted with their logs and traces. */
  sessions: number;
  /** Keys named after the number: SMS code state, daily counters, risk counters, rate limits, simulator messages. */
  keys: number;
  /** Deny and allow list entries that were the number. */
  listEntries: number;
}

export interface ErasureDeps {
  storage: Storage;
  schemes: SchemeRepository;
  phoneLists: PhoneListRepository;
  limits: RateLimits;
}

const sessionBatch = 50;

/**
 * Deletes everything numberflow keeps about one (normalized) phone number, as a data-protection
 * request asks (GDPR art. 17, PIPL art. 47): the sessions that name it anywhere in their record or
 * log, every key named after it, its code-check lock, and list entries that are exactly it.
 * A digit run is matched whole, so a longer number or a scheme code that contains it is kept.
 */
export async function erasePhoneNumber(phoneNumber: string, deps: ErasureDeps): Promise<ErasureReport> {
  const digits = phoneNumber.replace(/^\+/, '');
  const whole = new RegExp(`(^|[^0-9])${digits}([^0-9]|$)`);

  let sessions = 0;
  const ids = await deps.storage.sessions.allIds();
  for (let i = 0; i < ids.length; i += sessionBatch) {
    const found = await Promise.all(
      ids.slice(i, i + sessionBatch).map(async (id) => {
        const [record, log] = await Promise.all([deps.storage.sessions.load(id), deps.storage.sessions.readLog(id)]);
        return record && whole.test(JSON.stringify(record) + JSON.stringify(log)) ? id : null;
      }),
    );
    for (const id of found) {
      if (id === null) continue;
      await deps.storage.sessions.delete(id);
      sessions++;
    }
  }

  await deps.limits.liftCodeCheckLock(phoneNumber);
  const keys = (await deps.storage.kv.keysContaining(digits)).filter((key) => whole.test(key));
  for (const key of keys) await deps.storage.kv.del(key);

  let listEntries = 0;
  for (const scheme of await deps.schemes.list()) {
    const lists = await deps.phoneLists.get(scheme.code);
    const kept = { deny: lists.deny.filter((e) => e !== phoneNumber), allow: lists.allow.filter((e) => e !== phoneNumber) };
    const removed = lists.deny.length + lists.allow.length - kept.deny.length - kept.allow.length;
    if (removed === 0) continue;
    await deps.phoneLists.put(scheme.code, kept);
    listEntries += removed;
  }
  return { sessions, keys: keys.length, listEntries };
}
