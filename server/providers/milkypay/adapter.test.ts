/**
 * The client's requests and the adapter's recovery paths, against a scripted fetch.
 */
import { providerRejection as rejection } from '../../testing/rejections.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import type { CreatePaymentRequest } from '../provider.js';
import { createMilkyPayProvider } from './adapter.js';
import { MilkyPayClient } from './client.js';

const BASE = 'https://milkypay.example/prefix';
const PUBLIC_KEY = 'pk_test_ClSQHi2T9WXuFa76WcwwBB6rspRpg6ANM69cS9zNOJy';

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as unknown;
}

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

type Reply = Response | Error | ((init: RequestInit) => Promise<Response>);

/** A fetch that records calls and answers from a script, one reply per call. */
function scriptedFetch(replies: Reply[]) {
  const calls: Call[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    calls.push({
      url: String(input),
      method: init.method ?? 'GET',
      headers: { ...(init.headers as Record<string, string>) },
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    });
    const reply = replies.shift();
    if (!reply) throw new Error('unexpected call');
    if (reply instanceof Error) throw reply;
    if (typeof reply === 'function') return reply(init);
    return reply;
  }) as typeof fetch;
  return { calls, fetchImpl };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

function timeoutError(): Error {
  return new DOMException('The operation was aborted due to timeout', 'TimeoutError');
}

const request: CreatePaymentRequest = {
  paymentId: '70d42236-2cc4-4e26-8f2f-987fd8fbc276',
  methodCode: 'payment_card_usd_hpp',
  fields: {},
  amount: 10000,
  currency: 'USD',
  locale: 'en',
  returnUrls: { success: 'https://proxy/s', fail: 'https://proxy/f', pending: 'https://proxy/p' },
  callbackUrl: 'https://proxy/cb',
};


describe('MilkyPayClient requests', () => {
  it('posts the pre-request to /public-api with the public key in the body', async () => {
    const { calls, fetchImpl } = scriptedFetch([json(200, fixture('prerequest-response'))]);
    const client = new MilkyPayClient({ baseUrl: `${BASE}/`, publicKey: PUBLIC_KEY, fetch: fetchImpl });
    await client.prerequest('USD');
    expect(calls[0]).toMatchObject({
      url: `${BASE}/public-api/payment-prerequest`,
      method: 'POST',
      body: fixture('prerequest-request'),
    });
    expect(calls[0]?.headers['Content-Type']).toBe('application/json');
    expect(calls[0]?.headers.Authorization).toBeUndefined();
  });

  it('authenticates the private API with HTTP Basic and encodes the reference filter', async () => {
    const { calls, fetchImpl } = scriptedFetch([
      json(201, fixture('private-invoice-response')),
      json(200, fixture('private-invoice-list')),
      json(200, fixture('private-invoice-get')),
    ]);
    const client = new MilkyPayClient({ baseUrl: BASE, publicKey: PUBLIC_KEY, apiUser: 'user', apiPassword: 'p:ss', fetch: fetchImpl });
    expect(client.hasPrivateCredentials).toBe(true);
    const created = await client.createInvoicePrivate(fixture('private-invoice-request') as never);
    expect(created.duplicate).toBe(false);
    await client.findInvoicesByReference('a b&c=d');
    await client.getInvoicePrivate('cpi_HeSWMM9LvQonCcQc');
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      `POST ${BASE}/api/payment-invoices`,
      `GET ${BASE}/api/payment-invoices?filter[reference_id]=a%20b%26c%3Dd`,
      `GET ${BASE}/api/payment-invoices/cpi_HeSWMM9LvQonCcQc`,
    ]);
    for (const call of calls) expect(call.headers.Authorization).toBe(`Basic ${Buffer.from('user:p:ss').toString('base64')}`);
  });

  it('sends the public key as a query parameter on the public by-id look-up', async () => {
    const { calls, fetchImpl } = scriptedFetch([json(200, fixture('public-invoice-get'))]);
    const client = new MilkyPayClient({ baseUrl: BASE, publicKey: PUBLIC_KEY, fetch: fetchImpl });
    expect(client.hasPrivateCredentials).toBe(false);
    await client.getInvoicePublic('cpi_HeSWMM9LvQonCcQc');
    expect(calls[0]?.url).toBe(`${BASE}/public-api/payment-invoices/cpi_HeSWMM9LvQonCcQc?public_key=${PUBLIC_KEY}`);
  });

  it('returns the earlier invoice of a 409 as a duplicate', async () => {
    const { fetchImpl } = scriptedFetch([json(409, fixture('public-invoice-response'))]);
    const client = new MilkyPayClient({ baseUrl: BASE, publicKey: PUBLIC_KEY, fetch: fetchImpl });
    const created = await client.createInvoicePublic(fixture('public-invoice-request') as never);
    expect(created.duplicate).toBe(true);
    expect(created.invoice.data.id).toBe('cpi_QGcJxoBxnYStkuvN');
  });

  it('reads a 404 on the reference look-up as "none"', async () => {
    const { fetchImpl } = scriptedFetch([json(404, fixture('error-404'))]);
    const client = new MilkyPayClient({ baseUrl: BASE, publicKey: PUBLIC_KEY, apiUser: 'u', apiPassword: 'p', fetch: fetchImpl });
    expect(await client.findInvoicesByReference('x')).toEqual([]);
  });

  it('times out: outcome_unknown for a create, provider_unavailable for a read', async () => {
    const hang = (init: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    const { fetchImpl } = scriptedFetch([hang, hang]);
    const client = new MilkyPayClient({ baseUrl: BASE, publicKey: PUBLIC_KEY, timeoutMs: 30, fetch: fetchImpl });
    const create = await rejection(client.createInvoicePublic(fixture('public-invoice-request') as never));
    expect(create.code).toBe('outcome_unknown');
    expect(create.message).toBe('MilkyPay invoice creation timed out after 30 ms');
    const read = await rejection(client.getInvoicePublic('cpi_x'));
    expect(read.code).toBe('provider_unavailable');
  });

  it('reads an unreadable 2xx on create as outcome_unknown, and a 5xx on a read as provider_unavailable', async () => {
    const { fetchImpl } = scriptedFetch([new Response('<html>ok</html>', { status: 200 }), json(503, fixture('error-500'))]);
    const client = new MilkyPayClient({ baseUrl: BASE, publicKey: PUBLIC_KEY, fetch: fetchImpl });
    expect((await rejection(client.createInvoicePublic(fixture('public-invoice-request') as never))).code).toBe('outcome_unknown');
    expect((await rejection(client.prerequest('USD'))).code).toBe('provider_unavailable');
  });
});

