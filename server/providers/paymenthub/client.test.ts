/** The client's paths, Bearer token and error reading, against a scripted fetch. */
import { providerRejection as rejection } from '../../testing/rejections.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PaymentHubClient } from './client.js';
import type { PaymentHubTransactionRequest } from './paymenthub-types.js';
import { InMemoryPaymentHubTokenStore, PaymentHubTokenManager } from './token-manager.js';

const BASE = 'https://hub.example/prefix';

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as unknown;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

type Reply = Response | ((init: RequestInit) => Promise<Response>);

function scriptedFetch(script: Record<string, Reply[]>) {
  const calls: { method: string; path: string; bearer: string; body?: unknown }[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input));
    const path = url.pathname.replace('/prefix', '') + url.search;
    const bearer = String((init.headers as Record<string, string>).Authorization);
    calls.push({ method: String(init.method), path, bearer, ...(init.body ? { body: JSON.parse(String(init.body)) as unknown } : {}) });
    const reply = script[`${String(init.method)} ${path}`]?.shift();
    if (!reply) throw new Error(`unexpected call to ${String(init.method)} ${path}`);
    if (typeof reply === 'function') return reply(init);
    return reply.clone();
  }) as typeof fetch;
  return { calls, fetchImpl };
}

const reset = () => json(200, fixture('reset-all-token-response'));
const TOKEN = 'Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9';

function client(script: Record<string, Reply[]>, options: { timeoutMs?: number; batch?: number } = {}) {
  const { calls, fetchImpl } = scriptedFetch({ 'POST /api/v1/auth/reset-all-token': [reset(), reset()], ...script });
  // The fixture's token ends in 2024: the clock sits before it.
  const now = () => Date.parse('2024-03-14T00:00:00Z');
  const tokens = new PaymentHubTokenManager({ baseUrl: BASE, refreshToken: 'R0', store: new InMemoryPaymentHubTokenStore(), fetch: fetchImpl, now });
  const hub = new PaymentHubClient({ baseUrl: `${BASE}/`, tokens, fetch: fetchImpl, timeoutMs: options.timeoutMs, fetchMultipleBatchSize: options.batch });
  return { calls, hub };
}


