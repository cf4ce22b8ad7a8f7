/**
 * The real adapter against the simulator, over HTTP on ephemeral loopback ports. A second small
 * server stands in for the proxy (notify_url, success_url, cancel_url), so the simulator's
 * notification and redirects really travel. One clock, moved by the tests, drives both the
 * simulator's token expiry and the adapter's token cache.
 */
import { providerRejection as rejection } from '../../testing/rejections.js';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formsOf } from '../../testing/html-forms.js';
import type { CreatePaymentRequest } from '../provider.js';
import { createHpayProvider, type HpayProvider, type HpayProviderOptions } from './adapter.js';
import { createHpaySimulator, type HpaySimulator, type HpaySimulatorFaults } from './simulator.js';

const KEYS = { apiKey: '91265Y.190DE10.967ZAA', publicKey: 'pkey.006JhgTHSd23f5.SDjd.Sze12Zds.hdesK1', secretKey: 'sk.7Hq2.PzX9', mode: 'TEST' as const };
const MOUNT = '/simulators/hpay';
const MINUTE = 60_000;

let clock = Date.parse('2025-11-08T09:00:00Z');
const now = () => clock;
let simulatorServer: Server;
let proxyServer: Server;
let simulator: HpaySimulator;
let simOrigin: string;
let baseUrl: string;
let proxyBase: string;
const faults: HpaySimulatorFaults = {};
/** What reached the stand-in proxy: notifications and the shopper's returns. */
const notifications: { paymentId: string; body: Record<string, unknown> }[] = [];
const returns: { paymentId: string; outcome: string }[] = [];
/** Every call the adapter made, by path. */
const adapterCalls: string[] = [];

function listen(app: express.Express): Promise<Server> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function origin(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const recordingFetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
  adapterCalls.push(new URL(String(input)).pathname.slice(MOUNT.length));
  return fetch(input, init);
}) as typeof fetch;

function provider(overrides: Partial<HpayProviderOptions> = {}): HpayProvider {
  return createHpayProvider({ baseUrl, ...KEYS, fetch: recordingFetch, now, ...overrides });
}

let sequence = 0;
function paymentRequest(overrides: Partial<CreatePaymentRequest> = {}): CreatePaymentRequest {
  const paymentId = `pay_${++sequence}_${Math.random().toString(36).slice(2, 8)}`;
  return {
    paymentId,
    methodCode: 'hosted',
    fields: {},
    amount: 14900,
    currency: 'CAD',
    description: "Sac d'école pour enfant",
    locale: 'fr',
    returnUrls: { success: `${proxyBase}/return/${paymentId}?outcome=success`, fail: `${proxyBase}/return/${paymentId}?outcome=fail`, pending: `${proxyBase}/return/${paymentId}?outcome=pending` },
    callbackUrl: `${proxyBase}/callbacks/hpay/${paymentId}`,
    ...overrides,
  };
}

function calls(name: string): number {
  return simulator.stats.calls[name] ?? 0;
}

/** The shopper on HPAY's page: opens checkout_url, presses a button, follows the redirect (not fetched). */
async function shopperPresses(checkoutUrl: string, button: 'Pay' | 'Cancel'): Promise<string> {
  const page = await fetch(checkoutUrl);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain(`>${button}</button>`);
  const form = formsOf(html).find((f) => f.action.endsWith(button === 'Pay' ? '/checkout/pay' : '/checkout/cancel'));
  expect(form).toBeDefined();
  const response = await fetch(new URL(form!.action, simOrigin), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form!.fields).toString(),
    redirect: 'manual',
  });
  expect(response.status).toBe(303);
  return response.headers.get('location') ?? '';
}


beforeAll(async () => {
  const proxy = express();
  proxy.use(express.json());
  proxy.post('/callbacks/hpay/:paymentId', (req, res) => {
    notifications.push({ paymentId: req.params.paymentId, body: req.body as Record<string, unknown> });
    res.json({ ok: true });
  });
  proxy.get('/return/:paymentId', (req, res) => {
    returns.push({ paymentId: req.params.paymentId, outcome: String(req.query.outcome) });
    res.type('text/plain').send('back at the shop');
  });
  proxyServer = await listen(proxy);
  proxyBase = origin(proxyServer);

  const app = express();
  simulatorServer = await listen(app);
  simOrigin = origin(simulatorServer);
  baseUrl = `${simOrigin}${MOUNT}`;
  simulator = createHpaySimulator({ ...KEYS, currency: 'CAD', publicUrl: baseUrl, now, faults, mainBalance: 5000, profitBalance: 10000 });
  app.use(MOUNT, simulator);
});

afterAll(async () => {
  await Promise.all([simulatorServer, proxyServer].map((server) => new Promise((resolve) => server.close(resolve))));
});