describe('createMilkyPayProvider', () => {
  it('has no refund, capture, cancel or installments', () => {
    const provider = createMilkyPayProvider({ baseUrl: BASE, publicKey: PUBLIC_KEY });
    expect(provider.id).toBe('milkypay');
    expect(provider.capabilities).toEqual({ refund: false, capture: false, cancel: false, installments: false });
    expect(provider.refund).toBeUndefined();
  });

  it('reads the methods of one pre-request answer once per locale, whatever its case, and again once the answer is refreshed', async () => {
    const { calls, fetchImpl } = scriptedFetch([json(200, fixture('prerequest-response')), json(200, fixture('prerequest-response'))]);
    vi.useFakeTimers({ toFake: ['Date'] });
    const provider = createMilkyPayProvider({ baseUrl: BASE, publicKey: PUBLIC_KEY, fetch: fetchImpl });
    const first = await provider.listMethods({ currency: 'USD', locale: 'en' });
    expect(first.length).toBeGreaterThan(0);
    expect(await provider.listMethods({ currency: 'USD', locale: 'en' })).toBe(first);
    expect(await provider.listMethods({ currency: 'USD', locale: 'tr' })).not.toBe(first);
    const brazilian = await provider.listMethods({ currency: 'USD', locale: 'pt-BR' });
    expect(await provider.listMethods({ currency: 'USD', locale: 'pt-br' })).toBe(brazilian);
    expect(calls).toHaveLength(1);
    vi.setSystemTime(Date.now() + 24 * 3600_000);
    const refreshed = await provider.listMethods({ currency: 'USD', locale: 'en' });
    expect(calls).toHaveLength(2);
    expect(refreshed).not.toBe(first);
    expect(refreshed).toEqual(first);
    vi.useRealTimers();
  });

  it('after a timed-out create, returns the invoice found by reference_id without creating again', async () => {
    const { calls, fetchImpl } = scriptedFetch([timeoutError(), json(200, fixture('private-invoice-get'))]);
    const provider = createMilkyPayProvider({ baseUrl: BASE, publicKey: PUBLIC_KEY, apiUser: 'u', apiPassword: 'p', fetch: fetchImpl });
    const state = await provider.createPayment(request);
    expect(state).toEqual({ status: 'succeeded', providerRef: 'cpi_HeSWMM9LvQonCcQc', providerStatus: 'processed/ok', amount: 10000, currency: 'USD' });
    expect(calls.map((c) => c.method)).toEqual(['POST', 'GET']);
  });

  it('after a timed-out create with nothing found, stays outcome_unknown', async () => {
    const { calls, fetchImpl } = scriptedFetch([timeoutError(), json(200, { meta: {}, links: {}, data: [] })]);
    const provider = createMilkyPayProvider({ baseUrl: BASE, publicKey: PUBLIC_KEY, apiUser: 'u', apiPassword: 'p', fetch: fetchImpl });
    const error = await rejection(provider.createPayment(request));
    expect(error.code).toBe('outcome_unknown');
    expect(error.message).toContain(`no invoice with reference_id ${request.paymentId}`);
    expect(calls).toHaveLength(2);
  });

  it('when the look-up fails too, stays outcome_unknown', async () => {
    const { fetchImpl } = scriptedFetch([json(502, fixture('error-500')), new TypeError('fetch failed')]);
    const provider = createMilkyPayProvider({ baseUrl: BASE, publicKey: PUBLIC_KEY, apiUser: 'u', apiPassword: 'p', fetch: fetchImpl });
    const error = await rejection(provider.createPayment(request));
    expect(error.code).toBe('outcome_unknown');
    expect(error.httpStatus).toBe(502);
  });

  it('after a 400 on create, checks the reference as the document directs, then keeps the 400', async () => {
    const { calls, fetchImpl } = scriptedFetch([json(400, fixture('error-422')), json(200, { data: [] })]);
    const provider = createMilkyPayProvider({ baseUrl: BASE, publicKey: PUBLIC_KEY, apiUser: 'u', apiPassword: 'p', fetch: fetchImpl });
    const error = await rejection(provider.createPayment(request));
    expect(error.code).toBe('invalid_request');
    expect(error.httpStatus).toBe(400);
    expect(calls).toHaveLength(2);
  });

  it('does not look anything up after a 422 or a 401', async () => {
    const { calls, fetchImpl } = scriptedFetch([json(422, fixture('error-422')), json(401, fixture('error-401'))]);
    const provider = createMilkyPayProvider({ baseUrl: BASE, publicKey: PUBLIC_KEY, apiUser: 'u', apiPassword: 'p', fetch: fetchImpl });
    expect((await rejection(provider.createPayment(request))).code).toBe('invalid_request');
    expect((await rejection(provider.createPayment(request))).code).toBe('authentication_failed');
    expect(calls).toHaveLength(2);
  });
});

