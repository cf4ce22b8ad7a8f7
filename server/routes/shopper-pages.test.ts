/**
 * The routes a shopper's browser navigates to (the return from a provider's page, 3-D Secure, the
 * card-entry frame) answer a page whatever fails: never the JSON the element's API speaks.
 */
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import type { PaymentProvider } from '../providers/provider.js';
import { ProviderRegistry } from '../providers/registry.js';
import type { SessionTokenIssuer } from '../sessions/session-token.js';
import { StorageUnavailableError } from '../store/storage-unavailable.js';
import { SqliteStore } from '../store/sqlite-store.js';
import type { PaymentRecord, Store } from '../store/store.js';
import { testPostgres } from '../testing/postgres-database.js';
import { openStoreWithAdmin } from '../testing/postgres-outage.js';
import { stubProvider } from '../testing/stub-provider.js';

const PROXY = 'https://pay.example';
const SHOP = 'https://shop.example';
const CONFIRMING = 'We are confirming your payment. Please do not pay again: this page will continue by itself in a few seconds.';
const outage = () => Promise.reject(new StorageUnavailableError(new Error('connect ECONNREFUSED 10.0.0.5:5432')));

/** A store whose named methods answer as the test says (fail, as a database going away would make them) until it clears them. */
function storeWithFaults(store: Store) {
  const faults = new Map<string | symbol, () => Promise<unknown>>();
  const failing = new Proxy(store, {
    get(target, name) {
      const fault = faults.get(name);
      if (fault) return fault;
      const value = Reflect.get(target, name, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: failing, faults };
}

function appWith(store: Store, provider: PaymentProvider = stubProvider('milkypay')) {
  return createApp({
    config: loadConfig({ PUBLIC_URL: PROXY, ALLOWED_ORIGINS: SHOP }),
    store,
    tokens: {} as SessionTokenIssuer,
    providers: new ProviderRegistry([provider]),
    logger: createLogger({ level: 'silent' }),
    merchantApiKey: 'sk_test_shopper_pages_key',
    sdkDir: '.',
    cardEntryDir: '.',
  }).app;
}

async function withPayment(store: Store, payment: Partial<PaymentRecord> = {}, returnUrl = `${SHOP}/thanks?order=o`) {
  const now = new Date().toISOString();
  await store.createSession({ id: 'ses_1', orderId: 'o', amount: 4800, currency: 'USD', returnUrl, locale: 'en', captureMethod: 'automatic', createdAt: now, expiresAt: now });
  await store.createPayment({ id: 'pay_1', sessionId: 'ses_1', orderId: 'o', provider: 'milkypay', methodId: 'milkypay:card', amount: 4800, currency: 'USD', status: 'pending', providerRef: 'inv_1', ...payment });
}

/** What every shopper page must be: HTML under a strict policy, frameable by the element, with no JSON or internal detail. */
function expectShopperPage(response: request.Response, status: number, sentence: string) {
  expect(response.status).toBe(status);
  expect(response.type).toBe('text/html');
  expect(response.text).toContain(sentence);
  expect(response.text).not.toMatch(/"error"|storage_unavailable|ECONNREFUSED|internal|stack/);
  expect(() => JSON.parse(response.text)).toThrow();
  const policy = response.headers['content-security-policy'] as string;
  expect(policy).toContain("default-src 'none'");
  expect(policy).toContain(`frame-ancestors ${PROXY} ${SHOP}`);
}

describe('the return from a provider page', () => {
  it('says the payment is being confirmed, with 503 and Retry-After, and loads itself again while the database is unavailable', async () => {
    const { store, faults } = storeWithFaults(SqliteStore.open(':memory:'));
    await withPayment(store);
    faults.set('getPayment', outage);
    const response = await request(appWith(store)).get('/api/checkout/return/pay_1?outcome=success');
    expectShopperPage(response, 503, CONFIRMING);
    expect(response.headers['retry-after']).toBe('3');
    expect(response.text).toContain('<meta http-equiv="refresh" content="3; url=/api/checkout/return/pay_1?outcome=success&amp;returnAttempt=2">');
  });

  it('sends the shopper on to the merchant once the database is back, without the retry count', async () => {
    const { store } = storeWithFaults(SqliteStore.open(':memory:'));
    await withPayment(store);
    const response = await request(appWith(store)).get('/api/checkout/return/pay_1?outcome=success&returnAttempt=4');
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(`${SHOP}/thanks?order=o&paymentId=pay_1`);
  });

  it('waits longer between tries, and stops trying by itself after ten without telling the shopper to pay again', async () => {
    const { store, faults } = storeWithFaults(SqliteStore.open(':memory:'));
    await withPayment(store);
    faults.set('getPayment', outage);
    const fifth = await request(appWith(store)).get('/api/checkout/return/pay_1?returnAttempt=5');
    expect(fifth.headers['retry-after']).toBe('48');
    expect(fifth.text).toContain('content="48; url=/api/checkout/return/pay_1?returnAttempt=6"');
    const last = await request(appWith(store)).get('/api/checkout/return/pay_1?returnAttempt=10');
    expectShopperPage(last, 503, 'We could not confirm your payment yet. Please do not pay again: the shop will confirm your order.');
    expect(last.text).not.toContain('http-equiv="refresh"');
    // A forged count is read as the first attempt or the last, never as a longer wait.
    const forged = await request(appWith(store)).get('/api/checkout/return/pay_1?returnAttempt=999');
    expect(forged.headers['retry-after']).toBe('3');
  });

  it('says the same while the session cannot be read', async () => {
    const { store, faults } = storeWithFaults(SqliteStore.open(':memory:'));
    await withPayment(store);
    faults.set('getSession', outage);
    expectShopperPage(await request(appWith(store)).post('/api/checkout/return/pay_1').type('form').send('status=paid'), 503, CONFIRMING);
  });

  it('says the same, as a 500, when something unexpected fails, without the error', async () => {
    const { store, faults } = storeWithFaults(SqliteStore.open(':memory:'));
    await withPayment(store);
    faults.set('getPayment', () => Promise.reject(new Error('SQLITE_IOERR: disk I/O error at /var/lib/pay/checkout.db')));
    const response = await request(appWith(store)).get('/api/checkout/return/pay_1');
    expectShopperPage(response, 500, CONFIRMING);
    expect(response.text).not.toContain('SQLITE');
  });

  it('still sends the shopper on when the provider lookup throws something unexpected', async () => {
    const { store } = storeWithFaults(SqliteStore.open(':memory:'));
    await withPayment(store);
    const provider = stubProvider('milkypay', { getPayment: () => Promise.reject(new TypeError("Cannot read properties of undefined (reading 'status')")) });
    const response = await request(appWith(store, provider)).get('/api/checkout/return/pay_1');
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(`${SHOP}/thanks?order=o&paymentId=pay_1`);
  });

  it('keeps a framed return working once the database is back', async () => {
    const { store, faults } = storeWithFaults(SqliteStore.open(':memory:'));
    await withPayment(store, { status: 'requires_action', action: { type: 'iframe', url: 'https://pay.hanko.example/p/1' } });
    faults.set('getPayment', outage);
    expectShopperPage(await request(appWith(store)).get('/api/checkout/return/pay_1'), 503, CONFIRMING);
    faults.clear();
    const back = await request(appWith(store)).get('/api/checkout/return/pay_1?returnAttempt=2');
    expect(back.status).toBe(200);
    expect(back.text).toContain('"type":"pay-checkout:return","paymentId":"pay_1"');
  });

  it('answers an unknown payment with a 404 page', async () => {
    const { store } = storeWithFaults(SqliteStore.open(':memory:'));
    expectShopperPage(await request(appWith(store)).get('/api/checkout/return/pay_unknown'), 404, 'This link has expired or does not exist.');
  });

  it('answers a malformed id or a path under the route that does not exist with a page', async () => {
    const { store } = storeWithFaults(SqliteStore.open(':memory:'));
    expectShopperPage(await request(appWith(store)).get('/api/checkout/return/%E0%A4%A'), 400, 'This link is not valid.');
    expectShopperPage(await request(appWith(store)).get('/api/checkout/return/pay_1/more'), 404, 'This link has expired or does not exist.');
    expectShopperPage(await request(appWith(store)).get('/api/checkout/return'), 404, 'This link has expired or does not exist.');
  });

  it('tells the shopper to find the shop when the session is missing or its returnUrl is not a URL, and not to pay again', async () => {
    for (const broken of ['missing', 'not a url']) {
      const { store, faults } = storeWithFaults(SqliteStore.open(':memory:'));
      await withPayment(store, {}, broken === 'missing' ? `${SHOP}/r` : 'not a url');
      if (broken === 'missing') faults.set('getSession', async () => undefined);
      const response = await request(appWith(store)).get('/api/checkout/return/pay_1');
      expectShopperPage(response, 500, "We could not take you back to the shop. Please do not pay again: open the shop again to see your order.");
      expect(response.text).not.toContain('http-equiv="refresh"');
    }
  });

  it('answers a rate-limited shopper with a page', async () => {
    const store = SqliteStore.open(':memory:');
    const app = createApp({
      config: loadConfig({ PUBLIC_URL: PROXY, ALLOWED_ORIGINS: SHOP, RATE_LIMIT_PER_IP: '1' }),
      store,
      tokens: {} as SessionTokenIssuer,
      providers: new ProviderRegistry([stubProvider('milkypay')]),
      logger: createLogger({ level: 'silent' }),
      merchantApiKey: 'sk_test_shopper_pages_key',
      sdkDir: '.',
      cardEntryDir: '.',
    }).app;
    await request(app).get('/api/checkout/return/pay_1');
    const limited = await request(app).get('/api/checkout/return/pay_1');
    expectShopperPage(limited, 429, 'Please wait a minute, then reload this page.');
  });
});

describe('3-D Secure pages', () => {
  const challenged = { status: 'requires_action' as const, action: { type: 'html' as const, url: `${PROXY}/api/checkout/challenge/ch_1` } };

  it('answers a post back while the database is unavailable with 503, a framed return and no "nothing changed"', async () => {
    const { store, faults } = storeWithFaults(SqliteStore.open(':memory:'));
    await withPayment(store, challenged);
    faults.set('getPayment', outage);
    const response = await request(appWith(store)).post('/api/checkout/3ds/pay_1').type('form').send('paymentId=dc_1&securityKey=k');
    expectShopperPage(response, 503, 'We could not finish the verification right now. Please do not pay again');
    expect(response.headers['retry-after']).toBe('30');
    expect(response.text).not.toContain('nothing changed');
    // The element, told the shopper is back, polls the payment and shows its outcome.
    expect(response.text).toContain('"type":"pay-checkout:return","paymentId":"pay_1"');
  });

  it('answers a post back that fails unexpectedly with a 500 page, not JSON', async () => {
    const { store } = storeWithFaults(SqliteStore.open(':memory:'));
    await withPayment(store, challenged);
    const provider = stubProvider('milkypay', { completeChallenge: () => Promise.reject(new TypeError("Cannot read properties of undefined (reading 'mdStatus')")) });
    const response = await request(appWith(store, provider)).post('/api/checkout/3ds/pay_1').type('form').send('paymentId=dc_1&securityKey=k');
    expectShopperPage(response, 500, 'We could not finish the verification right now. Please do not pay again');
    expect(response.text).not.toContain('mdStatus');
  });

  it('answers an ended or unknown challenge with a page its frame can show', async () => {
    const { store } = storeWithFaults(SqliteStore.open(':memory:'));
    for (const path of ['/api/checkout/challenge/ch_unknown', '/api/checkout/challenge/ch_unknown/content']) {
      expectShopperPage(await request(appWith(store)).get(path), 404, 'This verification has ended or does not exist.');
    }
  });
});

const { url: serverUrl, problem } = testPostgres();

describe('the return from a provider page on PostgreSQL', () => {
  if (!serverUrl) {
    it('runs with PostgreSQL', () => {
      throw new Error(problem);
    });
    return;
  }
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('says the payment is being confirmed while the database refuses connections, and sends the shopper on once it accepts them', async () => {
    const { store, refuse } = await openStoreWithAdmin(serverUrl, cleanups, { poolSize: 2 });
    await withPayment(store);
    const app = appWith(store);

    await refuse(true);
    const during = await request(app).get('/api/checkout/return/pay_1');
    expectShopperPage(during, 503, CONFIRMING);
    expect(during.headers['retry-after']).toBe('3');

    await refuse(false);
    const after = await request(app).get('/api/checkout/return/pay_1?returnAttempt=2');
    expect(after.status).toBe(303);
    expect(after.headers.location).toBe(`${SHOP}/thanks?order=o&paymentId=pay_1`);
  });
});

// Not a shopper page: the provider's callback keeps its JSON answers.
it('leaves the provider callbacks answering JSON', async () => {
  const { store, faults } = storeWithFaults(SqliteStore.open(':memory:'));
  faults.set('getPayment', outage);
  const response = await request(appWith(store)).post('/api/callbacks/milkypay').send({ id: 'inv_1' });
  expect(response.type).toBe('application/json');
});
