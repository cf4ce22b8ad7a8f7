import { exportSPKI, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_AUDIENCE } from '../sessions/session-token.js';
import { merchantCall, widgetCall } from '../testing/api-calls.js';
import { MERCHANT_KEY, SHOP_ORIGIN, startProxy, type ProxyHarness } from '../testing/proxy-harness.js';

const order = (overrides: Record<string, unknown> = {}) => ({
  orderId: `order-${Math.random().toString(36).slice(2)}`,
  amount: '48.00',
  currency: 'USD',
  returnUrl: 'https://shop.example/return',
  ...overrides,
});

describe('JWT attacks on the widget API', () => {
  let proxy: ProxyHarness;
  beforeAll(async () => {
    proxy = await startProxy();
  });
  afterAll(async () => {
    await proxy.close();
  });
  const now = () => Math.floor(Date.now() / 1000);
  const session = async () => (await merchantCall(proxy.url, 'POST', '/api/sessions', order())).body as { sessionId: string; token: string };
  const genuine = (sessionId: string) =>
    new SignJWT({ origin: SHOP_ORIGIN }).setProtectedHeader({ alg: 'ES256', kid: proxy.signingKey.kid }).setSubject(sessionId).setIssuer(proxy.url)
      .setAudience(SESSION_AUDIENCE).setIssuedAt().setExpirationTime(now() + 600);

  it('accepts the genuine token (so the refusals below are about the attack, not the setup)', async () => {
    const { sessionId } = await session();
    const token = await genuine(sessionId).sign(proxy.signingKey.privateKey);
    expect((await widgetCall(proxy.url, 'GET', '/api/checkout', token)).status).toBe(200);
  });

  it('refuses alg none, HS256 keyed with the public key, expired, not yet valid, wrong audience or issuer, and a tampered payload', async () => {
    const { sessionId, token: real } = await session();
    const other = await session();
    const publicPem = await exportSPKI(proxy.signingKey.publicKey);
    const [header, payload, signature] = real.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const attacks: Record<string, string> = {
      'alg none': new UnsecuredJWT({ origin: SHOP_ORIGIN }).setSubject(sessionId).setIssuer(proxy.url).setAudience(SESSION_AUDIENCE).setIssuedAt().setExpirationTime(now() + 600).encode(),
      'HS256 with the public key': await new SignJWT({ origin: SHOP_ORIGIN }).setProtectedHeader({ alg: 'HS256' }).setSubject(sessionId).setIssuer(proxy.url)
        .setAudience(SESSION_AUDIENCE).setIssuedAt().setExpirationTime(now() + 600).sign(new TextEncoder().encode(publicPem)),
      expired: await genuine(sessionId).setIssuedAt(now() - 1200).setExpirationTime(now() - 600).sign(proxy.signingKey.privateKey),
      'not yet valid': await genuine(sessionId).setNotBefore(now() + 300).sign(proxy.signingKey.privateKey),
      'wrong audience': await genuine(sessionId).setAudience('pay-checkout:merchant').sign(proxy.signingKey.privateKey),
      'wrong issuer': await genuine(sessionId).setIssuer('https://evil.example').sign(proxy.signingKey.privateKey),
      'tampered subject': `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: other.sessionId })).toString('base64url')}.${signature}`,
      'tampered expiry': `${header}.${Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 86_400 })).toString('base64url')}.${signature}`,
      'header swapped to none': `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`,
      'signature stripped': `${header}.${payload}.`,
    };
    for (const [attack, token] of Object.entries(attacks)) {
      const { status, body } = await widgetCall(proxy.url, 'GET', '/api/checkout', token);
      expect(status, attack).toBe(401);
      expect(body.error.code, attack).toBe('unauthorized');
    }
  });

  it("never shows one session's payment to another session's token", async () => {
    const mine = await session();
    const theirs = await session();
    const paid = await widgetCall(proxy.url, 'POST', '/api/checkout/payments', theirs.token, { key: 'k', body: { methodId: 'milkypay:payment_card_usd_hpp' } });
    expect(paid.status).toBe(201);
    const peek = await widgetCall(proxy.url, 'GET', `/api/checkout/payments/${paid.body.payment.id}`, mine.token);
    expect(peek.status).toBe(404);
    expect(JSON.stringify(peek.body)).not.toContain('requires_action');
  });
});