describe('readCallback', () => {
  const provider = createMilkyPayProvider({ baseUrl: BASE, publicKey: PUBLIC_KEY });

  it('takes the invoice id from data.id (private shape) or id', () => {
    expect(provider.readCallback({ paymentId: 'pay_1', headers: {}, query: {}, body: fixture('private-invoice-get') })).toEqual({
      paymentId: 'pay_1',
      providerRef: 'cpi_HeSWMM9LvQonCcQc',
    });
    expect(provider.readCallback({ paymentId: 'pay_1', headers: {}, query: {}, body: { id: 'cpi_HeSWMM9LvQonCcQc' } })).toEqual({
      paymentId: 'pay_1',
      providerRef: 'cpi_HeSWMM9LvQonCcQc',
    });
  });

  it('is a signal even without a body, and ignores ids that are not invoice ids', () => {
    expect(provider.readCallback({ paymentId: 'pay_1', headers: {}, query: {}, body: undefined })).toEqual({ paymentId: 'pay_1' });
    expect(provider.readCallback({ paymentId: 'pay_1', headers: {}, query: {}, body: { data: { id: 'cus_Tjhe1ufEB3kRrgWy' } } })).toEqual({
      paymentId: 'pay_1',
    });
  });

  it('without our id, names the payment by the body reference_id, or gives up', () => {
    expect(provider.readCallback({ headers: {}, query: {}, body: fixture('public-invoice-get') })).toEqual({
      paymentId: '70d42236-2cc4-4e26-8f2f-987fd8fbc276',
      providerRef: 'cpi_HeSWMM9LvQonCcQc',
    });
    expect(provider.readCallback({ headers: {}, query: {}, body: { status: 'processed' } })).toBeUndefined();
    expect(provider.readCallback({ headers: {}, query: {}, body: 'garbage' })).toBeUndefined();
  });
});
