/**
 * The real adapter against the simulator, over HTTP on an ephemeral port.
 */
import { providerRejection as rejection } from '../../testing/rejections.js';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatePaymentRequest, PaymentProvider } from '../provider.js';
import { createMilkyPayProvider } from './adapter.js';
import { createMilkyPaySimulator, type MilkyPaySimulatorFaults } from './simulator.js';

const PUBLIC_KEY = 'pk_test_ClSQHi2T9WXuFa76WcwwBB6rspRpg6ANM69cS9zNOJy';
const API_USER = 'merchant-user';
const API_PASSWORD = 'merchant-password';
const MOUNT = '/simulators/milkypay';

let simulatorServer: Server;
let callbackServer: Server;
let baseUrl: string;
let callbackBase: string;
let clockOffsetMs = 0;
const faults: MilkyPaySimulatorFaults = {};
const callbacks: { paymentId: string; body: unknown }[] = [];
let privateProvider: PaymentProvider;
let publicProvider: PaymentProvider;

function listen(app: express.Express): Promise<Server> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function origin(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  const callbackApp = express();
  callbackApp.use(express.json());
  callbackApp.post('/callbacks/:paymentId', (req, res) => {
    callbacks.push({ paymentId: req.params.paymentId, body: req.body as unknown });
    res.sendStatus(200);
  });
  callbackServer = await listen(callbackApp);
  callbackBase = origin(callbackServer);

  const app = express();
  simulatorServer = await listen(app);
  baseUrl = `${origin(simulatorServer)}${MOUNT}`;
  app.use(
    MOUNT,
    createMilkyPaySimulator({
      publicKey: PUBLIC_KEY,
      apiUser: API_USER,
      apiPassword: API_PASSWORD,
      publicUrl: baseUrl,
      faults,
      now: () => Date.now() + clockOffsetMs,
      callbackRetryDelayMs: 20,
    }),
  );
  privateProvider = createMilkyPayProvider({ baseUrl, publicKey: PUBLIC_KEY, apiUser: API_USER, apiPassword: API_PASSWORD });
  publicProvider = createMilkyPayProvider({ baseUrl, publicKey: PUBLIC_KEY });
});

afterAll(async () => {
  await new Promise((resolve) => simulatorServer.close(resolve));
  await new Promise((resolve) => callbackServer.close(resolve));
});

function paymentRequest(overrides: Partial<CreatePaymentRequest> = {}): CreatePaymentRequest {
  const paymentId = overrides.paymentId ?? `pay_${randomUUID()}`;
  return {
    paymentId,
    methodCode: 'payment_card_usd_hpp',
    fields: {},
    amount: 12345,
    currency: 'USD',
    description: 'Invoice Example',
    locale: 'en',
    returnUrls: {
      success: `https://shop.example/return/${paymentId}/success`,
      fail: `https://shop.example/return/${paymentId}/fail`,
      pending: `https://shop.example/return/${paymentId}/pending`,
    },
    callbackUrl: `${callbackBase}/callbacks/${paymentId}`,
    ...overrides,
  };
}

const basic = `Basic ${Buffer.from(`${API_USER}:${API_PASSWORD}`).toString('base64')}`;

