import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MERCHANT_KEY, SHOP_ORIGIN, startProxy, type ProxyHarness } from '../testing/proxy-harness.js';

let proxy: ProxyHarness;
beforeAll(async () => {
  proxy = await startProxy();
});
afterAll(async () => {
  await proxy.close();
});

async function newSession(locale?: string): Promise<string> {
  const response = await fetch(`${proxy.url}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${MERCHANT_KEY}` },
    body: JSON.stringify({
      orderId: `order-${Math.random().toString(36).slice(2)}`,
      amount: '48.00',
      currency: 'USD',
      returnUrl: 'https://shop.example/return',
      ...(locale && { locale }),
    }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { token: string }).token;
}

async function getCheckout(token: string, query = '') {
  const response = await fetch(`${proxy.url}/api/checkout${query}`, {
    headers: { authorization: `Bearer ${token}`, origin: SHOP_ORIGIN },
  });
  return { status: response.status, body: (await response.json()) as any };
}

describe('GET /api/checkout: the texts in the wanted language, in the same answer', () => {
  it('sends the catalog of the exact tag or of its language, with the methods', async () => {
    const token = await newSession();
    const { status, body } = await getCheckout(token, '?locale=tr-TR');
    expect(status).toBe(200);
    expect(body.locale).toBe('tr');
    expect(body.messages).toMatchObject({ pay: '{amount} Öde', methodsLegend: 'Ödeme yöntemi', cardNumber: 'Kart numarası' });
    expect(body.methods.length).toBeGreaterThan(0);

    const japanese = await getCheckout(token, '?locale=ja');
    expect(japanese.body).toMatchObject({ locale: 'ja', messages: { pay: '{amount}を支払う' } });
  });

  it('sends nothing extra for English, or for a language without a catalog', async () => {
    const token = await newSession('tr');
    for (const query of ['?locale=en', '?locale=en-GB', '?locale=de-DE']) {
      const { status, body } = await getCheckout(token, query);
      expect(status, query).toBe(200);
      expect(body, query).not.toHaveProperty('messages');
      expect(body, query).not.toHaveProperty('locale');
    }
  });

  it("falls back to the session's locale when the element names none", async () => {
    const { body } = await getCheckout(await newSession('uk'));
    expect(body).toMatchObject({ locale: 'uk', messages: { pay: 'Сплатити {amount}' } });
    expect(body.session.locale).toBe('uk');
  });

  it('refuses a malformed locale with a 400 naming it', async () => {
    const token = await newSession();
    for (const query of ['?locale=not%20a%20tag', '?locale=tr&locale=ja', `?locale=${'a'.repeat(70)}`]) {
      const { status, body } = await getCheckout(token, query);
      expect(status, query).toBe(400);
      expect(body.error.code).toBe('invalid_request');
      expect(body.error.message).toMatch(/^locale: /);
    }
  });
});

describe('POST /api/checkout/payments: the body', () => {
  const pay = (token: string, body: string) =>
    fetch(`${proxy.url}/api/checkout/payments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, origin: SHOP_ORIGIN, 'content-type': 'application/json', 'idempotency-key': 'malformed-body' },
      body,
    });

  it('answers malformed JSON with a 400 the element can read', async () => {
    const response = await pay(await newSession(), '{"methodId":');
    expect(response.status).toBe(400);
    expect(response.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
    expect(((await response.json()) as any).error).toMatchObject({ code: 'invalid_request', message: 'the request body is not valid JSON' });
  });

  it('answers a body that is not JSON with 415, not with every field missing', async () => {
    const token = await newSession();
    for (const contentType of ['text/plain;charset=UTF-8', 'application/x-www-form-urlencoded']) {
      const response = await fetch(`${proxy.url}/api/checkout/payments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, origin: SHOP_ORIGIN, 'content-type': contentType, 'idempotency-key': 'not-json' },
        body: JSON.stringify({ methodId: 'card' }),
      });
      expect(response.status, contentType).toBe(415);
      expect(response.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
      expect(((await response.json()) as any).error.code).toBe('unsupported_media_type');
    }
  });

  it('checks the session before it reads the body', async () => {
    const response = await pay('not-a-token', '{"methodId":');
    expect(response.status).toBe(401);
    expect(((await response.json()) as any).error.code).toBe('unauthorized');
  });
});
