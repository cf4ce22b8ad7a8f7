import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_AUDIENCE } from './sessions/session-token.js';
import { merchantCall, widgetCall } from './testing/api-calls.js';
import { MERCHANT_KEY, OTHER_SHOP_ORIGIN, SHOP_ORIGIN, startProxy, type ProxyHarness } from './testing/proxy-harness.js';

let proxy: ProxyHarness;
beforeAll(async () => {
  proxy = await startProxy();
});
afterAll(async () => {
  await proxy.close();
});

const order = (overrides: Record<string, unknown> = {}) => ({
  orderId: `order-${Math.random().toString(36).slice(2)}`,
  amount: '48.00',
  currency: 'USD',
  description: 'Ceramic pour-over set',
  customer: { reference: 'cust-1', name: 'Ada Lovelace', email: 'ada@example.com' },
  returnUrl: 'https://shop.example/return',
  ...overrides,
});

const merchant = (method: string, path: string, body?: unknown, key = MERCHANT_KEY) => merchantCall(proxy.url, method, path, body, key);
const widget = (method: string, path: string, token: string, options: { body?: unknown; origin?: string; key?: string } = {}) =>
  widgetCall(proxy.url, method, path, token, options);

async function newSession(overrides: Record<string, unknown> = {}) {
  const { status, body } = await merchant('POST', '/api/sessions', order(overrides));
  expect(status).toBe(201);
  return body as { sessionId: string; token: string; expiresAt: string };
}

async function simulatorInvoiceCount(): Promise<number> {
  const response = await fetch(`${proxy.simulatorUrl}/api/payment-invoices`, {
    headers: { authorization: `Basic ${Buffer.from('harness:harness-password').toString('base64')}` },
  });
  const body = (await response.json()) as { data: unknown[]; meta?: { count?: number } };
  return body.meta?.count ?? body.data.length;
}

async function decide(invoiceUrl: string, decision: 'approve' | 'decline') {
  return fetch(`${invoiceUrl}/decide`, { method: 'POST', body: new URLSearchParams({ decision }), redirect: 'manual' });
}

async function waitForStatus(paymentId: string, status: string) {
  for (let i = 0; i < 100; i++) {
    const { body } = await merchant('GET', `/api/payments/${paymentId}`);
    if (body.status === status) return body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`payment ${paymentId} never became ${status}`);
}

describe('merchant API: sessions', () => {
  it('stores the order and returns a session token for the widget', async () => {
    const { status, body } = await merchant('POST', '/api/sessions', order({ amount: 48.5 }));
    expect(status).toBe(201);
    expect(body.sessionId).toMatch(/^ses_/);
    expect(await proxy.tokens.verify(body.token)).toEqual({ sessionId: body.sessionId, origin: SHOP_ORIGIN });
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(890_000);
    const stored = await proxy.store.getSession(body.sessionId);
    expect(stored).toMatchObject({ amount: 4850, currency: 'USD', locale: 'en' });
  });

  it('refuses a missing or wrong merchant API key', async () => {
    expect(await merchant('POST', '/api/sessions', order(), '')).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    expect((await merchant('POST', '/api/sessions', order(), 'sk_wrong_key_entirely')).status).toBe(401);
    expect((await merchant('GET', '/api/payments/pay_x', undefined, 'nope')).status).toBe(401);
  });

  it('answers invalid bodies with 400 naming the field', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ amount: '1.005' }, /^amount: USD has 2 decimals/],
      [{ amount: 0 }, /^amount: must be greater than 0/],
      [{ amount: 12345678901234.56 }, /^amount: 12345678901234.56 has more than 15 significant digits.*decimal string$/],
      [{ amount: '10.5', currency: 'JPY' }, /^amount: JPY has 0 decimals/],
      [{ currency: 'usd' }, /^currency: must be an ISO 4217 code/],
      [{ returnUrl: 'javascript:alert(1)' }, /^returnUrl: /],
      [{ orderId: '' }, /^orderId: /],
      [{ provider: 'nopay' }, /^provider: must be one of milkypay/],
      [{ surprise: true }, /surprise/],
    ];
    for (const [overrides, message] of cases) {
      const { status, body } = await merchant('POST', '/api/sessions', order(overrides));
      expect(status, JSON.stringify(overrides)).toBe(400);
      expect(body.error.code).toBe('invalid_request');
      expect(body.error.message).toMatch(message);
    }
  });

  it('answers malformed JSON with 400, not 500', async () => {
    const response = await fetch(`${proxy.url}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${MERCHANT_KEY}` },
      body: '{"orderId":',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).error.message).toBe('the request body is not valid JSON');
  });
});

