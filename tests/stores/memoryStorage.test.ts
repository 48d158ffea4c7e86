import { describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../server/stores/memory/createMemoryStorage.js';
import type { SessionLogEntry, SessionRecord } from '../../server/stores/sessionStore.js';
import { describeStorageContract } from './storageContract.js';

function storageWithFakeClock() {
  let now = 1_700_000_000_000;
  const storage = createMemoryStorage({ now: () => now });
  return {
    storage,
    advanceTime: async (ms: number) => {
      now += ms;
    },
  };
}

describeStorageContract('memory', async () => storageWithFakeClock());

describe('memory storage', () => {
  it('says it is the memory kind', async () => {
    const storage = createMemoryStorage();
    expect(storage.kind).toBe('memory');
    await storage.close();
  });

  it('keeps a value for exactly its TTL', async () => {
    const { storage, advanceTime } = storageWithFakeClock();
    await storage.kv.set('token', 'v', { ttlMs: 100 });
    await advanceTime(99);
    expect(await storage.kv.ttlMs('token')).toBe(1);
    expect(await storage.kv.get('token')).toBe('v');
    await advanceTime(1);
    expect(await storage.kv.get('token')).toBeNull();
    await storage.close();
  });

  it('remembers the newest 10,000 session ids', async () => {
    const { storage } = storageWithFakeClock();
    for (let i = 0; i < 10_001; i++) {
      await storage.sessions.write({ record: minimalRecord(`s${i}`, i), expectedVersion: null, previous: null, entries: [initEntry()], ttlMs: 10_000 });
    }
    const recent = await storage.sessions.recentIds(50_000);
    expect(recent).toHaveLength(10_000);
    expect(recent[0]).toBe('s10000');
    expect(recent.at(-1)).toBe('s1');
    await storage.close();
  });
});

function minimalRecord(id: string, createdAt: number): SessionRecord {
  return {
    id,
    schemeCode: 'scheme',
    sceneCode: '100001',
    platform: 'web',
    policyVersion: 'p1',
    version: 1,
    snapshot: { value: 'start', context: {} },
    timers: {},
    pending: [],
    createdAt,
    updatedAt: createdAt,
    expiresAt: createdAt + 10_000,
  };
}

function initEntry(): SessionLogEntry {
  return { version: 1, at: 0, kind: 'init', payload: {}, state: 'start' };
}
