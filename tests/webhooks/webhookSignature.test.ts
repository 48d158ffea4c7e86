import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature } from '../../server/webhooks/webhookSignature.js';

const secret = 'whsec-test-0123456789abcdef';
const body = JSON.stringify({ id: 'wh-abc-3', type: 'session.verified', data: { sessionId: 'abc' } });
const t = 1_735_689_600;

describe('webhook signatures', () => {
  it('is t=<seconds>,v1=<hex HMAC-SHA256 of "t.body">, and verifies', () => {
    const header = signWebhook(secret, t, body);
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(header).toBe(`t=${t},v1=${expected}`);
    expect(verifyWebhookSignature({ header, body, secret, nowSeconds: t })).toEqual({ ok: true });
    expect(verifyWebhookSignature({ header, body: Buffer.from(body), secret, nowSeconds: t + 299 })).toEqual({ ok: true });
    expect(verifyWebhookSignature({ header, body, secret, nowSeconds: t - 300 })).toEqual({ ok: true });
  });

  it('rejects a tampered body, a wrong secret and a moved timestamp', () => {
    const header = signWebhook(secret, t, body);
    const tampered = body.replace('session.verified', 'session.failed');
    expect(verifyWebhookSignature({ header, body: tampered, secret, nowSeconds: t })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyWebhookSignature({ header, body: `${body} `, secret, nowSeconds: t })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyWebhookSignature({ header, body, secret: 'another-secret-0123456789', nowSeconds: t })).toEqual({ ok: false, reason: 'mismatch' });
    const fresher = header.replace(`t=${t}`, `t=${t + 60}`);
    expect(verifyWebhookSignature({ header: fresher, body, secret, nowSeconds: t + 60 })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects a replay: a timestamp beyond the tolerance, either way', () => {
    const header = signWebhook(secret, t, body);
    expect(verifyWebhookSignature({ header, body, secret, nowSeconds: t + 301 })).toEqual({ ok: false, reason: 'stale' });
    expect(verifyWebhookSignature({ header, body, secret, nowSeconds: t - 301 })).toEqual({ ok: false, reason: 'stale' });
    expect(verifyWebhookSignature({ header, body, secret, nowSeconds: t + 3600, toleranceSeconds: 60 })).toEqual({ ok: false, reason: 'stale' });
    expect(verifyWebhookSignature({ header, body, secret, nowSeconds: t + 50, toleranceSeconds: 60 })).toEqual({ ok: true });
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['garbage', 'garbage'],
    ['no timestamp', `v1=${'a'.repeat(64)}`],
    ['no signature', `t=${t}`],
    ['a non-numeric timestamp', `t=soon,v1=${'a'.repeat(64)}`],
    ['a negative timestamp', `t=-5,v1=${'a'.repeat(64)}`],
    ['two timestamps', `t=${t},t=${t + 1},v1=${'a'.repeat(64)}`],
    ['a short signature', `t=${t},v1=abc`],
    ['only an unknown scheme', `t=${t},v0=${'a'.repeat(64)}`],
  ])('rejects a malformed header: %s', (_name, header) => {
    expect(verifyWebhookSignature({ header, body, secret, nowSeconds: t })).toEqual({ ok: false, reason: 'malformed' });
  });

  it('supports rotation: several v1, any one matching, with one or several receiver secrets', () => {
    const next = 'whsec-next-0123456789abcdef';
    const both = signWebhook([next, secret], t, body);
    expect(both.split(',')).toHaveLength(3);
    expect(both.startsWith(`t=${t},v1=`)).toBe(true);
    // A receiver still on the old secret, one already on the new, and one holding both.
    expect(verifyWebhookSignature({ header: both, body, secret, nowSeconds: t })).toEqual({ ok: true });
    expect(verifyWebhookSignature({ header: both, body, secret: next, nowSeconds: t })).toEqual({ ok: true });
    const onlyNew = signWebhook(next, t, body);
    expect(verifyWebhookSignature({ header: onlyNew, body, secret: [secret, next], nowSeconds: t })).toEqual({ ok: true });
    expect(verifyWebhookSignature({ header: onlyNew, body, secret, nowSeconds: t })).toEqual({ ok: false, reason: 'mismatch' });
    // Unknown schemes and spaces after commas are tolerated.
    expect(verifyWebhookSignature({ header: `t=${t}, v0=xyz, ${onlyNew.split(',')[1]}`, body, secret: next, nowSeconds: t })).toEqual({ ok: true });
  });

  it('reads a header sent twice as one list', () => {
    const [timestamp, v1] = signWebhook(secret, t, body).split(',') as [string, string];
    expect(verifyWebhookSignature({ header: [timestamp, v1], body, secret, nowSeconds: t })).toEqual({ ok: true });
  });

  it('refuses to sign with no secret or a bad timestamp', () => {
    expect(() => signWebhook([], t, body)).toThrow(RangeError);
    expect(() => signWebhook(secret, 1.5, body)).toThrow(RangeError);
  });
});