async function privateGet(path: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${baseUrl}${path}`, { headers: { Authorization: basic } });
  return { status: response.status, body: await response.json() };
}

async function invoicesWithReference(reference: string): Promise<number> {
  const { body } = await privateGet(`/api/payment-invoices?filter[reference_id]=${encodeURIComponent(reference)}`);
  return (body.data as unknown[]).length;
}

async function decide(invoiceId: string, decision: 'approve' | 'decline'): Promise<Response> {
  return fetch(`${baseUrl}/hpp/${invoiceId}/decide`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ decision }),
    redirect: 'manual',
  });
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 3000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function callbackStatuses(paymentId: string): string[] {
  return callbacks
    .filter((c) => c.paymentId === paymentId)
    .map((c) => (c.body as { data: { attributes: { status: string } } }).data.attributes.status);
}


describe('pre-request', () => {
  it('lists the documented card and test services for USD, with limits in minor units', async () => {
    const methods = await privateProvider.listMethods({ currency: 'USD', locale: 'en' });
    expect(methods.map((m) => m.id)).toEqual(['milkypay:payment_card_usd_hpp', 'milkypay:test_usd_test']);
    expect(methods[0]).toMatchObject({ name: 'Payment card', category: 'card', minAmount: 1, maxAmount: 100_000_000, fields: [] });
    expect(methods[1]).toMatchObject({ name: 'Test', category: 'alternative', minAmount: 1, maxAmount: 999_999_900 });
    expect(methods[1]?.fields).toEqual([
      { key: 'status', label: 'Status', hint: 'Enter Status', pattern: '^[a-zA-Z_]*$', required: true, type: 'string' },
    ]);
    expect(methods[0]?.logoUrl).toBe(`${baseUrl}/static/payment_card/logo.svg`);
    const logo = await fetch(methods[0]?.logoUrl ?? '');
    expect(logo.status).toBe(200);
    expect(logo.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
  });

  it('localizes and covers EUR and GBP', async () => {
    const ru = await privateProvider.listMethods({ currency: 'EUR', locale: 'ru' });
    expect(ru.map((m) => [m.id, m.name])).toEqual([
      ['milkypay:payment_card_eur_hpp', 'Платежная карта'],
      ['milkypay:test_eur_test', 'Тест'],
    ]);
    const gbp = await publicProvider.listMethods({ currency: 'GBP', locale: 'uk' });
    expect(gbp[0]?.name).toBe('Платіжна карта');
  });

  it('leaves out, on the public API alone, the test service whose required field it cannot send', async () => {
    const methods = await publicProvider.listMethods({ currency: 'USD', locale: 'en' });
    expect(methods.map((m) => m.id)).toEqual(['milkypay:payment_card_usd_hpp']);
    // What listing it would lead to: the public create carries no service_fields and is refused.
    const refused = await rejection(publicProvider.createPayment(paymentRequest({ methodCode: 'test_usd_test', fields: { status: 'processed' } })));
    expect(refused.message).toContain('service_fields.status: This value should not be blank.');
  });

  it('refuses a wrong public key as authentication_failed', async () => {
    const wrong = createMilkyPayProvider({ baseUrl, publicKey: 'pk_test_wrong' });
    const error = await rejection(wrong.listMethods({ currency: 'USD', locale: 'en' }));
    expect(error.code).toBe('authentication_failed');
    expect(error.httpStatus).toBe(401);
    expect(error.message).toContain('Unauthorized');
  });
});

describe('invoice creation', () => {
  it('creates through the private API: pending, redirect to the hosted page, documented attributes', async () => {
    const request = paymentRequest();
    const state = await privateProvider.createPayment(request);
    expect(state.status).toBe('pending');
    expect(state.providerRef).toMatch(/^cpi_[A-Za-z0-9]{16}$/);
    expect(state.providerStatus).toBe('process_pending/ok');
    expect(state.action).toEqual({ type: 'redirect', url: `${baseUrl}/hpp/${state.providerRef}` });

    const { status, body } = await privateGet(`/api/payment-invoices/${state.providerRef}`);
    expect(status).toBe(200);
    expect(body.data.type).toBe('payment-invoices');
    expect(body.data.attributes).toMatchObject({
      reference_id: request.paymentId,
      amount: 123.45,
      currency: 'USD',
      status: 'process_pending',
      resolution: 'ok',
      payment_flow: 'charge',
      callback_url: request.callbackUrl,
      return_url: request.returnUrls.pending,
      source: 'merchant_api',
      // The adapter sends test_mode: true with the test key; the simulator keeps what was sent.
      test_mode: true,
    });
  });

  it('takes test_mode from the private create body, false by default, and refuses a non-boolean', async () => {
    const create = async (extra: Record<string, unknown>) => {
      const attributes = { reference_id: `pay_${randomUUID()}`, service: 'payment_card_usd_hpp', currency: 'USD', amount: 10, ...extra };
      const response = await fetch(`${baseUrl}/api/payment-invoices`, {
        method: 'POST',
        headers: { Authorization: basic, 'Content-Type': 'application/json' },
        body: JSON.stringify({ data: { type: 'payment-invoices', attributes } }),
      });
      return { status: response.status, body: (await response.json()) as any };
    };
    const byDefault = await create({});
    expect(byDefault.status).toBe(201);
    expect(byDefault.body.data.attributes.test_mode).toBe(false);
    expect((await create({ test_mode: false })).body.data.attributes.test_mode).toBe(false);
    const asked = await create({ test_mode: true });
    expect(asked.body.data.attributes.test_mode).toBe(true);
    expect((await privateGet(`/api/payment-invoices/${asked.body.data.id as string}`)).body.data.attributes.test_mode).toBe(true);
    const wrongType = await create({ test_mode: 'true' });
    expect(wrongType.status).toBe(422);
    expect(wrongType.body.errors).toEqual({ test_mode: 'This value should be of type bool.' });
  });

  it('creates through the public API when there are no private credentials', async () => {
    const request = paymentRequest();
    const state = await publicProvider.createPayment(request);
    expect(state.status).toBe('pending');
    expect(state.providerStatus).toBe('process_pending/OK');
    expect(state.action).toEqual({ type: 'redirect', url: `${baseUrl}/hpp/${state.providerRef}` });

    const raw = await fetch(`${baseUrl}/public-api/payment-invoices/${state.providerRef}?public_key=${PUBLIC_KEY}`);
    const body = (await raw.json()) as { data: Record<string, unknown> };
    // The public API has no test_mode field: the test key makes it a test invoice, as in the document's sample.
    expect(body.data).toMatchObject({ id: state.providerRef, reference_id: request.paymentId, amount: 123.45, resolution: 'OK', test_mode: true });
    expect(body.data).not.toHaveProperty('attributes');

    // The public by-id look-up has no hpp_url in the document: the form of active_payment is used.
    const again = await publicProvider.getPayment({ paymentId: request.paymentId, providerRef: state.providerRef });
    expect(again).toMatchObject({
      status: 'pending',
      action: { type: 'form', action: `${baseUrl}/hpp/${state.providerRef}`, method: 'GET', fields: {} },
    });
  });

  it('answers the test service with a POST form carrying sid, and no hpp_url', async () => {
    const state = await privateProvider.createPayment(
      paymentRequest({ methodCode: 'test_usd_test', fields: { status: 'processed' } }),
    );
    expect(state.status).toBe('pending');
    expect(state.action).toEqual({
      type: 'form',
      action: `${baseUrl}/hpp/${state.providerRef}`,
      method: 'POST',
      fields: { sid: state.providerRef },
    });
  });

  it('rejects a service field that fails its regexp, or a missing required one, naming the field', async () => {
    const bad = await rejection(privateProvider.createPayment(paymentRequest({ methodCode: 'test_usd_test', fields: { status: 'not valid!' } })));
    expect(bad.code).toBe('invalid_request');
    expect(bad.httpStatus).toBe(422);
    expect(bad.message).toContain('service_fields.status');
    const missing = await rejection(privateProvider.createPayment(paymentRequest({ methodCode: 'test_usd_test' })));
    expect(missing.message).toContain('service_fields.status: This value should not be blank.');
  });

  it('rejects amount 0 with the documented field map, naming the field', async () => {
    const request = paymentRequest({ amount: 0 });
    const error = await rejection(privateProvider.createPayment(request));
    expect(error.code).toBe('invalid_request');
    expect(error.httpStatus).toBe(422);
    expect(error.message).toContain('amount: This value should be greater than 0.');
    expect(error.raw).toEqual({ errors: { amount: 'This value should be greater than 0.' } });
    expect(await invoicesWithReference(request.paymentId)).toBe(0);
  });

  it('rejects an unknown service and a currency that is not the service currency', async () => {
    const unknown = await rejection(publicProvider.createPayment(paymentRequest({ methodCode: 'paypal_usd_hpp' })));
    expect(unknown.code).toBe('invalid_request');
    expect(unknown.message).toContain('service:');
    const mismatch = await rejection(privateProvider.createPayment(paymentRequest({ currency: 'EUR' })));
    expect(mismatch.message).toContain('currency:');
  });

  it('answers a reused reference_id with 409 and the earlier invoice, which the adapter returns', async () => {
    const request = paymentRequest();
    const first = await privateProvider.createPayment(request);
    const second = await privateProvider.createPayment(request);
    expect(second.providerRef).toBe(first.providerRef);
    expect(second.status).toBe('pending');
    expect(await invoicesWithReference(request.paymentId)).toBe(1);

    const raw = await fetch(`${baseUrl}/public-api/payment-invoices`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ public_key: PUBLIC_KEY, reference_id: request.paymentId, service: 'payment_card_usd_hpp', currency: 'USD', amount: 123.45 }),
    });
    expect(raw.status).toBe(409);
    expect(((await raw.json()) as { data: { id: string } }).data.id).toBe(first.providerRef);
    const viaPublic = await publicProvider.createPayment(request);
    expect(viaPublic.providerRef).toBe(first.providerRef);
  });

  it('refuses wrong Basic credentials as authentication_failed, creating nothing', async () => {
    const wrong = createMilkyPayProvider({ baseUrl, publicKey: PUBLIC_KEY, apiUser: API_USER, apiPassword: 'nope' });
    const request = paymentRequest();
    const error = await rejection(wrong.createPayment(request));
    expect(error.code).toBe('authentication_failed');
    expect(error.httpStatus).toBe(401);
    expect(error.raw).toEqual({ errors: [{ status: 'Unauthorized', code: '401' }] });
    expect(await invoicesWithReference(request.paymentId)).toBe(0);
  });

  it('refuses a wrong public key on the public create', async () => {
    const wrong = createMilkyPayProvider({ baseUrl, publicKey: 'pk_test_wrong' });
    const error = await rejection(wrong.createPayment(paymentRequest()));
    expect(error.code).toBe('authentication_failed');
  });
});

describe('a create that fails with 5xx', () => {
  it('looks the invoice up by reference_id instead of creating it twice', async () => {
    const request = paymentRequest();
    faults.failNextCreates = 1;
    faults.failAfterCreating = true;
    const state = await privateProvider.createPayment(request);
    expect(faults.failNextCreates).toBe(0);
    expect(state.status).toBe('pending');
    expect(state.providerRef).toMatch(/^cpi_/);
    expect(await invoicesWithReference(request.paymentId)).toBe(1);
  });

  it('keeps the outcome unknown when no invoice exists, and does not retry the create', async () => {
    const request = paymentRequest();
    faults.failNextCreates = 2;
    faults.failAfterCreating = false;
    const error = await rejection(privateProvider.createPayment(request));
    expect(error.code).toBe('outcome_unknown');
    expect(error.message).toContain('internal_error');
    // One create was attempted: one fault is still armed.
    expect(faults.failNextCreates).toBe(1);
    faults.failNextCreates = 0;
    expect(await invoicesWithReference(request.paymentId)).toBe(0);
  });

  it('is outcome_unknown on the public API, which cannot look up by reference_id', async () => {
    faults.failNextCreates = 1;
    faults.failAfterCreating = true;
    const error = await rejection(publicProvider.createPayment(paymentRequest()));
    expect(error.code).toBe('outcome_unknown');
    expect(faults.failNextCreates).toBe(0);
  });
});

describe('the hosted page and the outcome', () => {
  it('shows the amount and the two buttons', async () => {
    const state = await privateProvider.createPayment(paymentRequest());
    const page = await fetch(`${baseUrl}/hpp/${state.providerRef}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<title>MilkyPay — Pay 123.45 USD</title>');
    expect(html).toContain('Invoice Example');
    expect(html).toMatch(/<button[^>]*value="approve"[^>]*>Approve payment<\/button>/);
    expect(html).toMatch(/<button[^>]*value="decline"[^>]*>Decline payment<\/button>/);
    expect(html).toContain(`action="${MOUNT}/hpp/${state.providerRef}/decide"`);
  });

  it('approves: 303 to the success URL, succeeded, callbacks pending then processed', async () => {
    const request = paymentRequest();
    const created = await privateProvider.createPayment(request);
    const response = await decide(created.providerRef ?? '', 'approve');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(request.returnUrls.success);

    const state = await privateProvider.getPayment({ paymentId: request.paymentId, providerRef: created.providerRef });
    expect(state).toEqual({ status: 'succeeded', providerRef: created.providerRef, providerStatus: 'processed/ok', amount: 12345, currency: 'USD' });

    await waitFor(() => (callbackStatuses(request.paymentId).length >= 2 ? true : undefined));
    expect(callbackStatuses(request.paymentId)).toEqual(['process_pending', 'processed']);
    const last = callbacks.filter((c) => c.paymentId === request.paymentId).at(-1);
    expect(last?.body).toMatchObject({ data: { type: 'payment-invoices', id: created.providerRef, attributes: { reference_id: request.paymentId, processed_amount: 123.45 } } });

    // The callback is a signal naming the payment and the invoice.
    expect(privateProvider.readCallback({ paymentId: request.paymentId, headers: {}, body: last?.body, query: {} })).toEqual({
      paymentId: request.paymentId,
      providerRef: created.providerRef,
    });
  });

  it('a repeated decision changes nothing and sends no further callback', async () => {
    const request = paymentRequest();
    const created = await privateProvider.createPayment(request);
    await decide(created.providerRef ?? '', 'approve');
    const repeat = await decide(created.providerRef ?? '', 'decline');
    expect(repeat.status).toBe(200);
    expect(await repeat.text()).toContain('Payment approved');
    const state = await privateProvider.getPayment({ paymentId: request.paymentId, providerRef: created.providerRef });
    expect(state.status).toBe('succeeded');
    await waitFor(() => (callbackStatuses(request.paymentId).length >= 2 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(callbackStatuses(request.paymentId)).toEqual(['process_pending', 'processed']);
  });

  it('declines: 303 to the fail URL, failed, with the resolution kept in providerStatus', async () => {
    const request = paymentRequest();
    const created = await publicProvider.createPayment(request);
    const response = await decide(created.providerRef ?? '', 'decline');
    expect(response.status).toBe(303);
    // The public API has no return URLs: the simulator's own final page.
    expect(response.headers.get('location')).toBe(`${MOUNT}/hpp/${created.providerRef}/done`);
    const state = await publicProvider.getPayment({ paymentId: request.paymentId, providerRef: created.providerRef });
    expect(state.status).toBe('failed');
    expect(state.failure?.code).toBe('payment_declined');
    expect(state.providerStatus).toBe('process_failed/declined');
    expect(state.action).toBeUndefined();
    const privately = await privateProvider.createPayment(paymentRequest());
    const declined = await decide(privately.providerRef ?? '', 'decline');
    expect(declined.headers.get('location')).toMatch(/\/fail$/);
  });

  it('expires an invoice read after its expiry', async () => {
    const reference = `pay_${randomUUID()}`;
    const created = await fetch(`${baseUrl}/api/payment-invoices`, {
      method: 'POST',
      headers: { Authorization: basic, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        data: {
          type: 'payment-invoices',
          attributes: {
            reference_id: reference,
            amount: 100,
            currency: 'USD',
            service: 'payment_card_usd_hpp',
            expires: new Date(Date.now() + 15 * 60_000).toISOString(),
          },
        },
      }),
    });
    expect(created.status).toBe(201);
    const id = ((await created.json()) as { data: { id: string } }).data.id;
    clockOffsetMs = 16 * 60_000;
    try {
      const state = await privateProvider.getPayment({ paymentId: reference, providerRef: id });
      expect(state.status).toBe('expired');
      expect(state.providerStatus).toBe('process_failed/expired');
    } finally {
      clockOffsetMs = 0;
    }
  });
});

