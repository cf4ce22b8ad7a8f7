import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook, WebhookVerificationError } from './verify-webhook.js';

const secret = 'whsec_test_0123456789abcdef';
const body = JSON.stringify({ id: 'evt_1', type: 'payment.succeeded', data: { payment: { id: 'pay_1', status: 'succeeded' } } });
const now = 1_700_000_000;

describe('verifyWebhook', () => {
  it('signs HMAC-SHA256 over timestamp, a dot and the raw body', () => {
    const expected = createHmac('sha256', secret).update(`${now}.${body}`).digest('hex');
    expect(signWebhook(secret, body, now)).toBe(`t=${now},v1=${expected}`);
  });

  it('returns the event of a genuine webhook, from a string or bytes', () => {
    const header = signWebhook(secret, body, now);
    expect(verifyWebhook({ rawBody: body, signatureHeader: header, secret, nowSeconds: now + 10 })).toEqual(JSON.parse(body));
    expect(verifyWebhook({ rawBody: new TextEncoder().encode(body), signatureHeader: header, secret, nowSeconds: now })).toEqual(JSON.parse(body));
  });

  it('accepts any one of several v1 signatures, as during a secret rotation', () => {
    const header = `${signWebhook('whsec_old_secret_000000', body, now)},v1=${signWebhook(secret, body, now).split('v1=')[1]}`;
    expect(verifyWebhook({ rawBody: body, signatureHeader: header, secret, nowSeconds: now })).toMatchObject({ id: 'evt_1' });
  });

  it('signs with each secret of a rotation, and verifies with any secret of a list', () => {
    const previous = 'whsec_previous_0123456789';
    const header = signWebhook([secret, previous], body, now);
    const hmac = (key: string) => createHmac('sha256', key).update(`${now}.${body}`).digest('hex');
    expect(header).toBe(`t=${now},v1=${hmac(secret)},v1=${hmac(previous)}`);
    // A receiver still on the previous secret, one already on the new one, and one holding both.
    for (const keys of [previous, secret, [secret, previous], [previous, secret]]) {
      expect(verifyWebhook({ rawBody: body, signatureHeader: header, secret: keys, nowSeconds: now }), String(keys)).toMatchObject({ id: 'evt_1' });
    }
    expect(verifyWebhook({ rawBody: body, signatureHeader: signWebhook(previous, body, now), secret: [secret, previous], nowSeconds: now })).toMatchObject({ id: 'evt_1' });
    expect(() => verifyWebhook({ rawBody: body, signatureHeader: header, secret: ['whsec_someone_else_000', 'whsec_another_one_0000'], nowSeconds: now })).toThrow(/no signature matches/);
    expect(() => verifyWebhook({ rawBody: body, signatureHeader: header, secret: [], nowSeconds: now })).toThrow(TypeError);
    expect(() => signWebhook(['', secret], body, now)).toThrow(TypeError);
  });

  it('refuses a changed body, a wrong secret, a missing or malformed header, and a replay outside the tolerance', () => {
    const header = signWebhook(secret, body, now);
    const cases: [Parameters<typeof verifyWebhook>[0], RegExp][] = [
      [{ rawBody: body.replace('succeeded', 'failed'), signatureHeader: header, secret, nowSeconds: now }, /no signature matches/],
      [{ rawBody: body, signatureHeader: header, secret: 'whsec_someone_else_000', nowSeconds: now }, /no signature matches/],
      [{ rawBody: body, signatureHeader: undefined, secret, nowSeconds: now }, /missing or malformed/],
      [{ rawBody: body, signatureHeader: `t=${now}`, secret, nowSeconds: now }, /missing or malformed/],
      [{ rawBody: body, signatureHeader: header.replace(/v1=[0-9a-f]{4}/, 'v1=zzzz'), secret, nowSeconds: now }, /missing or malformed/],
      [{ rawBody: body, signatureHeader: header, secret, nowSeconds: now + 301 }, /more than 300 s/],
      [{ rawBody: body, signatureHeader: header, secret, nowSeconds: now - 301 }, /more than 300 s/],
      [{ rawBody: body, signatureHeader: header, secret, nowSeconds: now + 61, toleranceSeconds: 60 }, /more than 60 s/],
      // Re-signing with a new timestamp needs the secret: a captured signature cannot be moved to another time.
      [{ rawBody: body, signatureHeader: header.replace(`t=${now}`, `t=${now + 1000}`), secret, nowSeconds: now + 1000 }, /no signature matches/],
    ];
    for (const [options, message] of cases) {
      expect(() => verifyWebhook(options)).toThrow(WebhookVerificationError);
      expect(() => verifyWebhook(options)).toThrow(message);
    }
  });
});
