import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { KeyValueStore } from '../../server/stores/keyValueStore.js';
import { MemoryKeyValueStore } from '../../server/stores/memory/memoryKeyValueStore.js';
import { createRedisStorage } from '../../server/stores/redis/createRedisStorage.js';
import type { Storage } from '../../server/stores/storage.js';
import { WebhookRepository, type WebhookAttempt } from '../../server/webhooks/webhookRepository.js';

const serverSecret = 'server-secret-0123456789abcdefghijklmnop';
const scheme = 'FA000000000000001';

const redisStorages: Storage[] = [];
afterAll(async () => {
  await Promise.all(redisStorages.map((storage) => storage.close()));
});

/** The same behaviour in memory and on Redis (each Redis test under its own key prefix). */
const stores: Array<[string, (clock: () => number) => KeyValueStore]> = [
  ['memory', (clock) => new MemoryKeyValueStore(clock)],
  [
    'redis',
    () => {
      const storage = createRedisStorage({ url: inject('redisUrl'), keyPrefix: `t-${randomUUID()}:` });
      redisStorages.push(storage);
      return storage.kv;
    },
  ],
];

const attempt = (n: number, ok = true): WebhookAttempt => ({
  eventId: `wh-s${n}-2`,
  type: 'session.verified',
  attempt: 1,
  ok,
  httpStatus: ok ? 200 : 500,
  durationMs: 3,
  at: new Date(n * 1000).toISOString(),
});

describe.each(stores)('WebhookRepository (%s)', (_name, createKv) => {
  function setup() {
    let now = Date.parse('2025-01-01T00:00:00Z');
    const clock = () => now;
    const kv = createKv(clock);
    const repository = new WebhookRepository(kv, serverSecret, clock);
    return { kv, repository, advance: (ms: number) => (now += ms) };
  }

  it('registers a URL with a generated secret, shown once and stored encrypted', async () => {
    const { kv, repository } = setup();
    const { webhook, secret } = await repository.register(scheme, { url: 'https://app.example/hooks' });
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 bytes, base64url
    expect(webhook).toEqual({
      schemeCode: scheme,
      url: 'https://app.example/hooks',
      enabled: true,
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-01T00:00:00.000Z',
    });
    expect(await repository.get(scheme)).toEqual(webhook);
    expect(await repository.secretOf(scheme)).toBe(secret);
    expect(await repository.signingSecrets(scheme)).toEqual([secret]);
    expect(await kv.get(`webhook:${scheme}`)).not.toContain(secret!);
    expect(await repository.get('FA999')).toBeNull();
    expect(await repository.secretOf('FA999')).toBeNull();
    expect(await repository.signingSecrets('FA999')).toEqual([]);
  });

  it('takes a given secret; a new URL keeps the secret (not shown again) and createdAt', async () => {
    const { repository, advance } = setup();
    const first = await repository.register(scheme, { url: 'https://a.example/h', secret: 'my-own-secret-0123456789' });
    expect(first.secret).toBe('my-own-secret-0123456789');
    advance(1000);
    const second = await repository.register(scheme, { url: 'https://b.example/h', enabled: false });
    expect(second.secret).toBeUndefined();
    expect(second.webhook).toMatchObject({
      url: 'https://b.example/h',
      enabled: false,
      createdAt: first.webhook.createdAt,
      updatedAt: '2025-01-01T00:00:01.000Z',
    });
    expect(await repository.signingSecrets(scheme)).toEqual(['my-own-secret-0123456789']);
    expect((await repository.setEnabled(scheme, true))?.enabled).toBe(true);
    expect(await repository.setEnabled('FA999', true)).toBeNull();
  });

  it('rotates: the old secret keeps signing next to the new one for the grace period', async () => {
    const { repository, advance } = setup();
    const { secret: old } = await repository.register(scheme, { url: 'https://a.example/h' });
    const rotated = await repository.register(scheme, { url: 'https://a.example/h', rotateSecret: true });
    expect(rotated.secret).toBeDefined();
    expect(rotated.secret).not.toBe(old);
    expect(rotated.webhook.previousSecretExpiresAt).toBe('2025-01-02T00:00:00.000Z');
    expect(await repository.signingSecrets(scheme)).toEqual([rotated.secret, old]);
    expect(await repository.secretOf(scheme)).toBe(rotated.secret);
    // An unrelated change keeps the rotation going.
    advance(60_000);
    await repository.register(scheme, { url: 'https://c.example/h' });
    expect(await repository.signingSecrets(scheme)).toEqual([rotated.secret, old]);
    advance(24 * 60 * 60 * 1000);
    expect(await repository.signingSecrets(scheme)).toEqual([rotated.secret]);
    expect((await repository.get(scheme))?.previousSecretExpiresAt).toBeUndefined();
    // Giving the current secret again is no rotation.
    await repository.register(scheme, { url: 'https://c.example/h', secret: rotated.secret! });
    expect(await repository.signingSecrets(scheme)).toEqual([rotated.secret]);
  });

  it('keeps the last 50 attempts, newest first, and removes them with the webhook', async () => {
    const { repository } = setup();
    await repository.register(scheme, { url: 'https://a.example/h' });
    expect(await repository.attempts(scheme)).toEqual([]);
    for (let n = 1; n <= 55; n++) await repository.recordAttempt(scheme, attempt(n, n % 2 === 0));
    const attempts = await repository.attempts(scheme);
    expect(attempts).toHaveLength(50);
    expect(attempts[0]).toEqual(attempt(55, false));
    expect(attempts[49]).toEqual(attempt(6, true));

    expect(await repository.remove(scheme)).toBe(true);
    expect(await repository.get(scheme)).toBeNull();
    expect(await repository.attempts(scheme)).toEqual([]);
    expect(await repository.remove(scheme)).toBe(false);
  });
});