describe('look-ups', () => {
  it('finds an invoice by reference_id without its id (private API)', async () => {
    const request = paymentRequest();
    const created = await privateProvider.createPayment(request);
    const state = await privateProvider.getPayment({ paymentId: request.paymentId });
    expect(state.providerRef).toBe(created.providerRef);
    expect(state.status).toBe('pending');
  });

  it('is not_found for an unknown reference, an unknown id, or without private credentials', async () => {
    expect((await rejection(privateProvider.getPayment({ paymentId: `pay_${randomUUID()}` }))).code).toBe('not_found');
    const unknownId = await rejection(privateProvider.getPayment({ paymentId: 'p', providerRef: 'cpi_AAAAAAAAAAAAAAAA' }));
    expect(unknownId.code).toBe('not_found');
    expect(unknownId.httpStatus).toBe(404);
    expect((await rejection(publicProvider.getPayment({ paymentId: 'p', providerRef: 'cpi_AAAAAAAAAAAAAAAA' }))).code).toBe('not_found');
    expect((await rejection(publicProvider.getPayment({ paymentId: 'p' }))).code).toBe('not_found');
  });

  it('refuses an invoice id that belongs to another payment', async () => {
    const created = await privateProvider.createPayment(paymentRequest());
    const error = await rejection(privateProvider.getPayment({ paymentId: 'pay_someone_else', providerRef: created.providerRef }));
    expect(error.code).toBe('not_found');
  });
});

