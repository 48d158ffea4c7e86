import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AccessKeyRepository } from '../../server/accessKeys/accessKeyRepository.js';
import { createSecretBox } from '../../server/crypto/secretBox.js';
import { MemoryKeyValueStore } from '../../server/stores/memory/memoryKeyValueStore.js';

const serverSecret = 'server-secret-0123456789abcdefghijklmnop';

describe('secretBox', () => {
  it('seals and opens; each seal differs', () => {
    const box = createSecretBox(serverSecret, 'test purpose');
    const a = box.seal('hello ✓');
    const b = box.seal('hello ✓');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[\w-]+\.[\w-]+\.[\w-]*$/);
    expect(a).not.toContain('hello');
    expect(box.open(a)).toBe('hello ✓');
    expect(box.open(box.seal(''))).toBe('');
  });

  it('does not open under another purpose or server secret, nor a tampered or malformed value', () => {
    const sealed = createSecretBox(serverSecret, 'one').seal('secret');
    expect(() => createSecretBox(serverSecret, 'two').open(sealed)).toThrow();
    expect(() => createSecretBox(`${serverSecret}x`, 'one').open(sealed)).toThrow();
    const [iv, tag, body] = sealed.split('.') as [string, string, string];
    const flipped = Buffer.from(body, 'base64url');
    flipped[0]! ^= 1;
    expect(() => createSecretBox(serverSecret, 'one').open([iv, tag, flipped.toString('base64url')].join('.'))).toThrow();
    expect(() => createSecretBox(serverSecret, 'one').open('not-sealed')).toThrow();
    expect(() => createSecretBox(serverSecret, 'one').open('a.b.c')).toThrow();
  });

  it('keeps access-key secrets stored in the earlier format readable', async () => {
    // The format AccessKeyRepository wrote before secretBox existed.
    const key = createHash('sha256').update(`numberflow access-key encryption\0${serverSecret}`).digest();
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([cipher.update('legacy-secret', 'utf8'), cipher.final()]);
    const encryptedSecret = [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');

    const kv = new MemoryKeyValueStore(Date.now);
    await kv.set('access-key:LEGACYKEY1', JSON.stringify({ id: 'LEGACYKEY1', enabled: true, createdAt: new Date().toISOString(), encryptedSecret }));
    await kv.addToSet('access-keys', 'LEGACYKEY1');
    const repository = new AccessKeyRepository(kv, serverSecret, Date.now);
    expect(await repository.signingKeyOf('LEGACYKEY1')).toMatchObject({ secret: 'legacy-secret', key: { manageSchemes: false } });
    expect(await repository.authenticate('LEGACYKEY1', 'legacy-secret')).toMatchObject({ id: 'LEGACYKEY1' });
    expect(await repository.authenticate('LEGACYKEY1', 'wrong')).toBeNull();

    const created = await repository.create({ secret: 'fresh-secret' });
    expect(created).not.toBeNull();
    expect((await repository.signingKeyOf(created!.key.id))?.secret).toBe('fresh-secret');
    expect(JSON.stringify(await repository.list())).not.toContain('fresh-secret');
  });
});