describe('JSON APIs: a body of another type', () => {
  const post = (path: string, contentType: string | undefined, body: string, headers: Record<string, string> = {}) =>
    fetch(`${proxy.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${MERCHANT_KEY}`, ...(contentType && { 'content-type': contentType }), ...headers }, body });

  it('is refused with 415 on the merchant API, not read as every field missing', async () => {
    const json = JSON.stringify(order());
    const cases: [string, string | undefined, string][] = [
      ['/api/sessions', 'application/x-www-form-urlencoded', 'orderId=o&amount=1&currency=USD'],
      ['/api/sessions', 'text/plain;charset=UTF-8', json],
      ['/api/sessions', 'application/octet-stream', json],
      ['/api/payments/pay_missing/refund', 'text/plain', '{"reason":"x"}'],
      ['/api/payouts', 'multipart/form-data; boundary=x', '--x--'],
    ];
    for (const [path, contentType, body] of cases) {
      const response = await post(path, contentType, body);
      expect(response.status, `${path} ${contentType}`).toBe(415);
      expect(((await response.json()) as any).error).toMatchObject({ code: 'unsupported_media_type', message: expect.stringMatching(/send Content-Type: application\/json$/) });
    }
  });

  it('reads JSON with a charset, and a POST without a body', async () => {
    expect((await post('/api/sessions', 'application/json; charset=utf-8', JSON.stringify(order()))).status).toBe(201);
    const cancel = await post('/api/payments/pay_missing/cancel', undefined, '');
    expect(cancel.status).toBe(404);
  });

  it('leaves the form posts of providers and of the 3-D Secure return alone', async () => {
    const callback = await post('/api/callbacks/milkypay', 'application/x-www-form-urlencoded', 'id=inv_missing');
    expect(callback.status).not.toBe(415);
    const postBack = await post('/api/checkout/3ds/pay_missing', 'application/x-www-form-urlencoded', 'PaRes=x&MD=y');
    expect(postBack.status).not.toBe(415);
  });
});

