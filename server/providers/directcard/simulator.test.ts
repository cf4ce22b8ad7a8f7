/**
 * The real adapter against the simulator, over HTTP on ephemeral loopback ports. A second small
 * server stands in for the proxy's return URLs, so the simulator's form posts (3-D Secure's
 * paymentId + securityKey, the checkout's checkoutId) really travel as form data. The "browser"
 * here follows the pages' forms the way a shopper's browser would.
 */
import { appRejection as rejection } from '../../testing/rejections.js';
import { formsOf, unescapeHtml } from '../../testing/html-forms.js';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../errors.js';
import type { CardDetails, CreatePaymentRequest, PaymentProvider, ProviderPaymentState } from '../provider.js';
import { createDirectCardProvider } from './adapter.js';
import { DIRECTCARD_TEST_CARDS, createDirectCardSimulator, type DirectCardSimulatorFaults } from './simulator.js';

const API_KEY = 'dc_test_key_0f3a9c';
const API_SECRET = 'dc_test_secret_77b1e2d4';
const MOUNT = '/simulators/directcard';
const CARDS = DIRECTCARD_TEST_CARDS;
/** Security codes that cannot be mistaken for parts of ids (checked with non-hex neighbours). */
const CVV = '8462';
const AMEX_CVV = '5937';

let simulatorServer: Server;
let returnServer: Server;
let baseUrl: string;
let returnBase: string;
const faults: DirectCardSimulatorFaults = {};
const simulatorLogs: unknown[] = [];
/** Every body the simulator answered the adapter with, and every page the browser saw. */
const transcript: string[] = [];
/** The adapter's request bodies: they carry card data to the gateway, by design. */
const sentBodies: string[] = [];
const adapterCalls: { url: string; method: string; headers: Record<string, string> }[] = [];
const returns: { paymentId: string; outcome: string; fields: Record<string, string> }[] = [];
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
  const response = await fetch(input, init);
  const text = await response.text();
  transcript.push(text);
  return new Response(text, { status: response.status, headers: response.headers });
}) as typeof fetch;

beforeAll(async () => {
  const returnApp = express();
  returnApp.use(express.urlencoded({ extended: false }));
  returnApp.post('/return/:paymentId', (req, res) => {
    returns.push({ paymentId: req.params.paymentId, outcome: String(req.query.outcome), fields: req.body as Record<string, string> });
    res.type('text/plain').send('ok');
  });
  returnServer = await listen(returnApp);
  returnBase = origin(returnServer);

  const app = express();
  simulatorServer = await listen(app);
  baseUrl = `${origin(simulatorServer)}${MOUNT}`;
  const capture = (level: string) => (details: object, message?: string) => simulatorLogs.push({ level, details, message });
  app.use(
    MOUNT,
    createDirectCardSimulator({ apiKey: API_KEY, apiSecret: API_SECRET, publicUrl: baseUrl, faults, logger: { info: capture('info'), warn: capture('warn') } }),
  );
  provider = createDirectCardProvider({ baseUrl, apiKey: API_KEY, apiSecret: API_SECRET, fetch: recordingFetch });
});

afterAll(async () => {
  await new Promise((resolve) => simulatorServer.close(resolve));
  await new Promise((resolve) => returnServer.close(resolve));
});

function card(number: string, overrides: Partial<CardDetails> = {}): CardDetails {
  return { number, expiryMonth: '12', expiryYear: '39', securityCode: CVV, holderName: 'Ayşe Yılmaz', ...overrides };
}

function paymentRequest(overrides: Partial<CreatePaymentRequest> = {}): CreatePaymentRequest {
  const paymentId = overrides.paymentId ?? `pay_${randomUUID().replaceAll('-', '')}`;
  return {
    paymentId,
    methodCode: 'card',
    fields: {},
    amount: 10050,
    currency: 'TRY',
    description: 'Order 42',
    locale: 'tr',
    shopperIp: '::ffff:203.0.113.7',
    shopperPort: 52100,
    card: card(CARDS.approvedWithoutChallenge.number),
    returnUrls: {
      success: `${returnBase}/return/${paymentId}?outcome=success`,
      fail: `${returnBase}/return/${paymentId}?outcome=fail`,
      pending: `${returnBase}/return/${paymentId}?outcome=pending`,
    },
    callbackUrl: `${returnBase}/callbacks/${paymentId}`,
    ...overrides,
  };
}


// ---------------------------------------------------------------------------------------------
// A small browser: reads a page's form and posts it as form data.