describe('rate limits on the browser-facing routes', () => {
  it('limits one IP, answering 429 readable by the element', async () => {
    const proxy = await startProxy({ env: { RATE_LIMIT_PER_IP: '5', RATE_LIMIT_PER_SESSION: '0' } });
    try {
      const { token } = (await merchantCall(proxy.url, 'POST', '/api/sessions', order())).body;
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await widgetCall(proxy.url, 'GET', '/api/checkout', token)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      const refused = await fetch(`${proxy.url}/api/checkout`, { headers: { authorization: `Bearer ${token}`, origin: SHOP_ORIGIN } });
      expect(refused.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
      expect(refused.headers.get('ratelimit-policy')).toContain('5');
      expect(((await refused.json()) as any).error.code).toBe('rate_limited');
      // Shopper pages on the same address are limited too; the merchant API is not.
      expect((await fetch(`${proxy.url}/api/checkout/return/pay_x`)).status).toBe(429);
      expect((await merchantCall(proxy.url, 'POST', '/api/sessions', order())).status).toBe(201);
    } finally {
      await proxy.close();
    }
  });

  it('limits one session without touching another', async () => {
    const proxy = await startProxy({ env: { RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_SESSION: '3' } });
    try {
      const first = (await merchantCall(proxy.url, 'POST', '/api/sessions', order())).body.token;
      const second = (await merchantCall(proxy.url, 'POST', '/api/sessions', order())).body.token;
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await widgetCall(proxy.url, 'GET', '/api/checkout', first)).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect((await widgetCall(proxy.url, 'GET', '/api/checkout', second)).status).toBe(200);
    } finally {
      await proxy.close();
    }
  });
});

describe('body limits and page policies', () => {
  let proxy: ProxyHarness;
  beforeAll(async () => {
    proxy = await startProxy();
  });
  afterAll(async () => {
    await proxy.close();
  });

  it('refuses oversized bodies with 413 on every route that takes one', async () => {
    const { token } = (await merchantCall(proxy.url, 'POST', '/api/sessions', order())).body;
    const big = JSON.stringify({ methodId: 'x', fields: { pad: 'x'.repeat(70_000) } });
    const cases: [string, Record<string, string>][] = [
      ['/api/sessions', { authorization: `Bearer ${MERCHANT_KEY}` }],
      ['/api/payments/pay_x/refund', { authorization: `Bearer ${MERCHANT_KEY}` }],
      ['/api/payouts', { authorization: `Bearer ${MERCHANT_KEY}` }],
      ['/api/checkout/payments', { authorization: `Bearer ${token}`, origin: SHOP_ORIGIN, 'idempotency-key': 'k' }],
      ['/api/callbacks/milkypay/pay_x', {}],
    ];
    for (const [path, headers] of cases) {
      const response = await fetch(`${proxy.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: big });
      expect(response.status, path).toBe(413);
      expect(((await response.json()) as any).error.code, path).toBe('payload_too_large');
    }
  });

  it('serves every page with a CSP whose frame-ancestors are the allowed origins at most', async () => {
    const { token } = (await merchantCall(proxy.url, 'POST', '/api/sessions', order({ amount: '1000.00', currency: 'TRY', provider: 'directcard' }))).body;
    const card = { number: '5421190122090656', expiryMonth: '12', expiryYear: '30', securityCode: '482', holderName: 'Ada Lovelace' };
    const paid = await widgetCall(proxy.url, 'POST', '/api/checkout/payments', token, { key: 'k', body: { methodId: 'directcard:card', card } });
    const wrapper = await fetch(paid.body.payment.action.url);
    const contentPath = /<iframe id="challenge" title="3-D Secure verification" src="([^"]+)"/.exec(await wrapper.text())![1]!;
    const hanko = (await merchantCall(proxy.url, 'POST', '/api/sessions', order({ provider: 'hankopay' }))).body.token;
    const framed = await widgetCall(proxy.url, 'POST', '/api/checkout/payments', hanko, { key: 'k', body: { methodId: 'hankopay:card', card: { ...card, number: '4111111111111111' } } });
    const pages: Record<string, Response> = {
      '3-D Secure wrapper': wrapper,
      '3-D Secure content': await fetch(new URL(contentPath, proxy.url)),
      '3-D Secure post-back': await fetch(`${proxy.url}/api/checkout/3ds/${paid.body.payment.id}`, { method: 'POST', body: new URLSearchParams({ paymentId: 'x', securityKey: 'y' }) }),
      'framed return': await fetch(`${proxy.url}/api/checkout/return/${framed.body.payment.id}`),
      'unknown return': await fetch(`${proxy.url}/api/checkout/return/pay_unknown`),
      'API answer': await fetch(`${proxy.url}/api/checkout`, { headers: { authorization: `Bearer ${token}`, origin: SHOP_ORIGIN } }),
      'not found': await fetch(`${proxy.url}/nowhere`),
    };
    const allowed = new Set(["'self'", "'none'", SHOP_ORIGIN, 'https://other-shop.example', proxy.url]);
    for (const [name, response] of Object.entries(pages)) {
      const policy = response.headers.get('content-security-policy') ?? '';
      expect(policy, name).toMatch(/default-src 'none'/);
      const ancestors = /frame-ancestors ([^;]+)/.exec(policy)?.[1]?.trim().split(/\s+/) ?? [];
      expect(ancestors.length, name).toBeGreaterThan(0);
      for (const ancestor of ancestors) expect(allowed.has(ancestor), `${name}: ${ancestor}`).toBe(true);
      expect(response.headers.get('x-content-type-options'), name).toBe('nosniff');
    }
  });
});