beforeEach(() => {
  faults.expireNextTokens = 0;
  faults.failNextRequests = 0;
  adapterCalls.length = 0;
});

describe('HPAY token', () => {
  it('ten payments within 15 minutes cause one getToken', async () => {
    const hpay = provider();
    const before = { token: calls('getToken'), payment: calls('payment') };
    for (let i = 0; i < 10; i++) {
      const state = await hpay.createPayment(paymentRequest());
      expect(state.status).toBe('pending');
      clock += 80_000; // 10 × 80 s = 13 min 20 s, inside the token's life minus the margin
    }
    expect(calls('getToken') - before.token).toBe(1);
    expect(calls('payment') - before.payment).toBe(10);
  });

  it('concurrent calls share one getToken', async () => {
    const hpay = provider();
    const before = calls('getToken');
    await Promise.all([
      ...Array.from({ length: 6 }, () => hpay.createPayment(paymentRequest())),
      hpay.hpayOperations.paymentHistory({ limit: 5 }),
      hpay.hpayOperations.collectBalance(),
    ]);
    expect(calls('getToken') - before).toBe(1);
  });

  it('takes a new token after 15 minutes of simulated time', async () => {
    const hpay = provider();
    const before = calls('getToken');
    await hpay.createPayment(paymentRequest());
    clock += 15 * MINUTE;
    await hpay.createPayment(paymentRequest());
    expect(calls('getToken') - before).toBe(2);
    // ... and not before its life minus the one-minute margin is over.
    clock += 13 * MINUTE;
    await hpay.createPayment(paymentRequest());
    expect(calls('getToken') - before).toBe(2);
  });

  it('a token HPAY says has expired is refreshed once and the call retried once', async () => {
    // The adapter's clock stands still, so it believes its token is fresh; HPAY's moves on.
    let adapterClock = clock;
    const hpay = provider({ now: () => adapterClock });
    await hpay.createPayment(paymentRequest());
    const before = { token: calls('getToken'), payment: calls('payment') };
    clock += 16 * MINUTE;
    adapterClock += MINUTE;
    const state = await hpay.createPayment(paymentRequest());
    expect(state.status).toBe('pending');
    expect(calls('getToken') - before.token).toBe(1);
    expect(calls('payment') - before.payment).toBe(2);
    expect(adapterCalls.slice(-3)).toEqual(['/payment/', '/getToken/', '/payment/']);
  });

  it('never loops: a second refusal is authentication_failed after one refresh', async () => {
    const hpay = provider();
    await hpay.hpayOperations.collectBalance();
    const before = { token: calls('getToken'), balance: calls('getCollectBalance') };
    faults.expireNextTokens = 5;
    const error = await rejection(hpay.hpayOperations.collectBalance());
    expect(error.code).toBe('authentication_failed');
    expect(error.message).toMatch(/refused a freshly generated token too.*Token expired/);
    expect(calls('getToken') - before.token).toBe(1);
    expect(calls('getCollectBalance') - before.balance).toBe(2);
    expect(faults.expireNextTokens).toBe(3);
  });
});

describe('HPAY currency and methods', () => {
  it('refuses a session in another currency before /payment/ is sent', async () => {
    const hpay = provider();
    const before = calls('payment');
    const error = await rejection(hpay.createPayment(paymentRequest({ currency: 'EUR', amount: 14900 })));
    expect(error.code).toBe('invalid_request');
    expect(error.message).toBe("currency: HPAY takes payments only in the account's currency, CAD; this session is in EUR");
    expect(calls('payment') - before).toBe(0);
    expect(adapterCalls).toEqual(['/getToken/']);
  });

  it('with the account currency configured, refuses before any call at all', async () => {
    const hpay = provider({ accountCurrency: 'CAD' });
    expect((await rejection(hpay.createPayment(paymentRequest({ currency: 'XOF', amount: 7000 })))).code).toBe('invalid_request');
    expect(adapterCalls).toEqual([]);
  });

  it('lists one hosted method, only in the account currency', async () => {
    const hpay = provider();
    expect(await hpay.listMethods({ currency: 'CAD', locale: 'en' })).toEqual([{ id: 'hpay:hosted', provider: 'hpay', name: 'HPAY', category: 'wallet', fields: [], paidOnProviderPage: true }]);
    expect(await hpay.listMethods({ currency: 'USD', locale: 'en' })).toEqual([]);
  });

  it('refuses an unknown method', async () => {
    expect((await rejection(provider().createPayment(paymentRequest({ methodCode: 'card' })))).code).toBe('invalid_request');
  });
});