async function post(url: string, fields: Record<string, string>): Promise<{ status: number; html: string }> {
  const absolute = new URL(url, baseUrl).toString();
  const response = await fetch(absolute, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
    redirect: 'manual',
  });
  const html = await response.text();
  transcript.push(html);
  return { status: response.status, html };
}

/**
 * Shows challengeHtml the way the proxy's page would: submits its form to the ACS; answers the
 * challenge if one is shown; then follows the auto-posting return form to the return server.
 * Returns whether a challenge was shown and the form data the return URL received.
 */
async function runChallenge(html: string, answer: 'complete' | 'fail' = 'complete') {
  const [entry] = formsOf(html);
  expect(entry, 'htmlContent holds a form').toBeDefined();
  let page = await post(entry!.action, entry!.fields);
  expect(page.status).toBe(200);
  const challenged = page.html.includes('Complete verification');
  if (challenged) {
    expect(page.html).toContain('Fail verification');
    const [decide] = formsOf(page.html);
    page = await post(decide!.action, { ...decide!.fields, decision: answer });
    expect(page.status).toBe(200);
  }
  const back = formsOf(page.html).find((form) => form.id === 'directcard-return');
  expect(back, 'the page posts back to the merchant').toBeDefined();
  expect(page.html).toMatch(/<script nonce="[^"]+">document\.getElementById\('directcard-return'\)\.submit\(\);<\/script>/);
  const before = returns.length;
  const landed = await post(back!.action, back!.fields);
  expect(landed.status).toBe(200);
  const received = returns[before];
  expect(received).toBeDefined();
  return { challenged, received: received! };
}

async function startThreeDSecure(overrides: Partial<CreatePaymentRequest>): Promise<{ request: CreatePaymentRequest; state: ProviderPaymentState }> {
  const request = paymentRequest({ threeDSecure: true, ...overrides });
  const state = await provider.createPayment(request);
  expect(state.status).toBe('requires_action');
  expect(state.challengeHtml).toMatch(/<form id="directcard-3ds" action="[^"]+\/3ds\/acs\//);
  expect(state.action).toBeUndefined();
  return { request, state };
}

// ---------------------------------------------------------------------------------------------