describe('widget API: authentication', () => {
  it('lists the methods of the session currency with localized names and extra fields', async () => {
    const { token } = await newSession();
    const { status, body } = await widget('GET', '/api/checkout', token);
    expect(status).toBe(200);
    expect(body.session).toMatchObject({ amount: 4800, currency: 'USD', currencyExponent: 2 });
    const ids = body.methods.map((method: { id: string }) => method.id);
    expect(ids).toEqual(expect.arrayContaining(['milkypay:payment_card_usd_hpp', 'milkypay:test_usd_test']));
    const test = body.methods.find((method: { id: string }) => method.id === 'milkypay:test_usd_test');
    expect(test.fields).toEqual([expect.objectContaining({ key: 'status', label: 'Status', pattern: '^[a-zA-Z_]*$', required: true })]);
    expect(body.payment).toBeUndefined();
  });

  it('asks MilkyPay for the methods of a currency once for a burst of 100 sessions in any language', async () => {
    const prerequests = () => proxy.simulatorCalls.get('POST /public-api/payment-prerequest') ?? 0;
    const before = prerequests();
    const locales = ['en', 'ru', 'uk', 'tr'];
    const sessions = await Promise.all(Array.from({ length: 100 }, (_, i) => newSession({ currency: 'GBP', locale: locales[i % 4] })));
    const views = await Promise.all(sessions.map(({ token }) => widget('GET', '/api/checkout', token)));
    expect(views.every((view) => view.status === 200 && view.body.methods.length > 0)).toBe(true);
    expect(views.find((view) => view.body.session.locale === 'ru')!.body.methods[0].name).toBe('Платежная карта');
    expect(prerequests() - before).toBe(1);
  });

  it('refuses a foreign Origin with 403', async () => {
    const { token } = await newSession();
    const { status, body } = await widget('GET', '/api/checkout', token, { origin: 'https://evil.example' });
    expect(status).toBe(403);
    expect(body.error.message).toContain('https://evil.example is not allowed');
  });

  it('binds the token to the merchant origin: another allowed origin cannot use it', async () => {
    const bound = await newSession();
    const other = await widget('GET', '/api/checkout', bound.token, { origin: OTHER_SHOP_ORIGIN });
    expect(other.status).toBe(403);
    expect(other.body.error.message).toBe(`this session belongs to ${SHOP_ORIGIN}, not ${OTHER_SHOP_ORIGIN}`);
    const explicit = await merchant('POST', '/api/sessions', order({ origin: OTHER_SHOP_ORIGIN }));
    expect((await widget('GET', '/api/checkout', explicit.body.token, { origin: OTHER_SHOP_ORIGIN })).status).toBe(200);
    expect((await widget('GET', '/api/checkout', explicit.body.token)).status).toBe(403);
    const notAllowed = await merchant('POST', '/api/sessions', order({ origin: 'https://evil.example' }));
    expect(notAllowed).toMatchObject({ status: 400, body: { error: { message: 'origin: https://evil.example is not in ALLOWED_ORIGINS' } } });
    // Without origin, returnUrl's origin must be allowed: a token is never bound to no origin.
    const unbound = await merchant('POST', '/api/sessions', order({ returnUrl: 'https://receipts.example/r' }));
    expect(unbound).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_request', message: 'returnUrl: its origin https://receipts.example is not in ALLOWED_ORIGINS; add it or pass origin' } },
    });
    const elsewhere = await merchant('POST', '/api/sessions', order({ returnUrl: 'https://receipts.example/r', origin: OTHER_SHOP_ORIGIN }));
    expect(elsewhere.status).toBe(201);
    expect(await proxy.tokens.verify(elsewhere.body.token)).toEqual({ sessionId: elsewhere.body.sessionId, origin: OTHER_SHOP_ORIGIN });
  });

  it('refuses missing, expired, tampered and foreign tokens with 401', async () => {
    const { token, sessionId } = await newSession();
    const expired = await new SignJWT({}).setProtectedHeader({ alg: 'ES256' }).setSubject(sessionId).setIssuer(proxy.url)
      .setAudience(SESSION_AUDIENCE).setIssuedAt(Math.floor(Date.now() / 1000) - 1000)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 100).sign(proxy.signingKey.privateKey);
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'ses_someone_else' })).toString('base64url')}.${signature}`;
    for (const bad of ['', 'not-a-jwt', expired, tampered]) {
      const { status, body } = await widget('GET', '/api/checkout', bad);
      expect(status, bad.slice(0, 20)).toBe(401);
      expect(body.error.code).toBe('unauthorized');
    }
    expect((await widget('GET', '/api/checkout', expired)).body.error.message).toMatch(/expired/);
  });

  it('lets a foreign page read why it was refused, but never serves it', async () => {
    const preflight = (origin: string, path = '/api/checkout/payments', method = 'POST') =>
      fetch(`${proxy.url}${path}`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization,idempotency-key' },
      });
    const allowed = await preflight(SHOP_ORIGIN);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
    expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('idempotency-key');
    // The element's reads are flat routes on the app; their preflights are answered all the same.
    for (const path of ['/api/checkout', '/api/checkout/payments/pay_x']) {
      const read = await preflight(SHOP_ORIGIN, path, 'GET');
      expect(read.status, path).toBe(204);
      expect(read.headers.get('access-control-allow-origin'), path).toBe(SHOP_ORIGIN);
      expect(read.headers.get('access-control-allow-headers')?.toLowerCase(), path).toContain('authorization');
    }
    const { token } = await newSession();
    const refused = await fetch(`${proxy.url}/api/checkout/payments`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', authorization: `Bearer ${token}`, 'idempotency-key': 'x', 'content-type': 'application/json' },
      body: JSON.stringify({ methodId: 'milkypay:payment_card_usd_hpp' }),
    });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBe('https://evil.example');
    expect(((await refused.json()) as any).error.code).toBe('forbidden_origin');
    expect(await proxy.store.listPaymentsBySession((await proxy.tokens.verify(token)).sessionId)).toEqual([]);
  });
});

describe('widget API: paying with MilkyPay', () => {
  it('creates one invoice per Idempotency-Key and sends the shopper to the hosted page', async () => {
    const { token } = await newSession();
    const before = await simulatorInvoiceCount();
    const pay = () => widget('POST', '/api/checkout/payments', token, { key: 'attempt-1', body: { methodId: 'milkypay:payment_card_usd_hpp' } });
    const first = await pay();
    expect(first.status).toBe(201);
    expect(first.body.payment).toMatchObject({ status: 'requires_action', amount: 4800, currency: 'USD' });
    expect(first.body.payment.action).toEqual({ type: 'redirect', url: expect.stringMatching(new RegExp(`^${proxy.simulatorUrl}/hpp/cpi_`)) });
    const again = await pay();
    expect(again.body.payment.id).toBe(first.body.payment.id);
    expect(await simulatorInvoiceCount()).toBe(before + 1);
  });

  it('takes amount and currency from the store, never from the browser', async () => {
    const { token } = await newSession({ amount: '12.34' });
    const { status, body } = await widget('POST', '/api/checkout/payments', token, {
      key: 'k', body: { methodId: 'milkypay:payment_card_usd_hpp', amount: 1, currency: 'JPY' },
    });
    expect(status).toBe(400);
    expect(body.error.message).toMatch(/amount|currency/);
    const ok = await widget('POST', '/api/checkout/payments', token, { key: 'k2', body: { methodId: 'milkypay:payment_card_usd_hpp' } });
    expect(ok.body.payment).toMatchObject({ amount: 1234, currency: 'USD' });
  });

  it('refuses a pay call without Idempotency-Key, with an unknown method or a field that fails its pattern', async () => {
    const { token } = await newSession();
    const noKey = await widget('POST', '/api/checkout/payments', token, { body: { methodId: 'milkypay:payment_card_usd_hpp' } });
    expect(noKey).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/^Idempotency-Key/) } } });
    const unknown = await widget('POST', '/api/checkout/payments', token, { key: 'a', body: { methodId: 'milkypay:nope' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/^methodId: /);
    const badField = await widget('POST', '/api/checkout/payments', token, { key: 'b', body: { methodId: 'milkypay:test_usd_test', fields: { status: 'not valid!' } } });
    expect(badField.status).toBe(400);
    expect(badField.body.error.message).toBe('fields.status: Status has an invalid format');
    const missing = await widget('POST', '/api/checkout/payments', token, { key: 'c', body: { methodId: 'milkypay:test_usd_test' } });
    expect(missing.body.error.message).toBe('fields.status: Status is required');
  });

  it('trusts a callback only after fetching the invoice, and a repeated callback changes nothing', async () => {
    const { token } = await newSession();
    const { body } = await widget('POST', '/api/checkout/payments', token, { key: 'k', body: { methodId: 'milkypay:payment_card_usd_hpp' } });
    const paymentId: string = body.payment.id;

    // A forged callback claiming success: the invoice is still pending at MilkyPay, so nothing moves.
    const forged = await fetch(`${proxy.url}/api/callbacks/milkypay/${paymentId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: { status: 'processed', resolution: 'ok' } }),
    });
    expect(forged.status).toBe(200);
    expect((await merchant('GET', `/api/payments/${paymentId}`)).body.status).toBe('requires_action');

    // The shopper approves: the simulator calls back and the payment succeeds.
    const decided = await decide(body.payment.action.url, 'approve');
    expect(decided.status).toBe(303);
    const succeeded = await waitForStatus(paymentId, 'succeeded');
    expect(succeeded.providerReference).toMatch(/^cpi_/);

    for (let i = 0; i < 3; i++) {
      const repeat = await fetch(`${proxy.url}/api/callbacks/milkypay/${paymentId}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(repeat.status).toBe(200);
    }
    const { body: final } = await merchant('GET', `/api/payments/${paymentId}`);
    expect(final.status).toBe('succeeded');
    expect(final.events.filter((event: { toStatus?: string }) => event.toStatus === 'succeeded')).toHaveLength(1);
    expect(final.events.map((event: { type: string }) => event.type)).toEqual(['created', 'action_required', 'status_changed']);

    // And the widget now sees the final state.
    expect((await widget('GET', `/api/checkout/payments/${paymentId}`, token)).body.status).toBe('succeeded');
    // A paid session cannot start a second payment.
    const second = await widget('POST', '/api/checkout/payments', token, { key: 'other', body: { methodId: 'milkypay:payment_card_usd_hpp' } });
    expect(second.status).toBe(409);
  });

  it('shows a payment to every session of its order and amount (a renewal follows it), and to no other', async () => {
    const first = order();
    const { token } = await newSession(first);
    const { body } = await widget('POST', '/api/checkout/payments', token, { key: 'renewal', body: { methodId: 'milkypay:payment_card_usd_hpp' } });
    const paymentId: string = body.payment.id;
    const renewed = await newSession({ orderId: first.orderId });
    expect((await widget('GET', `/api/checkout/payments/${paymentId}`, renewed.token)).body).toMatchObject({ id: paymentId, status: 'requires_action' });
    for (const other of [await newSession(), await newSession({ orderId: first.orderId, amount: '1.00' })]) {
      const refused = await widget('GET', `/api/checkout/payments/${paymentId}`, other.token);
      expect(refused.status).toBe(404);
      expect(refused.body.error.message).toBe('no such payment in this checkout');
    }
  });

  it('marks a declined payment failed and lists payments by order', async () => {
    const session = await newSession();
    const { body } = await widget('POST', '/api/checkout/payments', session.token, { key: 'k', body: { methodId: 'milkypay:payment_card_usd_hpp' } });
    await decide(body.payment.action.url, 'decline');
    await waitForStatus(body.payment.id, 'failed');
    const stored = await proxy.store.getSession(session.sessionId);
    const list = await merchant('GET', `/api/payments?orderId=${stored!.orderId}`);
    expect(list.body.data.map((payment: { id: string; status: string }) => [payment.id, payment.status])).toEqual([[body.payment.id, 'failed']]);
    expect((await merchant('GET', '/api/payments')).status).toBe(400);
    expect((await merchant('GET', '/api/payments/pay_missing')).status).toBe(404);
  });

  it('creates one payment when two pay calls race, and waits for the first on a repeated key', async () => {
    const { token } = await newSession();
    const body = { methodId: 'milkypay:payment_card_usd_hpp' };
    // MilkyPay answers slowly, so the second pay surely arrives while the first is being created.
    proxy.faults.createLatencyMs = 300;
    const racing = await Promise.all([
      widget('POST', '/api/checkout/payments', token, { key: 'race-a', body }),
      widget('POST', '/api/checkout/payments', token, { key: 'race-b', body }),
    ]);
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409]);
    // The loser is told that it may work in a moment, not that the order is paid.
    expect(racing.find((r) => r.status === 409)!.body.error.code).toBe('payment_in_progress');
    proxy.faults.createLatencyMs = 0;
    const repeated = await Promise.all([1, 2, 3].map(() => widget('POST', '/api/checkout/payments', token, { key: 'same', body })));
    const winner = racing.find((r) => r.status === 201)!.body.payment.id;
    // A repeat of a key waits for its first call: all three answers are the same payment, with its action.
    const sameKey = repeated.filter((r) => r.status === 201);
    expect(new Set(sameKey.map((r) => r.body.payment.id)).size).toBe(1);
    for (const r of sameKey) expect(r.body.payment.action?.type).toBe('redirect');
    expect(sameKey[0]!.body.payment.id).not.toBe(winner);
    const reused = await widget('POST', '/api/checkout/payments', token, { key: 'same', body: { methodId: 'milkypay:test_usd_test', fields: { status: 'ok' } } });
    expect(reused.status).toBe(409);
  });

  it('refuses a new attempt once an earlier one has been paid, and flags an order paid twice', async () => {
    const session = await newSession();
    const body = { methodId: 'milkypay:payment_card_usd_hpp' };
    const first = await widget('POST', '/api/checkout/payments', session.token, { key: 'one', body });
    const second = await widget('POST', '/api/checkout/payments', session.token, { key: 'two', body });
    expect(second.status).toBe(201);
    // The shopper pays both hosted pages (two tabs): the second success is flagged for a refund.
    await decide(first.body.payment.action.url, 'approve');
    await waitForStatus(first.body.payment.id, 'succeeded');
    const third = await widget('POST', '/api/checkout/payments', session.token, { key: 'three', body });
    expect(third.status).toBe(409);
    expect(third.body.error.message).toMatch(/already paid/);
    await decide(second.body.payment.action.url, 'approve');
    const duplicate = await waitForStatus(second.body.payment.id, 'succeeded');
    expect(duplicate.events.map((event: { type: string }) => event.type)).toContain('duplicate_payment');
  });

  it('ignores a callback for an unknown payment with 200', async () => {
    const response = await fetch(`${proxy.url}/api/callbacks/milkypay/pay_unknown`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"data":{"id":"cpi_nothing"}}' });
    expect(response.status).toBe(200);
  });

  it('sends the returning shopper on to the merchant returnUrl after looking the status up', async () => {
    const { token } = await newSession({ returnUrl: 'https://shop.example/return?orderId=o-77' });
    const { body } = await widget('POST', '/api/checkout/payments', token, { key: 'k', body: { methodId: 'milkypay:payment_card_usd_hpp' } });
    // The shopper approves but the callback has not been applied yet: the return itself looks the status up.
    const decided = await decide(body.payment.action.url, 'approve');
    const back = await fetch(decided.headers.get('location')!, { redirect: 'manual' });
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe(`https://shop.example/return?orderId=o-77&paymentId=${body.payment.id}`);
    expect((await merchant('GET', `/api/payments/${body.payment.id}`)).body.status).toBe('succeeded');
  });

  it('never re-creates blindly after a 5xx: the invoice is found by our reference', async () => {
    const { token } = await newSession();
    const before = await simulatorInvoiceCount();
    proxy.faults.failNextCreates = 1;
    proxy.faults.failAfterCreating = true;
    const { status, body } = await widget('POST', '/api/checkout/payments', token, { key: 'k', body: { methodId: 'milkypay:payment_card_usd_hpp' } });
    expect(status).toBe(201);
    expect(body.payment.status).toBe('requires_action');
    expect(await simulatorInvoiceCount()).toBe(before + 1);
  });

  it('keeps the payment waiting when the create failed and no invoice exists, then lets the shopper retry', async () => {
    const { token } = await newSession();
    const before = await simulatorInvoiceCount();
    proxy.faults.failNextCreates = 1;
    proxy.faults.failAfterCreating = false;
    const failed = await widget('POST', '/api/checkout/payments', token, { key: 'k1', body: { methodId: 'milkypay:payment_card_usd_hpp' } });
    expect(failed.status).toBe(502);
    expect(failed.body.error.code).toBe('outcome_unknown');
    expect(await simulatorInvoiceCount()).toBe(before);
    const retry = await widget('POST', '/api/checkout/payments', token, { key: 'k2', body: { methodId: 'milkypay:payment_card_usd_hpp' } });
    expect(retry.status).toBe(201);
    expect(await simulatorInvoiceCount()).toBe(before + 1);
  });
});

