import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { operatorAccess } from '../../server/http/authentication.js';
import { AuditLog } from '../../server/audit/auditLog.js';
import { errorHandler } from '../../server/http/errorHandler.js';
import { OperatorRepository } from '../../server/operators/operatorRepository.js';
import { webhookRoutes } from '../../server/http/routes/webhookRoutes.js';
import { SchemeRepository } from '../../server/schemes/schemeRepository.js';
import { createMemoryStorage } from '../../server/stores/memory/createMemoryStorage.js';
import type { Storage } from '../../server/stores/storage.js';
import { WebhookDelivery } from '../../server/webhooks/webhookDelivery.js';
import { sessionWebhookEvent } from '../../server/webhooks/webhookEvent.js';
import { WebhookRepository } from '../../server/webhooks/webhookRepository.js';
import { startWebhookReceiver } from './webhookReceiver.js';

const adminToken = 'admin-token-for-webhook-tests-0123';
const android = { name: 'Shop', platform: 'Android', packageName: 'com.shop.app', packageSign: 'abcdefabcdefabcdefabcdefabcdef12' } as const;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function startApp({ production = false } = {}) {
  const storage: Storage = createMemoryStorage();
  const schemes = new SchemeRepository(storage.kv, Date.now);
  const repository = new WebhookRepository(storage.kv, 'server-secret-0123456789abcdefghijklmnop', Date.now);
  const scheme = await schemes.create({ ...android, code: 'FA100000000000001' });
  const app = express();
  app.use(express.json());
  app.use('/v1/admin', operatorAccess({ operators: new OperatorRepository(storage.kv, 'server-secret-0123456789abcdefghijklmnop', Date.now), adminToken }));
  app.use(webhookRoutes({ repository, schemes, audit: new AuditLog(storage.kv, Date.now), production }));
  app.use(errorHandler(pino({ level: 'silent' })));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  cleanups.push(async () => {
    await new Promise((resolve) => server.close(resolve));
    await storage.close();
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const call = async (method: string, path: string, body?: unknown, token: string | null = adminToken) => {
    const response = await fetch(base + path, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  return { call, repository, code: scheme!.code, path: `/v1/admin/schemes/${scheme!.code}/webhook` };
}

describe('operator API: a scheme’s webhook', () => {
  it('registers with a secret shown once, reads without it, deletes', async () => {
    const { call, path } = await startApp();
    expect((await call('GET', path)).status).toBe(404);

    const put = await call('PUT', path, { url: 'https://app.example/numberflow' });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({
      url: 'https://app.example/numberflow',
      enabled: true,
      secret: expect.stringMatching(/^[\w-]{43}$/),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });

    const got = await call('GET', path);
    expect(got.status).toBe(200);
    expect(got.body).toEqual({
      url: 'https://app.example/numberflow',
      enabled: true,
      createdAt: put.body.createdAt,
      updatedAt: put.body.updatedAt,
      deliveryStatus: 'none',
      recentAttempts: [],
    });
    expect(JSON.stringify(got.body)).not.toContain(put.body.secret);

    // Changing the URL keeps the secret and does not show it again.
    const moved = await call('PUT', path, { url: 'https://app.example/v2/numberflow' });
    expect(moved.status).toBe(200);
    expect(moved.body.secret).toBeUndefined();
    expect(moved.body.url).toBe('https://app.example/v2/numberflow');

    expect((await call('DELETE', path)).status).toBe(204);
    const gone = await call('GET', path);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('WEBHOOK_NOT_FOUND');
    expect((await call('DELETE', path)).status).toBe(404);
  });

  it('takes the operator’s secret, rotates on request, can be disabled', async () => {
    const { call, path, repository, code } = await startApp();
    const given = await call('PUT', path, { url: 'http://127.0.0.1:9999/hook', secret: 'operator-chosen-secret-0123' });
    expect(given.body.secret).toBe('operator-chosen-secret-0123');
    const rotated = await call('PUT', path, { url: 'http://127.0.0.1:9999/hook', rotateSecret: true, enabled: false });
    expect(rotated.body).toMatchObject({ enabled: false, previousSecretExpiresAt: expect.any(String) });
    expect(rotated.body.secret).toMatch(/^[\w-]{43}$/);
    expect(await repository.signingSecrets(code)).toEqual([rotated.body.secret, 'operator-chosen-secret-0123']);
    expect((await call('PUT', path, { url: 'http://127.0.0.1:9999/hook', secret: 'operator-chosen-secret-0123', rotateSecret: true })).status).toBe(400);
  });

  it('shows recent attempts, newest first, and the delivery status', async () => {
    const { call, path, repository, code } = await startApp();
    const { body } = await call('PUT', path, { url: 'http://127.0.0.1:9/placeholder' });
    const receiver = await startWebhookReceiver({ secret: body.secret });
    cleanups.push(() => receiver.close());
    await call('PUT', path, { url: receiver.url });
    const delivery = new WebhookDelivery({ repository, clock: Date.now });
    const event = sessionWebhookEvent({
      sessionId: 'sessX1234567',
      version: 3,
      schemeCode: code,
      sceneCode: '100001',
      status: 'verified',
      method: 'numberAuth',
      at: Date.now(),
    })!;

    receiver.failNext(1);
    await expect(delivery.deliver(code, event, { attempt: 1 })).rejects.toThrow();
    expect((await call('GET', path)).body).toMatchObject({
      deliveryStatus: 'failing',
      recentAttempts: [{ attempt: 1, ok: false, httpStatus: 500, error: 'HTTP 500' }],
    });
    await delivery.deliver(code, event, { attempt: 2 });
    const shown = (await call('GET', path)).body;
    expect(shown.deliveryStatus).toBe('ok');
    expect(shown.recentAttempts.map((a: { attempt: number; ok: boolean; eventId: string; type: string }) => [a.attempt, a.ok, a.eventId, a.type])).toEqual([
      [2, true, event.id, 'session.verified'],
      [1, false, event.id, 'session.verified'],
    ]);
  });

  it.each([
    ['no URL', {}],
    ['a relative URL', { url: '/hook' }],
    ['not a URL', { url: 'not a url' }],
    ['an ftp URL', { url: 'ftp://app.example/hook' }],
    ['a javascript: URL', { url: 'javascript:alert(1)' }],
    ['a URL with credentials', { url: 'https://user:pass@app.example/hook' }],
    ['a URL over 2048 characters', { url: `https://app.example/${'a'.repeat(2030)}` }],
    ['a short secret', { url: 'https://app.example/hook', secret: 'short' }],
    ['a secret with spaces', { url: 'https://app.example/hook', secret: 'has spaces in it 0123456789' }],
    ['an unknown field', { url: 'https://app.example/hook', events: ['session.verified'] }],
    ['a non-boolean enabled', { url: 'https://app.example/hook', enabled: 'yes' }],
  ])('refuses %s with 400', async (_name, body) => {
    const { call, path } = await startApp();
    const response = await call('PUT', path, body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('refuses malformed JSON with 400', async () => {
    const { call, path } = await startApp();
    const response = await call('PUT', path, '{"url":');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('MALFORMED_JSON');
  });

  it('takes exactly 2048 characters', async () => {
    const { call, path } = await startApp();
    const url = `https://app.example/${'a'.repeat(2048 - 'https://app.example/'.length)}`;
    expect(url).toHaveLength(2048);
    expect((await call('PUT', path, { url })).status).toBe(200);
  });

  it('accepts only https in production', async () => {
    const { call, path } = await startApp({ production: true });
    const plain = await call('PUT', path, { url: 'http://app.example/hook' });
    expect(plain.status).toBe(400);
    expect(plain.body.error.message).toMatch(/https/);
    expect((await call('PUT', path, { url: 'https://app.example/hook' })).status).toBe(200);
  });

  it('answers 404 for an unknown or malformed scheme code', async () => {
    const { call } = await startApp();
    for (const method of ['GET', 'PUT', 'DELETE']) {
      for (const code of ['FA999999999999999', 'not-a-code']) {
        const response = await call(method, `/v1/admin/schemes/${code}/webhook`, method === 'PUT' ? { url: 'https://app.example/hook' } : undefined);
        expect(response.status).toBe(404);
        expect(response.body.error.code).toBe('SCHEME_NOT_FOUND');
      }
    }
  });

  it('refuses without the admin token', async () => {
    const { call, path } = await startApp();
    for (const token of [null, 'wrong-token']) {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const response = await call(method, path, method === 'PUT' ? { url: 'https://app.example/hook' } : undefined, token);
        expect(response.status).toBe(401);
        expect(response.body.error.code).toBe('ADMIN_UNAUTHORIZED');
      }
    }
  });
});