describe('PaymentHubClient', () => {
  it('calls each documented path with the access token as Bearer', async () => {
    const { calls, hub } = client({
      'GET /api/v1/vendor-payment-gateway': [json(200, fixture('vendor-list-response'))],
      'GET /api/v1/payment-gateway': [json(200, fixture('payment-gateways-response'))],
      'POST /api/v1/transactions': [json(200, fixture('transaction-response'))],
      'GET /api/v1/transactions/84b88501': [json(200, fixture('status-response'))],
      'POST /api/v1/transactions/fetch-multiple': [json(200, fixture('fetch-multiple-response'))],
      'POST /api/v1/transactions/refund': [json(200, fixture('refund-response'))],
      'POST /api/v1/transactions/postmana-1237/cancel': [json(200, fixture('cancel-response'))],
      'POST /api/v1/transactions/log?page=1': [json(200, fixture('error-log-response'))],
    });
    expect(await hub.listVendors()).toHaveLength(12);
    expect(await hub.listPaymentGateways()).toHaveLength(2);
    expect(await hub.createTransaction(fixture('transaction-request') as PaymentHubTransactionRequest)).toEqual({ paymentUrl: 'https://payment-gateway-provider-domain.com/ASD123QWE346ZXC' });
    expect((await hub.getTransaction('84b88501')).Status).toBe('initial');
    expect(await hub.fetchTransactions(['ABC11111', 'ABC11112', 'ABC11113'])).toHaveLength(2);
    expect((await hub.refundTransaction({ merchant_ref_code: 'ABC11111', reason: 'cancel booking' })).status).toBe('pending refund');
    expect((await hub.cancelTransaction('postmana-1237')).Status).toBe('expired');
    expect(await hub.errorLog({ service_name: '', action_name: '', metadata: { merchant_ref_code: 'test_testing03', transaction_id: '', token: '' } })).toHaveLength(2);
    expect(calls[0]).toEqual({ method: 'POST', path: '/api/v1/auth/reset-all-token', bearer: 'Bearer R0' });
    expect(calls.slice(1).every((call) => call.bearer === TOKEN)).toBe(true);
    expect(calls.find((call) => call.path === '/api/v1/transactions/fetch-multiple')?.body).toEqual(fixture('fetch-multiple-request'));
  });

  it('sends fetch-multiple in batches', async () => {
    const empty = () => json(200, { success: true, message: 'Success.', data: null });
    const { calls, hub } = client({ 'POST /api/v1/transactions/fetch-multiple': [empty(), empty(), empty()] }, { batch: 2 });
    expect(await hub.fetchTransactions(['a', 'b', 'c', 'd', 'e'])).toEqual([]);
    expect(calls.filter((call) => call.path.endsWith('fetch-multiple')).map((call) => call.body)).toEqual([
      { merchant_ref_code: ['a', 'b'] },
      { merchant_ref_code: ['c', 'd'] },
      { merchant_ref_code: ['e'] },
    ]);
  });

  it('retries a 401 once after one reset', async () => {
    const { calls, hub } = client({
      'GET /api/v1/transactions/x': [json(401, { success: false, message: 'Unauthorized', data: '' }), json(200, fixture('status-response'))],
    });
    expect((await hub.getTransaction('x')).MerchantRefCode).toBe('84b88501');
    expect(calls.map((call) => call.path)).toEqual(['/api/v1/auth/reset-all-token', '/api/v1/transactions/x', '/api/v1/auth/reset-all-token', '/api/v1/transactions/x']);
  });

  it('maps the document’s errors onto our codes', async () => {
    const { hub } = client({
      'GET /api/v1/transactions/missing': [json(404, { success: false, message: 'Unable to get transaction', data: '' })],
      'POST /api/v1/transactions': [json(400, { success: false, message: 'Validation failed', data: '', errors: { email: 'required for Stripe' } }), json(500, '<html>')],
      'POST /api/v1/transactions/refund': [json(400, { success: false, message: "The refund amount must not be greater than Transaction's remaining amount", data: '' })],
      'POST /api/v1/transactions/a/cancel': [json(400, { success: false, message: 'Only Initial Transaction can be Canceled', data: '' })],
      'GET /api/v1/payment-gateway': [json(200, { success: false, message: 'Unable to proccess', data: '' })],
    });
    const missing = await rejection(hub.getTransaction('missing'));
    expect([missing.code, missing.message]).toEqual(['not_found', 'Payment Hub refused the transaction status: Unable to get transaction']);
    const invalid = await rejection(hub.createTransaction(fixture('transaction-request') as PaymentHubTransactionRequest));
    expect([invalid.code, invalid.message]).toEqual(['invalid_request', 'Payment Hub refused the transaction: Validation failed ({"email":"required for Stripe"})']);
    expect((await rejection(hub.createTransaction(fixture('transaction-request') as PaymentHubTransactionRequest))).code).toBe('outcome_unknown');
    expect((await rejection(hub.refundTransaction({ merchant_ref_code: 'a', amount: 9, reason: 'r' }))).code).toBe('provider_rejected');
    expect((await rejection(hub.cancelTransaction('a'))).code).toBe('provider_rejected');
    expect((await rejection(hub.listPaymentGateways())).code).toBe('provider_rejected');
  });

  it('times out: outcome_unknown for a create', async () => {
    const hang = (init: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    const { hub } = client({ 'POST /api/v1/transactions': [hang] }, { timeoutMs: 20 });
    const error = await rejection(hub.createTransaction(fixture('transaction-request') as PaymentHubTransactionRequest));
    expect([error.code, error.message]).toEqual(['outcome_unknown', 'Payment Hub did not answer the transaction within 20 ms']);
  });
});