describe('security headers', () => {
  const documentOnly = ['cross-origin-opener-policy', 'origin-agent-cluster', 'x-dns-prefetch-control', 'x-download-options', 'x-permitted-cross-domain-policies', 'x-xss-protection'];

  it("gives a JSON answer exactly the API set, with no document policy merged into its CSP", async () => {
    const { token } = await newSession();
    const answers = [
      await fetch(`${proxy.url}/api/checkout`, { headers: { authorization: `Bearer ${token}`, origin: SHOP_ORIGIN } }),
      await fetch(`${proxy.url}/api/sessions`, { method: 'POST', headers: { authorization: `Bearer ${MERCHANT_KEY}`, 'content-type': 'application/json' }, body: '{' }),
      await fetch(`${proxy.url}/api/no-such-route`),
      await fetch(`${proxy.url}/healthz`),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 400, 404, 200]);
    for (const answer of answers) {
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(answer.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none'");
      expect(answer.headers.get('x-frame-options')).toBe('DENY');
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
      expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
      expect(answer.headers.get('cross-origin-resource-policy')).toBe('same-site');
      for (const name of documentOnly) expect(answer.headers.get(name), name).toBeNull();
    }
  });

  it('adds the document headers on the pages the proxy serves', async () => {
    // The harness has no card-entry build: the page route answers 503 with a page of its own, framed as the card entry would be.
    const answer = await fetch(`${proxy.url}/api/checkout/card-entry`);
    expect(answer.status).toBe(503);
    expect(answer.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(answer.headers.get('origin-agent-cluster')).toBe('?1');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('content-security-policy')).toMatch(
      new RegExp(`^default-src 'none'; style-src 'nonce-[^']+'; form-action 'none'; base-uri 'none'; frame-ancestors ${SHOP_ORIGIN} ${OTHER_SHOP_ORIGIN}$`),
    );
  });
});