describe('HPAY hosted page, notification and status', () => {
  it('pay on the hosted page: notify_url is signalled, the shopper returns to success_url, getPayment says succeeded', async () => {
    const hpay = provider();
    const request = paymentRequest({ amount: 2550 });
    const created = await hpay.createPayment(request);
    expect(created).toMatchObject({ status: 'pending', amount: 2550, currency: 'CAD', providerStatus: 'UNPAID' });
    expect(created.action).toEqual({ type: 'redirect', url: `${baseUrl}/checkout/?ref=${created.providerRef}` });
    expect(await hpay.getPayment({ paymentId: request.paymentId, providerRef: created.providerRef })).toMatchObject({ status: 'pending', providerStatus: 'UNPAID' });

    const location = await shopperPresses((created.action as { url: string }).url, 'Pay');
    expect(location).toBe(request.returnUrls.success);
    const notification = notifications.find((n) => n.paymentId === request.paymentId);
    expect(notification?.body).toMatchObject({ transaction_id: created.providerRef, status: 'PAID' });

    const lookup = hpay.readCallback({ paymentId: request.paymentId, headers: {}, query: {}, body: notification?.body });
    expect(lookup).toEqual({ paymentId: request.paymentId, providerRef: created.providerRef });
    const state = await hpay.getPayment(lookup!);
    expect(state).toEqual({ status: 'succeeded', providerRef: created.providerRef, amount: 2550, currency: 'CAD', providerStatus: 'PAID' });
    expect(adapterCalls.at(-1)).toBe('/getPaymentHistory/');
  });

  it('cancel: the shopper goes to cancel_url, no notification, the transaction stays UNPAID → pending', async () => {
    const hpay = provider();
    const request = paymentRequest();
    const created = await hpay.createPayment(request);
    const location = await shopperPresses((created.action as { url: string }).url, 'Cancel');
    expect(location).toBe(request.returnUrls.fail);
    expect(notifications.some((n) => n.paymentId === request.paymentId)).toBe(false);
    const state = await hpay.getPayment({ paymentId: request.paymentId, providerRef: created.providerRef });
    expect(state).toMatchObject({ status: 'pending', providerStatus: 'UNPAID', action: { type: 'redirect' } });
  });

  it("a notification's words are not trusted, and a replay changes nothing", async () => {
    const hpay = provider();
    const request = paymentRequest({ amount: 1000 });
    const created = await hpay.createPayment(request);
    // A forged "PAID" for an unpaid transaction: the history still says UNPAID.
    const forged = hpay.readCallback({ paymentId: request.paymentId, headers: {}, query: {}, body: { transaction_id: created.providerRef, status: 'PAID' } });
    expect((await hpay.getPayment(forged!)).status).toBe('pending');

    await shopperPresses((created.action as { url: string }).url, 'Pay');
    const balance = await hpay.hpayOperations.collectBalance();
    const first = await hpay.getPayment(forged!);
    // The shopper posts Pay again (back button), and the notification arrives again.
    const page = await (await fetch((created.action as { url: string }).url)).text();
    expect(page).toContain('Already paid');
    expect(page).not.toContain('>Pay</button>');
    const replay = await fetch(new URL('/simulators/hpay/checkout/pay', simOrigin), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `ref=${created.providerRef}`,
      redirect: 'manual',
    });
    expect(replay.headers.get('location')).toBe(request.returnUrls.success);
    expect(notifications.filter((n) => n.paymentId === request.paymentId)).toHaveLength(1);
    expect(await hpay.getPayment(forged!)).toEqual(first);
    expect(await hpay.hpayOperations.collectBalance()).toEqual(balance);
  });

  it('finds a payment by our reference when the transaction_id was lost', async () => {
    const hpay = provider();
    const request = paymentRequest({ amount: 4200 });
    const created = await hpay.createPayment(request);
    expect(await hpay.getPayment({ paymentId: request.paymentId })).toMatchObject({ providerRef: created.providerRef, amount: 4200 });
    expect((await rejection(hpay.getPayment({ paymentId: 'pay_unknown' }))).code).toBe('not_found');
  });

  it("refuses a transaction that belongs to another payment, or that does not exist", async () => {
    const hpay = provider();
    const mine = paymentRequest();
    const theirs = await hpay.createPayment(paymentRequest());
    expect((await rejection(hpay.getPayment({ paymentId: mine.paymentId, providerRef: theirs.providerRef }))).message).toMatch(/belongs to another payment/);
    expect((await rejection(hpay.getPayment({ paymentId: mine.paymentId, providerRef: 'NoSuchTx' }))).code).toBe('not_found');
  });

  it('the hosted page of an unknown transaction is a 404', async () => {
    const page = await fetch(`${baseUrl}/checkout/?ref=nope`);
    expect(page.status).toBe(404);
  });
});

