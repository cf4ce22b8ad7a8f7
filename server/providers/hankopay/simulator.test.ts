/**
 * The real adapter against the simulator, over HTTP on ephemeral loopback ports. A second small
 * server stands in for the proxy: its return URLs receive the payment page's form posts and its
 * callback URL the simulator's callbacks. The "browser" here follows the page's forms.
 */
import { appRejection as rejection } from '../../testing/rejections.js';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../errors.js';
import { formsOf } from '../../testing/html-forms.js';
import type { CardDetails, CreatePaymentRequest, PaymentProvider, PayoutRequest } from '../provider.js';
import { createHankoPayProvider } from './adapter.js';
import { createHankoPaySimulator, HANKOPAY_TEST_CARDS, type HankoPaySimulatorFaults } from './simulator.js';

const API_KEY = 'hkp_test_4c1e9a7f';
const MOUNT = '/simulators/hankopay';
const LIST_MOUNT = '/simulators/hankopay-list';
const CARDS = HANKOPAY_TEST_CARDS;
/** A security code no id or amount in these tests contains as a whole JSON value. */
const CVV = '7391';

let simulatorServer: Server;
let proxyServer: Server;
let baseUrl: string;
let listBaseUrl: string;
let proxyBase: string;
const faults: HankoPaySimulatorFaults = {};
const simulatorLogs: unknown[] = [];
const sentBodies: string[] = [];
const adapterCalls: { url: string; method: string; headers: Record<string, string> }[] = [];
const callbacks: { paymentId: string; body: Record<string, unknown> }[] = [];
const returns: { paymentId: string; outcome: string; method: string; fields: Record<string, string> }[] = [];
let provider: PaymentProvider;

function listen(app: express.Express): Promise<Server> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function origin(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const recordingFetch = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
  adapterCalls.push({ url: String(input), method: init.method ?? 'GET', headers: { ...(init.headers as Record<string, string>) } });
  if (typeof init.body === 'string') sentBodies.push(init.body);
  return fetch(input, init);
}) as typeof fetch;

beforeAll(async () => {
  const proxy = express();
  proxy.use(express.json(), express.urlencoded({ extended: false }));
  proxy.post('/callbacks/:paymentId', (req, res) => {
    callbacks.push({ paymentId: req.params.paymentId, body: req.body as Record<string, unknown> });
    res.sendStatus(200);
  });
  proxy.all('/return/:paymentId', (req, res) => {
    returns.push({ paymentId: req.params.paymentId, outcome: String(req.query.outcome), method: req.method, fields: req.body as Record<string, string> });
    res.type('text/plain').send('ok');
  });
  proxyServer = await listen(proxy);
  proxyBase = origin(proxyServer);

  const app = express();
  simulatorServer = await listen(app);
  baseUrl = `${origin(simulatorServer)}${MOUNT}`;
  listBaseUrl = `${origin(simulatorServer)}${LIST_MOUNT}`;
  const capture = (level: string) => (details: object, message?: string) => simulatorLogs.push({ level, details, message });
  const logger = { info: capture('info'), warn: capture('warn') };
  app.use(MOUNT, createHankoPaySimulator({ apiKey: API_KEY, publicUrl: baseUrl, faults, logger }));
  // A second, empty simulator for the pagination test: the first one's history grows with every test.
  app.use(LIST_MOUNT, createHankoPaySimulator({ apiKey: API_KEY, publicUrl: listBaseUrl, logger }));
  provider = createHankoPayProvider({ baseUrl, apiKey: API_KEY, fetch: recordingFetch });
});

afterAll(async () => {
  await new Promise((resolve) => simulatorServer.close(resolve));
  await new Promise((resolve) => proxyServer.close(resolve));
});

function card(number: string, overrides: Partial<CardDetails> = {}): CardDetails {
  return { number, expiryMonth: '12', expiryYear: '39', securityCode: CVV, holderName: 'John Doe', ...overrides };
}