describe('the simulator speaks the documented HTTP', () => {
  it('answers a wrong method with the documented 405 and an unknown invoice with 404', async () => {
    const wrongMethod = await fetch(`${baseUrl}/api/payment-invoices`, { method: 'DELETE', headers: { Authorization: basic } });
    expect(wrongMethod.status).toBe(405);
    expect(await wrongMethod.json()).toEqual({ errors: [{ status: 'Method Not Allowed', code: '405' }] });
    const missing = await privateGet('/api/payment-invoices/cpi_AAAAAAAAAAAAAAAA');
    expect(missing).toEqual({ status: 404, body: { errors: [{ status: 'Not Found', code: '404' }] } });
  });

  it('creates from the HTML form post and redirects to the hosted page', async () => {
    const reference = `pay_${randomUUID()}`;
    const response = await fetch(`${baseUrl}/public-api/payment-invoices/process`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        public_key: PUBLIC_KEY,
        reference_id: reference,
        currency: 'USD',
        amount: '100',
        service: 'payment_card_usd_hpp',
        'customer[reference_id]': 'cust-1',
        'customer[name]': 'Test Customer',
      }),
      redirect: 'manual',
    });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toMatch(new RegExp(`^${baseUrl}/hpp/cpi_[A-Za-z0-9]{16}$`));
    const state = await privateProvider.getPayment({ paymentId: reference });
    expect(state.status).toBe('pending');
  });

  it('lists payment services in pages and by id', async () => {
    const page = await privateGet('/api/payment-services?page[number]=2&page[size]=2');
    expect(page.body.meta).toEqual({ total: 6, pages: 3, page: 2 });
    expect(page.body.data).toHaveLength(2);
    expect(page.body.links.next).toBe(`${MOUNT}/api/payment-services?page[number]=3&page[size]=2`);
    const first = page.body.data[0];
    expect(first.type).toBe('payment-services');
    const one = await privateGet(`/api/payment-services/${first.id}`);
    expect(one.body.data.attributes.service).toBe(first.attributes.service);
    expect((await fetch(`${baseUrl}/api/payment-services`)).status).toBe(401);
  });
});