describe('authentication', () => {
  it('refuses calls without the right X-API-KEY and X-API-SECRET', async () => {
    const wrong = createDirectCardProvider({ baseUrl, apiKey: API_KEY, apiSecret: 'not-the-secret' });
    const error = await rejection(wrong.createPayment(paymentRequest({ threeDSecure: false })));
    expect(error.code).toBe('authentication_failed');
    expect(error.message).toMatch(/API key and secret \(HTTP 401\)/);

    const bare = await fetch(`${baseUrl}/api/installment-options`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-API-KEY': API_KEY }, body: '{}' });
    expect(bare.status).toBe(401);
    expect(await bare.json()).toMatchObject({ resultCode: 'UNAUTHORIZED' });
    const unreadable = await fetch(`${baseUrl}/api/payment`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{' });
    expect(unreadable.status).toBe(401);
  });

  it('sends both headers on every call the adapter makes, to every documented endpoint', async () => {
    const first = adapterCalls.length;
    const { request, state } = await startThreeDSecure({ card: card(CARDS.approvedWithoutChallenge.number) });
    const { received } = await runChallenge(state.challengeHtml!);
    await provider.completeChallenge!({ paymentId: request.paymentId, providerRef: state.providerRef }, { fields: received.fields });
    await provider.installmentOptions!({ bin: '542119', amount: 100000, currency: 'TRY' });
    const hostedRequest = paymentRequest({ methodCode: 'hosted' });
    const hosted = await provider.createPayment(hostedRequest);
    await provider.getPayment({ paymentId: hostedRequest.paymentId, providerRef: hosted.providerRef });
    const authRequest = paymentRequest({ captureMode: 'manual' });
    const auth = await provider.createPayment(authRequest);
    await provider.capture!({ paymentId: authRequest.paymentId, providerRef: auth.providerRef }, 100, 'TRY');
    await provider.createPayment(paymentRequest({ threeDSecure: false }));

    const calls = adapterCalls.slice(first);
    const paths = new Set(calls.map((call) => `${call.method} ${new URL(call.url).pathname.replace(/[0-9a-f-]{36}/, ':id')}`));
    expect(paths).toEqual(
      new Set([
        `POST ${MOUNT}/api/3ds`,
        `POST ${MOUNT}/api/3ds/:id/complete`,
        `POST ${MOUNT}/api/installment-options`,
        `POST ${MOUNT}/api/checkout`,
        `GET ${MOUNT}/api/checkout/:id`,
        `POST ${MOUNT}/api/pre-authorization`,
        `POST ${MOUNT}/api/pre-authorization/:id/capture`,
        `POST ${MOUNT}/api/payment`,
      ]),
    );
    for (const call of calls) {
      expect(call.headers['X-API-KEY'], call.url).toBe(API_KEY);
      expect(call.headers['X-API-SECRET'], call.url).toBe(API_SECRET);
    }
  });
});

describe('direct payments (no 3-D Secure), one test card each', () => {
  it('approves the approved cards and returns the card masked as the gateway does', async () => {
    const request = paymentRequest({ threeDSecure: false, card: card(CARDS.approvedWithoutChallenge.number) });
    const state = await provider.createPayment(request);
    expect(state).toMatchObject({
      status: 'succeeded',
      amount: 10050,
      currency: 'TRY',
      providerStatus: 'SUCCESS/SUCCESS (Successful)',
      card: { mask: '411111******1111', brand: 'VISA', type: 'CREDIT' },
    });
    expect(state.providerRef).toMatch(/^[0-9a-f-]{36}$/);
    // The challenge card and the 3-D Secure failure card approve without 3-D Secure.
    for (const number of [CARDS.approvedAfterChallenge.number, CARDS.threeDSecureFails.number]) {
      expect((await provider.createPayment(paymentRequest({ threeDSecure: false, card: card(number) }))).status).toBe('succeeded');
    }
  });

  it('declines the declined card', async () => {
    const state = await provider.createPayment(paymentRequest({ threeDSecure: false, card: card(CARDS.declined.number) }));
    expect(state.status).toBe('failed');
    // The shopper reads a plain sentence; the gateway's words stay in providerStatus for the merchant.
    expect(state.failure).toEqual({ code: 'card_declined', message: 'The card was declined.' });
    expect(state.providerStatus).toBe('FAILED/CARD_DECLINED (Card declined by the issuer (do not honor))');
  });

  it('declines the insufficient funds card with a clear message', async () => {
    const state = await provider.createPayment(paymentRequest({ threeDSecure: false, card: card(CARDS.insufficientFunds.number) }));
    expect(state.status).toBe('failed');
    expect(state.failure?.code).toBe('card_declined');
    expect(state.failure?.message).toMatch(/^The card was declined: insufficient funds\./);
    expect(state.card).toEqual({ mask: '400000******9995', brand: 'VISA', type: 'DEBIT' });
  });

  it('declines an expired card', async () => {
    const state = await provider.createPayment(paymentRequest({ threeDSecure: false, card: card(CARDS.approvedWithoutChallenge.number, { expiryYear: '20' }) }));
    expect(state.failure).toMatchObject({ code: 'card_declined', message: expect.stringMatching(/expired/) as unknown });
  });

  it('refuses a payment without the shopper connection before calling directcard', async () => {
    const calls = adapterCalls.length;
    const error = await rejection(provider.createPayment(paymentRequest({ threeDSecure: false, shopperPort: undefined })));
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(/requestPort/);
    expect(adapterCalls.length).toBe(calls);
  });

  it('refuses an orderId used twice', async () => {
    const request = paymentRequest({ threeDSecure: false });
    await provider.createPayment(request);
    const error = await rejection(provider.createPayment(request));
    expect(error.code).toBe('conflict');
  });

  it('answers a 500 to a payment as outcome_unknown, and to a read as provider_unavailable', async () => {
    faults.failNextRequests = 1;
    expect((await rejection(provider.createPayment(paymentRequest({ threeDSecure: false })))).code).toBe('outcome_unknown');
    faults.failNextRequests = 1;
    expect((await rejection(provider.installmentOptions!({ bin: '542119', amount: 100000, currency: 'TRY' }))).code).toBe('provider_unavailable');
  });

  it('has no status lookup for card payments, and says so', async () => {
    const state = await provider.createPayment(paymentRequest({ threeDSecure: false }));
    const lookup = { paymentId: 'pay_x', providerRef: state.providerRef };
    expect(provider.hasStatusLookup!(lookup)).toBe(false);
    expect((await rejection(provider.getPayment(lookup))).code).toBe('not_supported');
  });
});

describe('3-D Secure', () => {
  it('approves without a challenge: the ACS posts paymentId and securityKey to successUrl at once', async () => {
    const { request, state } = await startThreeDSecure({ card: card(CARDS.approvedWithoutChallenge.number) });
    const { challenged, received } = await runChallenge(state.challengeHtml!);
    expect(challenged).toBe(false);
    expect(received.paymentId).toBe(request.paymentId);
    expect(received.outcome).toBe('success');
    expect(Object.keys(received.fields).sort()).toEqual(['paymentId', 'securityKey']);
    expect(received.fields.paymentId).toBe(state.providerRef);
    const done = await provider.completeChallenge!({ paymentId: request.paymentId, providerRef: state.providerRef }, { fields: received.fields });
    expect(done).toMatchObject({ status: 'succeeded', amount: 10050, currency: 'TRY', providerRef: state.providerRef, card: { mask: '411111******1111' } });
  });

  it('approves after the challenge, with 3 installments the gateway offered', async () => {
    const offered = await provider.installmentOptions!({ bin: CARDS.approvedAfterChallenge.number.slice(0, 8), amount: 100000, currency: 'TRY' });
    expect(offered.map((option) => option.count)).toContain(3);
    const threeDsCalls = () => adapterCalls.filter((call) => call.url.endsWith('/api/3ds'));
    const before = threeDsCalls().length;
    const { request, state } = await startThreeDSecure({ amount: 100000, installments: 3, card: card(CARDS.approvedAfterChallenge.number) });
    expect(threeDsCalls().length).toBe(before + 1);
    const sent = JSON.parse(sentBodies.at(-1)!) as Record<string, unknown>;
    expect(sent).toMatchObject({ installmentCount: 3, interestPaidByCustomer: true, requestIp: '203.0.113.7', requestPort: 52100, amount: 1000 });

    const { challenged, received } = await runChallenge(state.challengeHtml!, 'complete');
    expect(challenged).toBe(true);
    expect(received.outcome).toBe('success');
    const done = await provider.completeChallenge!({ paymentId: request.paymentId, providerRef: state.providerRef }, { fields: received.fields });
    expect(done).toMatchObject({ status: 'succeeded', amount: 100000, card: { mask: '542119******0656', brand: 'MASTERCARD', type: 'CREDIT' } });

    // The same post again: directcard refuses a second use of the key, and nothing changes.
    const replay = await rejection(provider.completeChallenge!({ paymentId: request.paymentId, providerRef: state.providerRef }, { fields: received.fields }));
    expect(replay.code).toBe('conflict');
    expect(replay.message).toMatch(/already completed/);
  });

  it('fails when the shopper fails the challenge: the post goes to failureUrl', async () => {
    const { request, state } = await startThreeDSecure({ card: card(CARDS.approvedAfterChallenge.number) });
    const { received } = await runChallenge(state.challengeHtml!, 'fail');
    expect(received.outcome).toBe('fail');
    const done = await provider.completeChallenge!({ paymentId: request.paymentId, providerRef: state.providerRef }, { fields: received.fields });
    expect(done.status).toBe('failed');
    expect(done.failure).toMatchObject({ code: 'payment_declined', message: expect.stringMatching(/^3-D Secure verification failed/) as unknown });
  });

  it('fails for the 3-D Secure failure card without a challenge, to challengeReturnUrls when given', async () => {
    const paymentId = `pay_${randomUUID().replaceAll('-', '')}`;
    const { state } = await startThreeDSecure({
      paymentId,
      card: card(CARDS.threeDSecureFails.number),
      challengeReturnUrls: { success: `${returnBase}/return/${paymentId}?outcome=3ds-ok`, failure: `${returnBase}/return/${paymentId}?outcome=3ds-failed` },
    });
    const { challenged, received } = await runChallenge(state.challengeHtml!);
    expect(challenged).toBe(false);
    expect(received.outcome).toBe('3ds-failed');
    const done = await provider.completeChallenge!({ paymentId, providerRef: state.providerRef }, { fields: received.fields });
    expect(done).toMatchObject({ status: 'failed', providerStatus: 'FAILED/3DS_AUTHENTICATION_FAILED (3D Secure authentication failed)', failure: { code: 'payment_declined' } });
  });

  it('declines the declined and insufficient funds cards at completion', async () => {
    for (const [number, pattern] of [
      [CARDS.declined.number, /^The card was declined\./],
      [CARDS.insufficientFunds.number, /insufficient funds/],
    ] as const) {
      const { request, state } = await startThreeDSecure({ card: card(number) });
      const { received } = await runChallenge(state.challengeHtml!);
      const done = await provider.completeChallenge!({ paymentId: request.paymentId, providerRef: state.providerRef }, { fields: received.fields });
      expect(done.status).toBe('failed');
      expect(done.failure?.code).toBe('card_declined');
      expect(done.failure?.message).toMatch(pattern);
    }
  });

  it('refuses forged and replayed returns, and a refusal uses nothing up', async () => {
    const { request, state } = await startThreeDSecure({ card: card(CARDS.approvedAfterChallenge.number) });
    const lookup = { paymentId: request.paymentId, providerRef: state.providerRef };

    // Before the shopper answered there is no key to complete with.
    const early = await rejection(provider.completeChallenge!(lookup, { fields: { paymentId: state.providerRef!, securityKey: '3DS_GUESS' } }));
    expect(early.code).toBe('provider_rejected');

    const { received } = await runChallenge(state.challengeHtml!);

    // A post naming another directcard payment is refused before any call.
    const calls = adapterCalls.length;
    const other = await rejection(provider.completeChallenge!(lookup, { fields: { ...received.fields, paymentId: randomUUID() } }));
    expect(other.code).toBe('invalid_request');
    expect(other.message).toMatch(/another directcard payment/);
    expect(adapterCalls.length).toBe(calls);

    // An unknown paymentId at directcard.
    const unknownId = randomUUID();
    const unknown = await rejection(provider.completeChallenge!({ paymentId: request.paymentId, providerRef: unknownId }, { fields: { paymentId: unknownId, securityKey: received.fields.securityKey! } }));
    expect(unknown.code).toBe('not_found');

    // A wrong securityKey.
    const wrong = await rejection(provider.completeChallenge!(lookup, { fields: { ...received.fields, securityKey: '3DS_FORGED_KEY' } }));
    expect(wrong.code).toBe('provider_rejected');
    expect(wrong.message).toMatch(/INVALID_SECURITY_KEY/);

    // No key at all.
    expect((await rejection(provider.completeChallenge!(lookup, { fields: { paymentId: state.providerRef! } }))).code).toBe('invalid_request');

    // The genuine post still completes, once.
    expect((await provider.completeChallenge!(lookup, { fields: received.fields })).status).toBe('succeeded');
    expect((await rejection(provider.completeChallenge!(lookup, { fields: received.fields }))).code).toBe('conflict');
  });

  it('refuses a second answer at the ACS and a forged ACS token', async () => {
    const { state } = await startThreeDSecure({ card: card(CARDS.approvedAfterChallenge.number) });
    const [entry] = formsOf(state.challengeHtml!);
    const forged = await post(entry!.action, { token: 'forged' });
    expect(forged.status).toBe(403);
    const page = await post(entry!.action, entry!.fields);
    const [decide] = formsOf(page.html);
    expect((await post(decide!.action, { ...decide!.fields, decision: 'complete' })).status).toBe(200);
    expect((await post(decide!.action, { ...decide!.fields, decision: 'fail' })).status).toBe(409);
  });
});

describe('installments', () => {
  it('offers plans by card prefix and amount, with the document example values', async () => {
    const mastercard = await provider.installmentOptions!({ bin: '54211901', amount: 100000, currency: 'TRY' });
    expect(mastercard.map((option) => option.count)).toEqual([2, 3, 6, 9, 12]);
    expect(mastercard.slice(0, 2)).toEqual([
      { count: 2, installmentAmount: 51000, totalAmount: 102000, interestAmount: 2000, currency: 'TRY' },
      { count: 3, installmentAmount: 34500, totalAmount: 103500, interestAmount: 3500, currency: 'TRY' },
    ]);
    expect((await provider.installmentOptions!({ bin: '411111', amount: 100000, currency: 'TRY' })).map((o) => o.count)).toEqual([2, 3, 6]);
    expect(await provider.installmentOptions!({ bin: CARDS.debitNoInstallments.number, amount: 100000, currency: 'TRY' })).toEqual([]);
    // Another Visa range, outside the table: none.
    expect(await provider.installmentOptions!({ bin: '400000', amount: 100000, currency: 'TRY' })).toEqual([]);
    // Interest follows who pays it: 12 installments at 14 % on 1000.00.
    expect(mastercard.at(-1)).toEqual({ count: 12, installmentAmount: 9500, totalAmount: 114000, interestAmount: 14000, currency: 'TRY' });
    // 120.00: two installments of at least 50.00 fit, three do not.
    expect((await provider.installmentOptions!({ bin: '542119', amount: 12000, currency: 'TRY' })).map((o) => o.count)).toEqual([2]);
    expect(await provider.installmentOptions!({ bin: '542119', amount: 9000, currency: 'TRY' })).toEqual([]);
  });

  it('refuses a malformed bin before calling directcard', async () => {
    expect((await rejection(provider.installmentOptions!({ bin: '5421', amount: 100000, currency: 'TRY' }))).code).toBe('invalid_request');
  });

  it('refuses a count the gateway did not offer for the card and amount, before /api/3ds', async () => {
    const count3ds = () => adapterCalls.filter((call) => call.url.endsWith('/api/3ds')).length;
    const before = count3ds();
    const notOffered = await rejection(provider.createPayment(paymentRequest({ amount: 100000, installments: 5, card: card(CARDS.approvedAfterChallenge.number) })));
    expect(notOffered.code).toBe('invalid_request');
    expect(notOffered.message).toMatch(/5 installments are not offered .*\(offered: 2, 3, 6, 9, 12\)/);
    const debit = await rejection(provider.createPayment(paymentRequest({ amount: 100000, installments: 2, card: card(CARDS.debitNoInstallments.number) })));
    expect(debit.message).toMatch(/none are offered/);
    expect(count3ds()).toBe(before);
  });

  it('has the simulator itself refuse a count it does not offer', async () => {
    const response = await fetch(`${baseUrl}/api/3ds`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-API-KEY': API_KEY, 'X-API-SECRET': API_SECRET },
      body: JSON.stringify({
        orderId: `ORD-${randomUUID()}`, amount: 1000.0, currency: 'TRY', installmentCount: 12, interestPaidByCustomer: true,
        cardHolderName: 'John Doe', pan: CARDS.approvedWithoutChallenge.number, expiryMonth: '04', expiryYear: '39', cvv: CVV,
        successUrl: 'https://example.com/3ds/success', failureUrl: 'https://example.com/3ds/failure', requestIp: '192.168.1.1', requestPort: 8080,
      }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ resultCode: 'INVALID_INSTALLMENT_COUNT' });
  });

  it('takes installments only with 3-D Secure', async () => {
    const error = await rejection(provider.createPayment(paymentRequest({ threeDSecure: false, installments: 3, amount: 100000, card: card(CARDS.approvedAfterChallenge.number) })));
    expect(error.message).toMatch(/only with 3-D Secure/);
  });
});

describe('pre-authorization and capture', () => {
  it('authorizes, then captures part of the amount once', async () => {
    const request = paymentRequest({ captureMode: 'manual', amount: 10050 });
    const auth = await provider.createPayment(request);
    expect(auth).toMatchObject({ status: 'authorized', amount: 10050, currency: 'TRY' });
    const lookup = { paymentId: request.paymentId, providerRef: auth.providerRef };
    const captured = await provider.capture!(lookup, 9000, 'TRY');
    expect(captured).toMatchObject({ status: 'succeeded', capturedAmount: 9000, currency: 'TRY', providerRef: auth.providerRef });
    expect(captured).not.toHaveProperty('amount');
    const again = await rejection(provider.capture!(lookup, 1000, 'TRY'));
    expect(again.code).toBe('conflict');
    expect(again.message).toMatch(/ALREADY_CAPTURED/);
  });

  it('refuses a capture above the authorized amount, and the authorization stays capturable', async () => {
    const request = paymentRequest({ captureMode: 'manual', amount: 10050 });
    const auth = await provider.createPayment(request);
    const lookup = { paymentId: request.paymentId, providerRef: auth.providerRef };
    const above = await rejection(provider.capture!(lookup, 10051, 'TRY'));
    expect(above).toBeInstanceOf(ProviderError);
    expect(above.code).toBe('provider_rejected');
    expect(above.message).toMatch(/AMOUNT_EXCEEDS_AUTHORIZED: At most 100\.50 TRY can be captured/);
    expect((await provider.capture!(lookup, 10050, 'TRY')).capturedAmount).toBe(10050);
  });

  it('refuses a capture of a declined pre-authorization or of a direct payment', async () => {
    const declined = await provider.createPayment(paymentRequest({ captureMode: 'manual', card: card(CARDS.declined.number) }));
    expect(declined.status).toBe('failed');
    expect((await rejection(provider.capture!({ paymentId: 'p', providerRef: declined.providerRef }, 100, 'TRY'))).message).toMatch(/PRE_AUTHORIZATION_NOT_APPROVED/);
    const direct = await provider.createPayment(paymentRequest({ threeDSecure: false }));
    expect((await rejection(provider.capture!({ paymentId: 'p', providerRef: direct.providerRef }, 100, 'TRY'))).message).toMatch(/NOT_PRE_AUTHORIZATION/);
  });

  it('refuses a pre-authorization with 3-D Secure or installments', async () => {
    expect((await rejection(provider.createPayment(paymentRequest({ captureMode: 'manual', threeDSecure: true })))).code).toBe('invalid_request');
    expect((await rejection(provider.createPayment(paymentRequest({ captureMode: 'manual', installments: 3 })))).code).toBe('invalid_request');
  });
});

describe('hosted checkout links', () => {
  async function payOnHostedPage(state: ProviderPaymentState, number: string, installmentCount = '1') {
    expect(state.action?.type).toBe('redirect');
    const url = state.action?.type === 'redirect' ? state.action.url : '';
    const page = await fetch(url);
    const html = await page.text();
    transcript.push(html);
    expect(page.status).toBe(200);
    expect(html).toContain('autocomplete="cc-number"');
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    return post(unescapeHtml(action!), { pan: number, expiryMonth: '12', expiryYear: '39', cvv: CVV, cardHolderName: 'Ayşe Yılmaz', installmentCount });
  }

  it('creates a link, and the page posts checkoutId back as form data after paying', async () => {
    const request = paymentRequest({ methodCode: 'hosted', amount: 100000, installments: 6 });
    const state = await provider.createPayment(request);
    expect(state.status).toBe('pending');
    expect(state.providerRef).toMatch(/^checkout:[0-9a-f-]{36}$/);
    expect(state.action).toEqual({ type: 'redirect', url: `${baseUrl}/checkout-link/${state.providerRef!.slice('checkout:'.length)}` });
    const lookup = { paymentId: request.paymentId, providerRef: state.providerRef };
    expect(provider.hasStatusLookup!(lookup)).toBe(true);
    // Not paid yet: no status word, since the document's three (SUCCESS, FAILED, ENROLLED) all describe a payment.
    expect(await provider.getPayment(lookup)).toMatchObject({ status: 'requires_action', providerStatus: '-/-', amount: 100000 });
    expect(JSON.parse(transcript.at(-1)!)).toMatchObject({ status: null, paymentId: null, orderId: request.paymentId, amount: 1000, currency: 'TRY' });

    const result = await payOnHostedPage(state, CARDS.approvedAfterChallenge.number, '3');
    expect(result.status).toBe(200);
    const back = formsOf(result.html).find((form) => form.id === 'directcard-return')!;
    expect(back.action).toBe(request.returnUrls.pending);
    expect(back.fields).toEqual({ checkoutId: state.providerRef!.slice('checkout:'.length) });
    const before = returns.length;
    await post(back.action, back.fields);
    const received = returns[before]!;
    expect(received).toMatchObject({ paymentId: request.paymentId, outcome: 'pending' });

    const callbackLookup = provider.readCallback({ paymentId: received.paymentId, headers: {}, body: received.fields, query: {} });
    expect(callbackLookup).toEqual(lookup);
    expect(await provider.getPayment(callbackLookup!)).toMatchObject({
      status: 'succeeded',
      amount: 100000,
      providerRef: state.providerRef,
      card: { mask: '542119******0656', brand: 'MASTERCARD' },
    });
    // A checkout is paid once: the page shows the outcome again.
    const again = await fetch(state.action?.type === 'redirect' ? state.action.url : '');
    expect(await again.text()).toContain('Payment approved');
  });

  it('reports a declined hosted payment as failed', async () => {
    const request = paymentRequest({ methodCode: 'hosted' });
    const state = await provider.createPayment(request);
    await payOnHostedPage(state, CARDS.insufficientFunds.number);
    const done = await provider.getPayment({ paymentId: request.paymentId, providerRef: state.providerRef });
    expect(done.status).toBe('failed');
    expect(done.failure?.message).toMatch(/insufficient funds/);
  });

  it('will not tie another order checkout to our payment, and ignores a callback without our id', async () => {
    const state = await provider.createPayment(paymentRequest({ methodCode: 'hosted' }));
    expect((await rejection(provider.getPayment({ paymentId: 'pay_someone_else', providerRef: state.providerRef }))).code).toBe('not_found');
    expect(provider.readCallback({ headers: {}, body: { checkoutId: 'abc' }, query: {} })).toBeUndefined();
    expect(provider.readCallback({ paymentId: 'pay_1', headers: {}, body: {}, query: {} })).toBeUndefined();
  });

  it('refuses a pre-authorization through a checkout link', async () => {
    expect((await rejection(provider.createPayment(paymentRequest({ methodCode: 'hosted', captureMode: 'manual' })))).code).toBe('invalid_request');
  });
});

describe('the simulator reads bodies as the document types them', () => {
  const headers = { 'Content-Type': 'application/json', 'X-API-KEY': API_KEY, 'X-API-SECRET': API_SECRET };
  const valid = () => ({
    orderId: `ORD-${randomUUID()}`, amount: 100.5, currency: 'TRY', cardHolderName: 'John Doe', pan: CARDS.approvedWithoutChallenge.number,
    expiryMonth: '04', expiryYear: '39', cvv: AMEX_CVV, requestIp: '192.168.1.1', requestPort: 8080,
  });

  it.each([
    ['amount as a string', { amount: '100.50' }, /amount is required \(number\)/],
    ['too many decimals', { amount: 100.505 }, /more decimals/],
    ['requestPort missing', { requestPort: undefined }, /requestPort/],
    ['expiryMonth of one digit', { expiryMonth: '4' }, /expiryMonth/],
    ['a number failing Luhn', { pan: '4111111111111112' }, /pan is not a valid card number/],
    ['requestIp not an address', { requestIp: 'localhost' }, /requestIp/],
  ])('refuses %s', async (_name, change, message) => {
    const response = await fetch(`${baseUrl}/api/payment`, { method: 'POST', headers, body: JSON.stringify({ ...valid(), ...change }) });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { resultCode: string; resultMessage: string };
    transcript.push(JSON.stringify(body));
    expect(body.resultCode).toBe('VALIDATION_ERROR');
    expect(body.resultMessage).toMatch(message);
  });

  it('refuses an unreadable body without quoting it', async () => {
    const response = await fetch(`${baseUrl}/api/payment`, { method: 'POST', headers, body: `{"pan":"${CARDS.declined.number}","cvv":"${AMEX_CVV}",` });
    expect(response.status).toBe(400);
    const text = await response.text();
    transcript.push(text);
    expect(JSON.parse(text)).toEqual({ resultCode: 'INVALID_REQUEST', resultMessage: 'The request body could not be read' });
  });
});

describe('card data', () => {
  it('never appears in anything the simulator logged or answered', async () => {
    // One more full flow of each kind, so this test stands on its own.
    const direct = await provider.createPayment(paymentRequest({ threeDSecure: false, card: card(CARDS.declined.number) }));
    expect(direct.status).toBe('failed');
    const { request, state } = await startThreeDSecure({ amount: 100000, installments: 3, card: card(CARDS.approvedAfterChallenge.number) });
    const { received } = await runChallenge(state.challengeHtml!);
    await provider.completeChallenge!({ paymentId: request.paymentId, providerRef: state.providerRef }, { fields: received.fields });
    await provider.createPayment(paymentRequest({ captureMode: 'manual', card: card(CARDS.insufficientFunds.number) }));

    expect(simulatorLogs.length).toBeGreaterThan(10);
    const logged = JSON.stringify(simulatorLogs);
    const answered = transcript.join('\n');
    // The card did travel: the check below would see it if the simulator echoed it.
    expect(sentBodies.join('\n')).toContain(CARDS.approvedAfterChallenge.number);
    expect(answered.length).toBeGreaterThan(1000);
    for (const testCard of Object.values(CARDS)) {
      const digits = testCard.number;
      const grouped = digits.replace(/(\d{4})(?=\d)/g, '$1 ');
      for (const text of [logged, answered]) {
        expect(text).not.toContain(digits);
        expect(text).not.toContain(grouped);
      }
    }
    for (const cvv of [CVV, AMEX_CVV]) {
      // Not inside a hex id either: a random UUID has "-8462-" as a group about once in 13,000, and the log holds dozens.
      const alone = new RegExp(`(?<![0-9A-Fa-f-])${cvv}(?![0-9A-Fa-f-])`);
      expect(logged).not.toMatch(alone);
      expect(answered).not.toMatch(alone);
    }
    expect(logged).not.toMatch(/"cvv"|"securityKey"|3DS_[0-9A-F]{8}/);
    // What the simulator does keep and show is the masked number.
    expect(logged).toContain('542119******0656');
  });
});