describe('HPAY history and balance', () => {
  it('filters the history by status, transaction_id, dates and fetch_limit', async () => {
    const hpay = provider();
    clock = Date.parse('2030-01-10T12:00:00Z');
    const a = await hpay.createPayment(paymentRequest({ amount: 100 }));
    clock = Date.parse('2030-01-11T12:00:00Z');
    const b = await hpay.createPayment(paymentRequest({ amount: 200 }));
    clock = Date.parse('2030-01-12T12:00:00Z');
    const c = await hpay.createPayment(paymentRequest({ amount: 300 }));
    await shopperPresses((b.action as { url: string }).url, 'Pay');

    const ops = hpay.hpayOperations;
    const since = { dateFrom: '2030-01-10' };
    expect((await ops.paymentHistory(since)).map((t) => t.providerRef)).toEqual([c.providerRef, b.providerRef, a.providerRef]);
    expect((await ops.paymentHistory({ ...since, status: 'PAID' })).map((t) => t.providerRef)).toEqual([b.providerRef]);
    expect((await ops.paymentHistory({ ...since, status: 'UNPAID' })).map((t) => t.providerRef)).toEqual([c.providerRef, a.providerRef]);
    expect((await ops.paymentHistory({ transactionId: a.providerRef! })).map((t) => t.amount)).toEqual([100]);
    expect((await ops.paymentHistory({ dateFrom: '2030-01-11', dateTo: '2030-01-11' })).map((t) => t.providerRef)).toEqual([b.providerRef]);
    expect((await ops.paymentHistory({ ...since, offset: 1, limit: 1 })).map((t) => t.providerRef)).toEqual([b.providerRef]);
    const [paid] = await ops.paymentHistory({ transactionId: b.providerRef! });
    expect(paid).toMatchObject({ status: 'succeeded', providerStatus: 'PAID', amount: 200, fees: 20, profit: 180, currency: 'CAD', mode: 'TEST', createdAt: '2030-01-11 12:00:00' });
  });

  it('collect balance grows by what the shopper paid', async () => {
    const hpay = provider();
    const before = await hpay.hpayOperations.collectBalance();
    expect(before).toMatchObject({ currency: 'CAD', companyName: 'HPAY Sandbox INC', companyContact: '00000000' });
    const created = await hpay.createPayment(paymentRequest({ amount: 10000 }));
    await shopperPresses((created.action as { url: string }).url, 'Pay');
    const after = await hpay.hpayOperations.collectBalance();
    expect(after.mainBalance - before.mainBalance).toBe(10000);
    expect(after.profitBalance - before.profitBalance).toBe(9000);
  });
});

describe('HPAY failures', () => {
  it('wrong keys: getToken is refused with authentication_failed, and nothing else is sent', async () => {
    const hpay = provider({ secretKey: 'wrong' });
    const error = await rejection(hpay.createPayment(paymentRequest()));
    expect(error.code).toBe('authentication_failed');
    expect(error.httpStatus).toBe(401);
    expect(error.message).toBe('HPAY refused getToken: Invalid API credentials (error_code 102); check HPAY_API_KEY, HPAY_PUBLIC_KEY, HPAY_SECRET_KEY and HPAY_MODE');
    expect(adapterCalls).toEqual(['/getToken/']);
    expect(JSON.stringify(error.raw)).not.toContain('wrong');
  });

  it('a wrong mode is refused too', async () => {
    const error = await rejection(provider({ mode: 'PROD' }).hpayOperations.collectBalance());
    expect(error.code).toBe('authentication_failed');
    expect(error.message).toContain('Invalid mode');
  });

  it('a failed getToken is not cached', async () => {
    const hpay = provider();
    faults.failNextRequests = 1;
    expect((await rejection(hpay.hpayOperations.collectBalance())).code).toBe('provider_unavailable');
    expect((await hpay.hpayOperations.collectBalance()).currency).toBe('CAD');
  });

  it('a 500 on /payment/ is outcome_unknown and is not retried; on a read it is provider_unavailable', async () => {
    const hpay = provider();
    await hpay.hpayOperations.accountCurrency();
    const before = calls('payment');
    faults.failNextRequests = 1;
    expect((await rejection(hpay.createPayment(paymentRequest()))).code).toBe('outcome_unknown');
    expect(calls('payment') - before).toBe(1);
    faults.failNextRequests = 1;
    expect((await rejection(hpay.hpayOperations.paymentHistory())).code).toBe('provider_unavailable');
  });

  it('the simulator refuses an unknown token and a missing field with its codes', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => [r.status, await r.json()] as const);
    expect(await post('/getCollectBalance/', { api_key: KEYS.apiKey, api_public_key: KEYS.publicKey, token: 'forged' })).toEqual([401, { success: false, message: 'Invalid token', error_code: 103 }]);
    expect(await post('/getToken/', { api_key: KEYS.apiKey, api_public_key: KEYS.publicKey, mode: 'TEST' })).toEqual([400, { success: false, message: 'api_secret_key is required', error_code: 101 }]);
  });
});