function paymentRequest(overrides: Partial<CreatePaymentRequest> = {}): CreatePaymentRequest {
  const paymentId = overrides.paymentId ?? `pay_${randomUUID().replaceAll('-', '')}`;
  return {
    paymentId,
    methodCode: 'card',
    fields: {},
    amount: 50000,
    currency: 'USD',
    description: 'Order 42',
    locale: 'en',
    customer: { name: 'John Doe', email: 'john.doe@example.com' },
    billingAddress: { street: '123 Main Street', city: 'New York', region: 'NY', country: 'US', postCode: '10001' },
    shopperIp: '::ffff:203.0.113.10',
    card: card(CARDS.successDirect.number),
    returnUrls: {
      success: `${proxyBase}/return/${paymentId}?outcome=success`,
      fail: `${proxyBase}/return/${paymentId}?outcome=fail`,
      pending: `${proxyBase}/return/${paymentId}?outcome=pending`,
    },
    callbackUrl: `${proxyBase}/callbacks/${paymentId}`,
    ...overrides,
  };
}


async function waitForCallbacks(paymentId: string, count = 1): Promise<{ paymentId: string; body: Record<string, unknown> }[]> {
  for (let i = 0; i < 200; i++) {
    const found = callbacks.filter((callback) => callback.paymentId === paymentId);
    if (found.length >= count) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no callback for ${paymentId}`);
}

/** Hands the proxy's callback to the adapter the way the callback route would. */
function lookupFromCallback(callback: { paymentId: string; body: Record<string, unknown> }) {
  return provider.readCallback({ paymentId: callback.paymentId, headers: {}, body: callback.body, query: {} });
}

async function simulatorApi(path: string, init: RequestInit = {}, key = API_KEY, base = baseUrl): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${base}${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', ...(init.headers as Record<string, string> | undefined) },
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** Opens the paymentLink, presses a button, and follows the page's post back to the proxy. */
async function answerPaymentPage(link: string, decision: 'pay' | 'cancel') {
  const page = await fetch(link);
  expect(page.status).toBe(200);
  expect(page.headers.get('x-frame-options')).toBeNull();
  expect(page.headers.get('content-security-policy')).not.toMatch(/frame-ancestors/);
  const html = await page.text();
  expect(html).toMatch(/<button type="submit" name="decision" value="pay">Pay<\/button>/);
  expect(html).toMatch(/<button type="submit" name="decision" value="cancel" class="secondary">Cancel<\/button>/);
  expect(html).toContain('******');
  const [form] = formsOf(html);
  const answered = await fetch(new URL(form!.action, link), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ decision }),
  });
  expect(answered.status).toBe(200);
  const back = formsOf(await answered.text()).find((candidate) => candidate.id === 'hankopay-return');
  expect(back).toBeDefined();
  const before = returns.length;
  const landed = await fetch(back!.action, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(back!.fields) });
  expect(landed.status).toBe(200);
  return returns[before]!;
}

// ---------------------------------------------------------------------------------------------

describe('authentication', () => {
  it('refuses a wrong bearer key with the documented header, as authentication_failed', async () => {
    const wrong = createHankoPayProvider({ baseUrl, apiKey: 'hkp_test_wrong' });
    const error = await rejection(wrong.createPayment(paymentRequest()));
    expect(error.code).toBe('authentication_failed');
    expect(error.message).toBe('HankoPay refused the merchant API key (HTTP 401) on the transaction (HankoPay: UNAUTHORIZED: Invalid or missing merchant API key)');
    expect((await rejection(wrong.walletBalances!())).code).toBe('authentication_failed');

    const bare = await fetch(`${baseUrl}/api/v1/wallet/balance`);
    expect(bare.status).toBe(401);
    expect(await bare.json()).toEqual({ success: false, code: 'UNAUTHORIZED', message: 'Invalid or missing merchant API key' });
    const basic = await fetch(`${baseUrl}/api/v1/wallet/balance`, { headers: { Authorization: `Basic ${API_KEY}` } });
    expect(basic.status).toBe(401);
  });

  it('sends the merchant API key as Bearer on every call, under /api/v1', async () => {
    const first = adapterCalls.length;
    const request = paymentRequest();
    const state = await provider.createPayment(request);
    await provider.getPayment({ paymentId: request.paymentId, providerRef: state.providerRef });
    const refunded = await provider.refund!({ paymentId: request.paymentId, providerRef: state.providerRef }, 100, 'USD', 'test');
    const refundId = /refund pending (\w+)$/.exec(refunded.providerStatus ?? '')?.[1];
    await provider.listTransactions!({ page: 1, limit: 5 });
    await provider.walletBalances!();
    await provider.createPayout!(payoutRequest({ amount: 100 }));
    const calls = adapterCalls.slice(first);
    expect(refundId).toBeDefined();
    expect(calls.map((call) => `${call.method} ${new URL(call.url).pathname.replace(MOUNT, '')}`)).toEqual([
      // A create answered success is confirmed by a lookup before it counts.
      'POST /api/v1/transactions',
      'GET /api/v1/transactions/' + state.providerRef + '/status',
      'GET /api/v1/transactions/' + state.providerRef,
      'GET /api/v1/transactions/' + state.providerRef + '/status',
      'GET /api/v1/transactions/' + state.providerRef,
      // The refund is settled from its own status: the document's refundTransactionId.
      'POST /api/v1/transactions/' + state.providerRef + '/refund',
      'GET /api/v1/transactions/' + state.providerRef + '/status',
      'GET /api/v1/transactions/' + state.providerRef,
      'GET /api/v1/transactions/' + refundId + '/status',
      'GET /api/v1/transactions',
      'GET /api/v1/wallet/balance',
      'GET /api/v1/wallet/balance',
      'POST /api/v1/payouts',
    ]);
    for (const call of calls) expect(call.headers.Authorization).toBe(`Bearer ${API_KEY}`);
  });
});

describe('test cards', () => {
  it('4242…: success at once, with the proxy\'s URLs, the shopper IP and the masked card', async () => {
    const request = paymentRequest();
    const state = await provider.createPayment(request);
    // Confirmed by a status lookup before it counts: the amount and currency come from that lookup.
    expect(state).toMatchObject({ status: 'succeeded', providerStatus: 'success (Approved)', amount: 50000, currency: 'USD', card: { mask: '424242******4242', brand: 'VISA' } });
    expect(state.action).toBeUndefined();
    const sent = JSON.parse(sentBodies.at(-1)!) as Record<string, Record<string, unknown>>;
    expect(sent.urls).toEqual({ success: request.returnUrls.success, failure: request.returnUrls.fail, callback: request.callbackUrl });
    expect(sent.customer).toEqual({ firstName: 'John', lastName: 'Doe', email: 'john.doe@example.com', ipAddress: '203.0.113.10' });
    expect(sent.paymentMethod).toMatchObject({ cardSecurityCode: CVV, expiryMonth: '12', expiryYear: '2039' });

    const [callback] = await waitForCallbacks(request.paymentId);
    const lookup = lookupFromCallback(callback!);
    expect(lookup).toEqual({ paymentId: request.paymentId, providerRef: state.providerRef });
    expect(await provider.getPayment(lookup!)).toEqual({
      status: 'succeeded',
      providerRef: state.providerRef,
      providerStatus: 'success (Approved)',
      amount: 50000,
      currency: 'USD',
    });
  });

  it.each([
    [CARDS.declined.number, 'card_declined', 'The card was declined.'],
    [CARDS.insufficientFunds.number, 'card_declined', 'The card was declined: insufficient funds.'],
  ])('%s: failed at once (%s)', async (number, code, message) => {
    const request = paymentRequest({ card: card(number) });
    const state = await provider.createPayment(request);
    expect(state.status).toBe('failed');
    expect(state.failure).toEqual({ code, message });
    const looked = await provider.getPayment({ paymentId: request.paymentId, providerRef: state.providerRef });
    expect(looked).toMatchObject({ status: 'failed', failure: { code, message }, amount: 50000, currency: 'USD' });
  });

  it('a past expiry fails at once; a number failing Luhn is refused before anything is sent', async () => {
    const expired = await provider.createPayment(paymentRequest({ card: card(CARDS.paymentLink.number, { expiryMonth: '01', expiryYear: '2020' }) }));
    expect(expired).toMatchObject({ status: 'failed', failure: { code: 'card_declined', message: 'The card was declined: it has expired.' } });
    const calls = adapterCalls.length;
    const error = await rejection(provider.createPayment(paymentRequest({ card: card('4111111111111112') })));
    expect(error.code).toBe('invalid_request');
    expect(adapterCalls.length).toBe(calls);
    const raw = await simulatorApi('/api/v1/transactions', { method: 'POST', body: JSON.stringify({ ...JSON.parse(sentBodies.at(-1)!), orderId: 'luhn', paymentMethod: { cardNumber: '4111111111111112', cardholderName: 'x', cardSecurityCode: CVV, expiryMonth: '01', expiryYear: '2039' } }) });
    expect(raw).toEqual({ status: 400, json: { success: false, code: 'VALIDATION_ERROR', message: 'paymentMethod.cardNumber is not a valid card number' } });
  });

  it('refuses a second transaction with the same orderId as a conflict', async () => {
    const request = paymentRequest();
    await provider.createPayment(request);
    const error = await rejection(provider.createPayment(request));
    expect(error.code).toBe('conflict');
    expect(error.message).toMatch(/DUPLICATE_ORDER_ID/);
  });
});

describe('the payment link', () => {
  it('4111…: pending with a link; "Pay" posts back to the success URL; the callback and the lookup say succeeded', async () => {
    const request = paymentRequest({ card: card(CARDS.paymentLink.number) });
    const state = await provider.createPayment(request);
    expect(state.status).toBe('requires_action');
    expect(state.action).toEqual({ type: 'redirect', url: expect.stringMatching(new RegExp(`^${baseUrl}/checkout/[\\w-]+$`)) as unknown });
    const link = (state.action as { url: string }).url;
    const lookup = { paymentId: request.paymentId, providerRef: state.providerRef };
    // A poll while the shopper is on the page keeps the link.
    expect(await provider.getPayment(lookup)).toMatchObject({ status: 'requires_action', action: { type: 'redirect', url: link } });

    const back = await answerPaymentPage(link, 'pay');
    expect(back).toEqual({ paymentId: request.paymentId, outcome: 'success', method: 'POST', fields: { transactionId: state.providerRef, orderId: request.paymentId, status: 'success' } });
    const [callback] = await waitForCallbacks(request.paymentId);
    expect(await provider.getPayment(lookupFromCallback(callback!)!)).toMatchObject({ status: 'succeeded', amount: 50000, currency: 'USD' });
    expect((await fetch(link)).status).toBe(404);
  });

  it('"Cancel" posts back to the failure URL and the payment is canceled', async () => {
    const request = paymentRequest({ card: card(CARDS.paymentLink.number) });
    const state = await provider.createPayment(request);
    const back = await answerPaymentPage((state.action as { url: string }).url, 'cancel');
    expect(back.outcome).toBe('fail');
    expect(back.fields.status).toBe('cancelled');
    await waitForCallbacks(request.paymentId);
    expect(await provider.getPayment({ paymentId: request.paymentId, providerRef: state.providerRef })).toMatchObject({ status: 'canceled', providerStatus: 'cancelled (Cancelled by the customer)' });
  });

  it('5555…: "Pay" fails 3-D Secure and posts back to the failure URL', async () => {
    const request = paymentRequest({ card: card(CARDS.paymentLinkFails.number) });
    const state = await provider.createPayment(request);
    const back = await answerPaymentPage((state.action as { url: string }).url, 'pay');
    expect(back).toMatchObject({ outcome: 'fail', fields: { status: 'failed' } });
    expect(await provider.getPayment({ paymentId: request.paymentId, providerRef: state.providerRef })).toMatchObject({
      status: 'failed',
      failure: { code: 'payment_declined', message: '3-D Secure verification failed, so the payment was not made.' },
    });
  });

  it('frames the link when asked to (the sandbox setting)', async () => {
    const framed = createHankoPayProvider({ baseUrl, apiKey: API_KEY, paymentLinkAction: 'iframe' });
    const state = await framed.createPayment(paymentRequest({ card: card(CARDS.paymentLink.number) }));
    expect(state.action).toMatchObject({ type: 'iframe' });
  });
});

describe('callbacks', () => {
  it('a replayed callback gives the same lookup and the same state', async () => {
    const request = paymentRequest();
    const state = await provider.createPayment(request);
    await waitForCallbacks(request.paymentId);
    for (let i = 0; i < 2; i++) {
      const replay = await simulatorApi(`/_sim/transactions/${state.providerRef}/callback`, { method: 'POST', body: '{}' });
      expect(replay).toEqual({ status: 200, json: { delivered: 200 } });
    }
    const received = await waitForCallbacks(request.paymentId, 3);
    expect(received[1]!.body).toEqual(received[0]!.body);
    const lookups = received.map(lookupFromCallback);
    expect(lookups[2]).toEqual(lookups[0]);
    const states = await Promise.all(lookups.map((lookup) => provider.getPayment(lookup!)));
    expect(states[1]).toEqual(states[0]);
    expect(states[2]).toEqual(states[0]);
  });

  it('a callback with a wrong amount changes nothing: the adapter reports the amount HankoPay holds', async () => {
    const request = paymentRequest();
    const state = await provider.createPayment(request);
    await waitForCallbacks(request.paymentId);
    await simulatorApi(`/_sim/transactions/${state.providerRef}/callback`, { method: 'POST', body: JSON.stringify({ amount: 1, currency: 'EUR', status: 'success' }) });
    const [, forged] = await waitForCallbacks(request.paymentId, 2);
    expect(forged!.body).toMatchObject({ amount: 1, currency: 'EUR' });
    // The service compares these with its record: they match, so the payment is paid as usual.
    expect(await provider.getPayment(lookupFromCallback(forged!)!)).toMatchObject({ status: 'succeeded', amount: 50000, currency: 'USD' });
  });

  it('reports the amount and currency HankoPay holds when they differ from the order (the service holds that for review)', async () => {
    const request = paymentRequest();
    const state = await provider.createPayment(request);
    const adjusted = await simulatorApi(`/_sim/transactions/${state.providerRef}/adjust`, { method: 'POST', body: JSON.stringify({ fromAmount: 5, currency: 'EUR' }) });
    expect(adjusted.status).toBe(200);
    await simulatorApi(`/_sim/transactions/${state.providerRef}/callback`, { method: 'POST', body: '{}' });
    const [, callback] = await waitForCallbacks(request.paymentId, 2);
    const reported = await provider.getPayment(lookupFromCallback(callback!)!);
    // succeeded with 5.00 EUR for a 500.00 USD order: PaymentService.applyState logs it and
    // appends `held_for_review` instead of marking the payment paid.
    expect(reported).toMatchObject({ status: 'succeeded', amount: 500, currency: 'EUR' });
    expect(reported.amount).not.toBe(request.amount);
  });

  it('ignores a callback whose orderId is not the payment in its URL, and refuses a transaction of another order', async () => {
    const mine = paymentRequest();
    const theirs = paymentRequest();
    await provider.createPayment(mine);
    const other = await provider.createPayment(theirs);
    expect(provider.readCallback({ paymentId: mine.paymentId, headers: {}, body: { transactionId: other.providerRef, orderId: theirs.paymentId }, query: {} })).toBeUndefined();
    expect(provider.readCallback({ headers: {}, body: { transactionId: other.providerRef, orderId: theirs.paymentId }, query: {} })).toEqual({ paymentId: theirs.paymentId, providerRef: other.providerRef });
    const error = await rejection(provider.getPayment({ paymentId: mine.paymentId, providerRef: other.providerRef }));
    expect(error.code).toBe('not_found');
    expect(error.message).toMatch(/belongs to orderId/);
  });
});

describe('lookups', () => {
  it('finds a payment whose create answer was lost by its orderId, and says not_found for one never created', async () => {
    const request = paymentRequest();
    const state = await provider.createPayment(request);
    expect(await provider.getPayment({ paymentId: request.paymentId })).toMatchObject({ status: 'succeeded', providerRef: state.providerRef });
    expect((await rejection(provider.getPayment({ paymentId: 'pay_never_created' }))).code).toBe('not_found');
  });

  it('gives the stored record as details, card masked and no security code', async () => {
    const request = paymentRequest();
    const state = await provider.createPayment(request);
    const details = await provider.paymentDetails!({ paymentId: request.paymentId, providerRef: state.providerRef });
    expect(details.state.status).toBe('succeeded');
    expect(details.record).toMatchObject({ _id: state.providerRef, orderId: request.paymentId, paymentMethod: { cardNumber: '424242******4242', cardholderName: 'John Doe' } });
    const text = JSON.stringify(details.record);
    expect(text).not.toContain(CARDS.successDirect.number);
    expect(text).not.toMatch(/securityCode|"7391"/i);
  });

  it('answers a 500 on create as outcome_unknown and on a lookup as provider_unavailable', async () => {
    faults.failNextRequests = 1;
    expect((await rejection(provider.createPayment(paymentRequest()))).code).toBe('outcome_unknown');
    faults.failNextRequests = 1;
    expect((await rejection(provider.walletBalances!())).code).toBe('provider_unavailable');
    faults.failNextRequests = 0;
  });
});

describe('refunds', () => {
  it('refunds in part, then the rest, and refuses more than was charged', async () => {
    const request = paymentRequest();
    const state = await provider.createPayment(request);
    const lookup = { paymentId: request.paymentId, providerRef: state.providerRef };

    const partial = await provider.refund!(lookup, 20000, 'USD', 'Customer requested partial refund');
    expect(partial).toMatchObject({ status: 'partially_refunded', refundedAmount: 20000, amount: 50000, currency: 'USD' });
    expect(partial.providerStatus).toMatch(/refund pending \w+$/);
    // The refund is its own transaction, as the document answers it; the original stays as it was.
    const refundId = /refund pending (\w+)$/.exec(partial.providerStatus!)![1]!;
    expect((await simulatorApi(`/api/v1/transactions/${refundId}/status`)).json).toMatchObject({ transactionId: refundId, referenceTransactionId: state.providerRef, status: 'success' });
    expect((await simulatorApi(`/api/v1/transactions/${refundId}`)).json).toMatchObject({ data: { _id: refundId, referenceTransactionId: state.providerRef, fromAmount: 200, currency: 'USD' } });
    expect((await simulatorApi(`/api/v1/transactions/${state.providerRef}/status`)).json).toMatchObject({ status: 'success' });

    const tooMuch = await rejection(provider.refund!(lookup, 30001, 'USD', 'too much'));
    expect(tooMuch.code).toBe('provider_rejected');
    expect(tooMuch.message).toBe(
      'HankoPay refused the refund (HTTP 422) (HankoPay: REFUND_AMOUNT_EXCEEDED: Refund amount exceeds the refundable amount: at most 300.00 USD can be refunded)',
    );

    const rest = await provider.refund!(lookup, 30000, 'USD', 'the rest');
    expect(rest).toMatchObject({ status: 'refunded', refundedAmount: 50000 });
    const again = await rejection(provider.refund!(lookup, 1, 'USD', 'once more'));
    expect(again.message).toMatch(/TRANSACTION_NOT_REFUNDABLE: A refunded transaction cannot be refunded/);
    expect(await provider.getPayment(lookup)).toMatchObject({ status: 'refunded', refundedAmount: 50000 });
  });

  it('refunds the whole amount at once, and refuses to refund a failed payment', async () => {
    const request = paymentRequest({ amount: 1999 });
    const state = await provider.createPayment(request);
    expect(await provider.refund!({ paymentId: request.paymentId, providerRef: state.providerRef }, 1999, 'USD', 'full')).toMatchObject({ status: 'refunded', refundedAmount: 1999 });
    const failed = paymentRequest({ card: card(CARDS.declined.number) });
    const failedState = await provider.createPayment(failed);
    const error = await rejection(provider.refund!({ paymentId: failed.paymentId, providerRef: failedState.providerRef }, 100, 'USD', 'no'));
    expect(error.message).toMatch(/A failed transaction cannot be refunded/);
  });
});

function payoutRequest(overrides: Partial<PayoutRequest> = {}): PayoutRequest {
  return {
    payoutId: `po_${randomUUID()}`,
    amount: 15000,
    currency: 'USD',
    beneficiary: { firstName: 'Jane', lastName: 'Doe', email: 'jane.doe@example.com', ipAddress: '203.0.113.11' },
    destination: { walletId: 'wallet_123456' },
    card: { number: CARDS.paymentLink.number, expiryMonth: '01', expiryYear: '2039' },
    callbackUrl: `${proxyBase}/callbacks/payouts`,
    ...overrides,
  };
}

describe('payouts and balance', () => {
  it('pays out within the balance, which goes down by the payout', async () => {
    const before = (await provider.walletBalances!()).find((wallet) => wallet.currency === 'USD')!;
    const payout = payoutRequest();
    const state = await provider.createPayout!(payout);
    expect(state).toMatchObject({ payoutId: payout.payoutId, status: 'pending', providerStatus: 'pending' });
    expect(state.providerRef).toMatch(/^[0-9a-f]{24}$/);
    const after = (await provider.walletBalances!()).find((wallet) => wallet.currency === 'USD')!;
    expect(after.amount).toBe(before.amount - 15000);
    expect(JSON.parse(sentBodies.at(-1)!)).toMatchObject({ orderId: payout.payoutId, amount: 150, paymentMethod: { cardNumber: CARDS.paymentLink.number, expiryMonth: '01', expiryYear: '2039' } });
  });

  it('refuses a payout above the balance in its currency before sending it', async () => {
    const calls = adapterCalls.length;
    const error = await rejection(provider.createPayout!(payoutRequest({ currency: 'EUR', amount: 100_001 })));
    expect(error.code).toBe('provider_rejected');
    expect(error.message).toBe('the HankoPay wallet balance in EUR is 1000.00, less than the payout of 1000.01 EUR; nothing was sent');
    expect(adapterCalls.slice(calls).map((call) => call.method)).toEqual(['GET']);
    const none = await rejection(provider.createPayout!(payoutRequest({ currency: 'GBP', amount: 1 })));
    expect(none.message).toMatch(/balance in GBP is 0\.00/);
  });

  it('maps HankoPay\'s own refusal of a short balance to a clear error', async () => {
    const unchecked = createHankoPayProvider({ baseUrl, apiKey: API_KEY, checkBalanceBeforePayout: false });
    const error = await rejection(unchecked.createPayout!(payoutRequest({ currency: 'EUR', amount: 100_001 })));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.code).toBe('provider_rejected');
    expect(error.message).toBe(
      'HankoPay refused the payout (HTTP 422) (HankoPay: INSUFFICIENT_WALLET_BALANCE: Insufficient wallet balance: 1000.00 EUR available, 1000.01 EUR requested)',
    );
  });

  it('credits the wallet with a successful payment, in its currency', async () => {
    const before = (await provider.walletBalances!()).find((wallet) => wallet.currency === 'EUR')!;
    expect(before).toMatchObject({ walletId: 'wallet_234567', paymentMethod: 'card', status: 'active' });
    await provider.createPayment(paymentRequest({ currency: 'EUR', amount: 1234 }));
    const after = (await provider.walletBalances!()).find((wallet) => wallet.currency === 'EUR')!;
    expect(after.amount).toBe(before.amount + 1234);
  });
});

describe('the transaction list', () => {
  it('pages through the history, newest first', async () => {
    const lister = createHankoPayProvider({ baseUrl: listBaseUrl, apiKey: API_KEY });
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      const request = paymentRequest({ amount: 100 * (i + 1) });
      await lister.createPayment(request);
      created.push(request.paymentId);
    }
    const first = await lister.listTransactions!({ page: 1, limit: 2 });
    expect(first).toMatchObject({ page: 1, limit: 2, total: 5, pages: 3 });
    expect(first.transactions.map((item) => item.paymentId)).toEqual([created[4], created[3]]);
    expect(first.transactions[0]).toMatchObject({ status: 'succeeded', amount: 500, currency: 'USD' });
    const last = await lister.listTransactions!({ page: 3, limit: 2 });
    expect(last.transactions.map((item) => item.paymentId)).toEqual([created[0]]);
    expect((await lister.listTransactions!({ page: 4, limit: 2 })).transactions).toEqual([]);
    expect((await rejection(lister.listTransactions!({ page: 1, limit: 101 }))).code).toBe('invalid_request');
    expect((await simulatorApi('/api/v1/transactions?limit=0', {}, API_KEY, listBaseUrl)).status).toBe(400);
  });
});

describe('card data', () => {
  it('never appears in what the simulator logged or answered, nor in what the adapter returned', async () => {
    const request = paymentRequest({ card: card(CARDS.paymentLink.number) });
    const state = await provider.createPayment(request);
    await answerPaymentPage((state.action as { url: string }).url, 'pay');
    const details = await simulatorApi(`/api/v1/transactions/${state.providerRef}`);
    const logged = JSON.stringify(simulatorLogs);
    expect(simulatorLogs.length).toBeGreaterThan(20);
    expect(logged).toContain('411111******1111');
    for (const number of Object.values(CARDS).map((item) => item.number)) {
      expect(logged).not.toContain(number);
      expect(JSON.stringify(details.json)).not.toContain(number);
    }
    expect(logged).not.toMatch(new RegExp(`"${CVV}"|securityCode|cvv`, 'i'));
    expect(JSON.stringify(details.json)).not.toMatch(new RegExp(`"${CVV}"|securityCode|expiry`, 'i'));
    expect(JSON.stringify(state)).not.toMatch(new RegExp(`${CARDS.paymentLink.number}|"${CVV}"`));
    // What the adapter sent HankoPay carries the card, by design: that is the one place it goes.
    expect(sentBodies.some((body) => body.includes(`"cardSecurityCode":"${CVV}"`))).toBe(true);
  });
});
