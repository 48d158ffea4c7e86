import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KeyValueStore } from '../../server/stores/keyValueStore.js';
import type { PendingAction, SessionLogEntry, SessionRecord, SessionStore } from '../../server/stores/sessionStore.js';
import type { Storage } from '../../server/stores/storage.js';

export interface StorageUnderTest {
  storage: Storage;
  /** Moves the store's clock forward; without it the contract waits in real time. */
  advanceTime?: (ms: number) => Promise<void>;
}

/**
 * The behaviour every Storage implementation must share. `factory` is called before each
 * test and must return an empty store; the contract closes it after the test.
 */
export function describeStorageContract(name: string, factory: () => Promise<StorageUnderTest>): void {
  describe(`${name} storage contract`, () => {
    let storage: Storage;
    let kv: KeyValueStore;
    let sessions: SessionStore;
    let advanceTime: (ms: number) => Promise<void>;

    beforeEach(async () => {
      const underTest = await factory();
      storage = underTest.storage;
      kv = storage.kv;
      sessions = storage.sessions;
      advanceTime =
        underTest.advanceTime ??
        (async (ms) => {
          await sleep(ms);
        });
    });

    afterEach(async () => {
      await storage.close();
    });

    it('answers ping', async () => {
      await expect(storage.ping()).resolves.toBeUndefined();
    });

    describe('key-value', () => {
      it('gets what was set, and null for a missing key', async () => {
        expect(await kv.get('greeting')).toBeNull();
        expect(await kv.set('greeting', 'hello')).toBe(true);
        expect(await kv.get('greeting')).toBe('hello');
        expect(await kv.set('greeting', 'hi')).toBe(true);
        expect(await kv.get('greeting')).toBe('hi');
      });

      it('with onlyIfAbsent, sets only a missing key', async () => {
        expect(await kv.set('lock', 'first', { onlyIfAbsent: true })).toBe(true);
        expect(await kv.set('lock', 'second', { onlyIfAbsent: true })).toBe(false);
        expect(await kv.get('lock')).toBe('first');
      });

      it('expires a value after its TTL', async () => {
        await kv.set('token', 'v', { ttlMs: 100 });
        expect(await kv.get('token')).toBe('v');
        const remaining = await kv.ttlMs('token');
        expect(remaining).toBeGreaterThan(0);
        expect(remaining).toBeLessThanOrEqual(100);

        await advanceTime(150);
        expect(await kv.get('token')).toBeNull();
        expect(await kv.ttlMs('token')).toBeNull();
        expect(await kv.set('token', 'again', { ttlMs: 100, onlyIfAbsent: true })).toBe(true);
      });

      it('a plain set removes an earlier TTL, as Redis SET does', async () => {
        await kv.set('config', 'a', { ttlMs: 10_000 });
        await kv.set('config', 'b');
        expect(await kv.ttlMs('config')).toBeNull();
        expect(await kv.get('config')).toBe('b');
      });

      it('ttlMs is null for a missing key and for a key without TTL', async () => {
        expect(await kv.ttlMs('missing')).toBeNull();
        await kv.set('forever', 'x');
        expect(await kv.ttlMs('forever')).toBeNull();
      });

      it('getDel returns the value once and deletes it', async () => {
        await kv.set('verify', 'token-1');
        expect(await kv.getDel('verify')).toBe('token-1');
        expect(await kv.getDel('verify')).toBeNull();
        expect(await kv.get('verify')).toBeNull();
        expect(await kv.getDel('never-set')).toBeNull();
      });

      it('getDel hands a value to exactly one of 20 concurrent callers', async () => {
        await kv.set('single-use', 'secret');
        const results = await Promise.all(Array.from({ length: 20 }, () => kv.getDel('single-use')));
        expect(results.filter((result) => result !== null)).toEqual(['secret']);
      });

      it('del reports whether the key existed', async () => {
        await kv.set('doomed', 'x');
        expect(await kv.del('doomed')).toBe(true);
        expect(await kv.del('doomed')).toBe(false);
        expect(await kv.get('doomed')).toBeNull();
      });

      describe('compareAndSwap', () => {
        it('with expected null, creates a missing key and refuses an existing one', async () => {
          expect(await kv.compareAndSwap('state', null, 'one')).toBe(true);
          expect(await kv.get('state')).toBe('one');
          expect(await kv.compareAndSwap('state', null, 'two')).toBe(false);
          expect(await kv.get('state')).toBe('one');
        });

        it('swaps only when the current value is the expected one', async () => {
          await kv.set('state', 'one');
          expect(await kv.compareAndSwap('state', 'stale', 'two')).toBe(false);
          expect(await kv.get('state')).toBe('one');
          expect(await kv.compareAndSwap('state', 'one', 'two')).toBe(true);
          expect(await kv.get('state')).toBe('two');
          expect(await kv.compareAndSwap('absent', 'one', 'two')).toBe(false);
          expect(await kv.get('absent')).toBeNull();
        });

        it('with value null, deletes the key', async () => {
          await kv.set('state', 'one');
          expect(await kv.compareAndSwap('state', 'one', null)).toBe(true);
          expect(await kv.get('state')).toBeNull();
          expect(await kv.compareAndSwap('state', 'one', null)).toBe(false);
        });

        it('gives the new value its ttlMs, and keeps the current TTL when none is given', async () => {
          await kv.compareAndSwap('state', null, 'one', 10_000);
          const first = await kv.ttlMs('state');
          expect(first).toBeGreaterThan(9_000);
          expect(first).toBeLessThanOrEqual(10_000);

          await kv.compareAndSwap('state', 'one', 'two');
          const kept = await kv.ttlMs('state');
          expect(kept).toBeGreaterThan(0);
          expect(kept).toBeLessThanOrEqual(10_000);

          await kv.compareAndSwap('state', 'two', 'three', 60_000);
          expect(await kv.ttlMs('state')).toBeGreaterThan(10_000);

          await kv.set('no-ttl', 'a');
          await kv.compareAndSwap('no-ttl', 'a', 'b');
          expect(await kv.ttlMs('no-ttl')).toBeNull();
        });

        it('lets exactly one of 20 concurrent swaps from the same value win', async () => {
          await kv.set('state', 'start');
          const results = await Promise.all(Array.from({ length: 20 }, (_, i) => kv.compareAndSwap('state', 'start', `writer-${i}`)));
          const winners = results.flatMap((won, i) => (won ? [i] : []));
          expect(winners).toHaveLength(1);
          expect(await kv.get('state')).toBe(`writer-${winners[0]}`);
        });
      });

      describe('increment', () => {
        it('creates a counter at `by` and adds to it', async () => {
          expect(await kv.increment('tries', 1, 10_000)).toBe(1);
          expect(await kv.increment('tries', 2, 10_000)).toBe(3);
          expect(await kv.increment('tries', -5, 10_000)).toBe(-2);
          expect(await kv.get('tries')).toBe('-2');
        });

        it('sets the TTL only when it creates the counter', async () => {
          await kv.increment('daily', 1, 10_000);
          await kv.increment('daily', 1, 60_000);
          const remaining = await kv.ttlMs('daily');
          expect(remaining).toBeGreaterThan(0);
          expect(remaining).toBeLessThanOrEqual(10_000);
        });

        it('starts again from zero once the counter expired', async () => {
          await kv.increment('window', 5, 100);
          await advanceTime(150);
          expect(await kv.increment('window', 1, 100)).toBe(1);
        });

        it('counts every one of 50 concurrent increments', async () => {
          const results = await Promise.all(Array.from({ length: 50 }, () => kv.increment('hits', 1, 10_000)));
          expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
          expect(await kv.get('hits')).toBe('50');
        });

        it('rejects a non-integer increment', async () => {
          await expect(kv.increment('tries', 1.5, 10_000)).rejects.toThrow();
        });
      });

      describe('capped lists', () => {
        it('keeps the newest maxLength entries, oldest first', async () => {
          for (const value of ['a', 'b', 'c', 'd', 'e']) await kv.appendCapped('outbox', value, 3);
          expect(await kv.listRange('outbox')).toEqual(['c', 'd', 'e']);
          expect(await kv.ttlMs('outbox')).toBeNull();
        });

        it('applies ttlMs when given and keeps it otherwise', async () => {
          await kv.appendCapped('outbox', 'a', 10, 10_000);
          await kv.appendCapped('outbox', 'b', 10);
          const remaining = await kv.ttlMs('outbox');
          expect(remaining).toBeGreaterThan(0);
          expect(remaining).toBeLessThanOrEqual(10_000);
          expect(await kv.listRange('outbox')).toEqual(['a', 'b']);
        });

        it('reads a missing list as empty', async () => {
          expect(await kv.listRange('nothing')).toEqual([]);
        });
      });

      describe('sets', () => {
        it('adds members once, removes them, and reads a missing set as empty', async () => {
          expect(await kv.setMembers('schemes')).toEqual([]);
          await kv.addToSet('schemes', 'b');
          await kv.addToSet('schemes', 'a');
          await kv.addToSet('schemes', 'b');
          expect((await kv.setMembers('schemes')).sort()).toEqual(['a', 'b']);

          await kv.removeFromSet('schemes', 'b');
          await kv.removeFromSet('schemes', 'not-a-member');
          expect(await kv.setMembers('schemes')).toEqual(['a']);
          await kv.removeFromSet('schemes', 'a');
          expect(await kv.setMembers('schemes')).toEqual([]);
        });
      });

      it('counts events of a subject in fixed windows of several lengths, in one key', async () => {
        expect(await kv.countInWindows('subject', [1_000, 60_000], true)).toEqual([1, 1]);
        expect(await kv.countInWindows('subject', [1_000, 60_000], true)).toEqual([2, 2]);
        expect(await kv.countInWindows('subject', [1_000, 60_000], false)).toEqual([2, 2]);
        expect(await kv.countInWindows('nobody', [1_000], false)).toEqual([0]);
        await advanceTime(1_100);
        // The short window ended; the next event starts a new one, the long one goes on.
        expect(await kv.countInWindows('subject', [1_000, 60_000], true)).toEqual([1, 3]);
        expect(await kv.ttlMs('subject')).toBeGreaterThan(55_000);
      });

      it('refuses to read one kind of value as another', async () => {
        await kv.appendCapped('a-list', 'x', 10);
        await expect(kv.get('a-list')).rejects.toThrow(/WRONGTYPE/);
        await kv.addToSet('a-set', 'x');
        await expect(kv.listRange('a-set')).rejects.toThrow(/WRONGTYPE/);
      });
    });

    describe('sessions', () => {
      const create = (record: SessionRecord, entries: SessionLogEntry[], ttlMs = 10_000) =>
        sessions.write({ record, expectedVersion: null, previous: null, entries, ttlMs });
      const update = (previous: SessionRecord, next: SessionRecord, entries: SessionLogEntry[], ttlMs = 10_000) =>
        sessions.write({ record: next, expectedVersion: previous.version, previous, entries, ttlMs });

      it('creates a session once and loads it with its log', async () => {
        const record = sessionRecord('s1', 1);
        expect(await create(record, [logEntry(1, 'init')])).toEqual({ ok: true });
        expect(await sessions.load('s1')).toEqual(record);
        expect(await sessions.readLog('s1')).toEqual([logEntry(1, 'init')]);

        const impostor = { ...sessionRecord('s1', 1), schemeCode: 'other' };
        expect(await create(impostor, [logEntry(1, 'init', { other: true })])).toEqual({ ok: false, currentVersion: 1 });
        expect(await sessions.load('s1')).toEqual(record);
        expect(await sessions.readLog('s1')).toEqual([logEntry(1, 'init')]);
      });

      it('loads null and an empty log for an unknown session', async () => {
        expect(await sessions.load('nobody')).toBeNull();
        expect(await sessions.readLog('nobody')).toEqual([]);
      });

      it('compare-and-set with the current version writes the record and appends the entries', async () => {
        const first = sessionRecord('s1', 1);
        await create(first, [logEntry(1, 'init')]);
        const next = sessionRecord('s1', 3, { snapshot: { value: 'sms', context: {} } });

        expect(await update(first, next, [logEntry(2, 'event'), logEntry(3, 'effect')])).toEqual({ ok: true });
        expect(await sessions.load('s1')).toEqual(next);
        expect(await sessions.readLog('s1')).toEqual([logEntry(1, 'init'), logEntry(2, 'event'), logEntry(3, 'effect')]);
      });

      it('compare-and-set with a stale version changes nothing and reports the current version', async () => {
        const first = sessionRecord('s1', 1);
        await create(first, [logEntry(1, 'init')]);
        await update(first, sessionRecord('s1', 2), [logEntry(2, 'event')]);

        const stale = sessionRecord('s1', 2, { snapshot: { value: 'stale', context: {} } });
        expect(await update(first, stale, [logEntry(2, 'event', { stale: true })])).toEqual({ ok: false, currentVersion: 2 });
        expect(await sessions.load('s1')).toEqual(sessionRecord('s1', 2));
        expect(await sessions.readLog('s1')).toEqual([logEntry(1, 'init'), logEntry(2, 'event')]);
      });

      it('compare-and-set on an unknown session fails with currentVersion null and creates nothing', async () => {
        const result = await update(sessionRecord('ghost', 1), sessionRecord('ghost', 2), [logEntry(2, 'event')]);
        expect(result).toEqual({ ok: false, currentVersion: null });
        expect(await sessions.load('ghost')).toBeNull();
        expect(await sessions.readLog('ghost')).toEqual([]);
        expect(await sessions.dueSessions(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
      });

      it('lets exactly one of 50 concurrent compare-and-sets on the same version win', async () => {
        const first = sessionRecord('s1', 1);
        await create(first, [logEntry(1, 'init')]);
        const attempts = Array.from({ length: 50 }, (_, i) =>
          update(first, sessionRecord('s1', 2, { snapshot: { value: 'x', context: { writer: i } } }), [logEntry(2, 'event', { writer: i })]),
        );
        const results = await Promise.all(attempts);

        const winners = results.flatMap((result, i) => (result.ok ? [i] : []));
        expect(winners).toHaveLength(1);
        expect(results.filter((result) => !result.ok)).toEqual(Array.from({ length: 49 }, () => ({ ok: false, currentVersion: 2 })));
        const winner = winners[0];
        expect(await sessions.load('s1')).toEqual(sessionRecord('s1', 2, { snapshot: { value: 'x', context: { writer: winner } } }));
        expect(await sessions.readLog('s1')).toEqual([logEntry(1, 'init'), logEntry(2, 'event', { writer: winner })]);
      });

      it('keeps its own copies: changing a written or loaded record changes nothing stored', async () => {
        const record = sessionRecord('s1', 1, { snapshot: { value: 'start', context: {} } });
        const entry = logEntry(1, 'init');
        await create(record, [entry]);
        record.snapshot.value = 'changed after create';
        entry.payload.changed = true;

        const loaded = await sessions.load('s1');
        loaded!.snapshot.value = 'changed after load';
        (await sessions.readLog('s1'))[0]!.payload.changed = true;

        expect(await sessions.load('s1')).toEqual(sessionRecord('s1', 1, { snapshot: { value: 'start', context: {} } }));
        expect(await sessions.readLog('s1')).toEqual([logEntry(1, 'init')]);
      });

      it('rejects writes whose versions do not follow on', async () => {
        const first = sessionRecord('s1', 1);
        await create(first, [logEntry(1, 'init')]);
        await expect(update(first, sessionRecord('s1', 3), [logEntry(3, 'event')])).rejects.toThrow(RangeError);
        await expect(update(first, sessionRecord('s1', 2), [logEntry(5, 'event')])).rejects.toThrow(RangeError);
        await expect(update(first, sessionRecord('s1', 2), [])).rejects.toThrow(RangeError);
        await expect(create(sessionRecord('s2', 1), [logEntry(2, 'init')])).rejects.toThrow(RangeError);
        expect(await sessions.load('s1')).toEqual(sessionRecord('s1', 1));
      });

      it('forgets an expired session, record and log, so its id can be used again', async () => {
        const first = sessionRecord('s1', 1);
        await create(first, [logEntry(1, 'init')], 100);
        await advanceTime(150);

        expect(await sessions.load('s1')).toBeNull();
        expect(await sessions.readLog('s1')).toEqual([]);
        expect(await update(first, sessionRecord('s1', 2), [logEntry(2, 'event')], 100)).toEqual({ ok: false, currentVersion: null });
        expect(await create(sessionRecord('s1', 1), [logEntry(1, 'init', { again: true })])).toEqual({ ok: true });
        expect(await sessions.readLog('s1')).toEqual([logEntry(1, 'init', { again: true })]);
      });

      it('extends the TTL with every compare-and-set', async () => {
        const first = sessionRecord('s1', 1);
        await create(first, [logEntry(1, 'init')], 300);
        await advanceTime(200);
        expect(await update(first, sessionRecord('s1', 2), [logEntry(2, 'event')], 300)).toEqual({ ok: true });
        await advanceTime(200);
        expect(await sessions.load('s1')).toEqual(sessionRecord('s1', 2));
        expect(await sessions.readLog('s1')).toHaveLength(2);
        await advanceTime(150);
        expect(await sessions.load('s1')).toBeNull();
        expect(await sessions.readLog('s1')).toEqual([]);
      });

      it('lists recent session ids newest first', async () => {
        await create(sessionRecord('older', 1, { createdAt: 1_000 }), [logEntry(1, 'init')]);
        await create(sessionRecord('newest', 1, { createdAt: 3_000 }), [logEntry(1, 'init')]);
        await create(sessionRecord('middle', 1, { createdAt: 2_000 }), [logEntry(1, 'init')]);

        expect(await sessions.recentIds(10)).toEqual(['newest', 'middle', 'older']);
        expect(await sessions.recentIds(2)).toEqual(['newest', 'middle']);
        expect(await sessions.recentIds(0)).toEqual([]);
      });

      it('indexes a session by its earliest timer, in the same write, and finds it when it is due', async () => {
        const first = sessionRecord('s1', 1, { timers: { 'xstate.after.a.x': 5_000, 'xstate.after.b.x': 2_000 } });
        await create(first, [logEntry(1, 'init')]);
        await create(sessionRecord('s2', 1, { timers: {} }), [logEntry(1, 'init')]);
        expect(await sessions.dueSessions(1_999, 10)).toEqual([]);
        expect(await sessions.dueSessions(2_000, 10)).toEqual(['s1']);

        const moved = sessionRecord('s1', 2, { timers: { 'xstate.after.a.x': 5_000 } });
        await update(first, moved, [logEntry(2, 'event')]);
        expect(await sessions.dueSessions(4_999, 10)).toEqual([]);
        expect(await sessions.dueSessions(5_000, 10)).toEqual(['s1']);

        await update(moved, sessionRecord('s1', 3, { timers: {} }), [logEntry(3, 'event')]);
        expect(await sessions.dueSessions(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
      });

      it('a write that loses its compare-and-set leaves the indexes as they were', async () => {
        const first = sessionRecord('s1', 1, { timers: { 'xstate.after.a.x': 5_000 }, pending: [] });
        await create(first, [logEntry(1, 'init')]);
        await update(first, sessionRecord('s1', 2, { timers: { 'xstate.after.a.x': 5_000 }, pending: [] }), [logEntry(2, 'event')]);
        const lost = await update(first, sessionRecord('s1', 2, { timers: {}, pending: [pendingAction('s1', 2, 100)] }), [logEntry(2, 'event')]);
        expect(lost.ok).toBe(false);
        expect(await sessions.dueSessions(5_000, 10)).toEqual(['s1']);
        expect(await sessions.staleWork(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
      });

      it('indexes a session with work in its outbox by its oldest action, and forgets a session on request', async () => {
        const first = sessionRecord('s1', 1, { pending: [pendingAction('s1', 1, 300), pendingAction('s1', 1, 200)] });
        await create(first, [logEntry(1, 'init')]);
        expect(await sessions.staleWork(199, 10)).toEqual([]);
        expect(await sessions.staleWork(200, 10)).toEqual(['s1']);

        const done = sessionRecord('s1', 2, { pending: [] });
        await update(first, done, [logEntry(2, 'event')]);
        expect(await sessions.staleWork(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);

        await update(done, sessionRecord('s1', 3, { pending: [pendingAction('s1', 3, 400)], timers: { 'xstate.after.a.x': 1 } }), [logEntry(3, 'event')]);
        await sessions.forget('s1');
        expect(await sessions.staleWork(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
        expect(await sessions.dueSessions(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
      });

      it('finds due sessions across many ids, up to the limit', async () => {
        for (let i = 0; i < 30; i++) await create(sessionRecord(`due-${i}`, 1, { timers: { 'xstate.after.a.x': 1_000 + i } }), [logEntry(1, 'init')]);
        expect(new Set(await sessions.dueSessions(1_000 + 29, 100))).toEqual(new Set(Array.from({ length: 30 }, (_, i) => `due-${i}`)));
        expect(await sessions.dueSessions(1_000 + 29, 7)).toHaveLength(7);
      });
    });
  });
}

function pendingAction(sessionId: string, version: number, createdAt: number): PendingAction {
  return { id: `${sessionId}-${version}-${createdAt}`, type: 'sendSmsCode', params: { phoneNumber: '13812341234' }, createdAt };
}

function sessionRecord(id: string, version: number, overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id,
    schemeCode: 'FC100000000000001',
    sceneCode: '100001',
    platform: 'web',
    policyVersion: 'p1',
    version,
    snapshot: { value: { numberAuth: 'waiting' }, context: { attempts: version } },
    timers: { 'xstate.after.timeout.session': 1_700_000_060_000 },
    pending: [{ id: `${id}-${version}-0`, type: 'sendSmsCode', params: { phoneNumber: '13812341234' }, createdAt: 1_700_000_000_000 + version }],
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000 + version,
    expiresAt: 1_700_000_600_000,
    ...overrides,
  };
}

function logEntry(version: number, kind: SessionLogEntry['kind'], payload: Record<string, unknown> = {}): SessionLogEntry {
  return {
    version,
    at: 1_700_000_000_000 + version,
    kind,
    payload: { type: kind === 'init' ? 'xstate.init' : 'NUMBER_AUTH_TOKEN', ...payload },
    state: { numberAuth: version === 1 ? 'waiting' : 'verifying' },
  };
}
