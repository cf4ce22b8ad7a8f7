/** The client's token handling and error reading, against a scripted fetch. */
import { providerRejection as rejection } from '../../testing/rejections.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HpayClient } from './client.js';
import type { HpayPaymentRequest } from './hpay-types.js';
import { toHistoryRequest } from './transformers.js';

const BASE = 'https://hpay.example/prefix';
const KEYS = { apiKey: 'k', publicKey: 'p', secretKey: 's', mode: 'TEST' as const };

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

type Reply = Response | Error | ((init: RequestInit) => Promise<Response>);

/** Answers by path from per-path scripts; records each call. */
function scriptedFetch(script: Record<string, Reply[]>) {
  const calls: { path: string; body: Record<string, unknown> }[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const path = new URL(String(input)).pathname.replace('/prefix', '');
    calls.push({ path, body: JSON.parse(String(init.body)) as Record<string, unknown> });
    const reply = script[path]?.shift();
    if (!reply) throw new Error(`unexpected call to ${path}`);
    if (reply instanceof Error) throw reply;
    if (typeof reply === 'function') return reply(init);
    return reply.clone();
  }) as typeof fetch;
  return { calls, fetchImpl };
}

const token = (value: string) => json(200, { ...fixture('token-response'), token: value });
const history = () => json(200, fixture('history-response'));
const history200Expired = () => json(200, { success: false, message: 'Token expired', error_code: 104 });


describe('HpayClient', () => {
  it('posts each call to its documented path with the token getToken gave', async () => {
    const { calls, fetchImpl } = scriptedFetch({ '/getToken/': [token('T1')], '/getPaymentHistory/': [history()], '/getCollectBalance/': [json(200, fixture('collect-balance-response'))] });
    const client = new HpayClient({ baseUrl: `${BASE}/`, ...KEYS, fetch: fetchImpl });
    const rows = await client.getPaymentHistory((t) => toHistoryRequest({ transactionId: 'ceXefesOpl' }, client.credentials, t));
    expect(rows.history).toHaveLength(1);
    await client.getCollectBalance();
    expect(calls).toEqual([
      { path: '/getToken/', body: { api_key: 'k', api_public_key: 'p', api_secret_key: 's', mode: 'TEST' } },
      { path: '/getPaymentHistory/', body: expect.objectContaining({ api_key: 'k', public_key: 'p', mode: 'TEST', transaction_id: 'ceXefesOpl', token: 'T1' }) as unknown },
      { path: '/getCollectBalance/', body: { api_key: 'k', api_public_key: 'p', token: 'T1' } },
    ]);
    expect((await client.accessToken()).currency).toBe('CAD');
  });

  it('keeps the token for 15 minutes minus the margin, on its own clock', async () => {
    let clock = 0;
    const { calls, fetchImpl } = scriptedFetch({ '/getToken/': [token('T1'), token('T2')] });
    const client = new HpayClient({ baseUrl: BASE, ...KEYS, fetch: fetchImpl, now: () => clock, tokenMarginMs: 30_000 });
    expect((await client.accessToken()).token).toBe('T1');
    clock = 14 * 60_000 + 29_999;
    expect((await client.accessToken()).token).toBe('T1');
    clock = 14 * 60_000 + 30_000;
    expect((await client.accessToken()).token).toBe('T2');
    expect(calls).toHaveLength(2);
  });

  it('reads a 200 with success false as an error, and concurrent refusals share one refresh', async () => {
    const { calls, fetchImpl } = scriptedFetch({
      '/getToken/': [token('T1'), token('T2')],
      '/getPaymentHistory/': [history200Expired(), history200Expired(), history(), history()],
    });
    const client = new HpayClient({ baseUrl: BASE, ...KEYS, fetch: fetchImpl });
    const build = (t: string) => toHistoryRequest({}, client.credentials, t);
    await client.accessToken();
    await Promise.all([client.getPaymentHistory(build), client.getPaymentHistory(build)]);
    expect(calls.filter((c) => c.path === '/getToken/')).toHaveLength(2);
    expect(calls.filter((c) => c.path === '/getPaymentHistory/').map((c) => c.body.token)).toEqual(['T1', 'T1', 'T2', 'T2']);
  });

  it('reads a refusal that speaks of the token without a code as a token refusal', async () => {
    const { calls, fetchImpl } = scriptedFetch({
      '/getToken/': [token('T1'), token('T2')],
      '/getCollectBalance/': [json(200, { success: false, message: 'Invalid or expired token' }), json(200, fixture('collect-balance-response'))],
    });
    const client = new HpayClient({ baseUrl: BASE, ...KEYS, fetch: fetchImpl });
    expect((await client.getCollectBalance()).entreprise_currency).toBe('XOF');
    expect(calls.map((c) => c.path)).toEqual(['/getToken/', '/getCollectBalance/', '/getToken/', '/getCollectBalance/']);
  });

  it('maps other refusals onto our codes without retrying', async () => {
    const { calls, fetchImpl } = scriptedFetch({
      '/getToken/': [token('T1')],
      '/getCollectBalance/': [json(200, { success: false, message: 'Account suspended', error_code: 9 }), json(400, { success: false, message: 'bad', error_code: 101 }), json(503, '<html>')],
    });
    const client = new HpayClient({ baseUrl: BASE, ...KEYS, fetch: fetchImpl });
    const suspended = await rejection(client.getCollectBalance());
    expect([suspended.code, suspended.message]).toEqual(['provider_rejected', 'HPAY refused the collect balance: Account suspended (error_code 9)']);
    expect((await rejection(client.getCollectBalance())).code).toBe('invalid_request');
    expect((await rejection(client.getCollectBalance())).code).toBe('provider_unavailable');
    expect(calls.filter((c) => c.path === '/getToken/')).toHaveLength(1);
  });

  it('times out: outcome_unknown for /payment/, provider_unavailable for getToken', async () => {
    const hang = (init: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    const { fetchImpl } = scriptedFetch({ '/getToken/': [hang, token('T1')], '/payment/': [hang] });
    const client = new HpayClient({ baseUrl: BASE, ...KEYS, fetch: fetchImpl, timeoutMs: 30, readTimeoutMs: 20 });
    const tokenError = await rejection(client.accessToken());
    expect([tokenError.code, tokenError.message]).toEqual(['provider_unavailable', 'HPAY did not answer getToken within 20 ms']);
    const paymentError = await rejection(client.createPayment((t) => ({ ...(fixture('payment-request') as unknown as HpayPaymentRequest), token: t })));
    expect([paymentError.code, paymentError.message]).toEqual(['outcome_unknown', 'HPAY did not answer the payment within 30 ms']);
  });

  it('reads an unreadable 2xx on /payment/ as outcome_unknown', async () => {
    const { fetchImpl } = scriptedFetch({ '/getToken/': [token('T1')], '/payment/': [json(200, { success: true, message: 'ok' })] });
    const client = new HpayClient({ baseUrl: BASE, ...KEYS, fetch: fetchImpl });
    expect((await rejection(client.createPayment((t) => ({ ...(fixture('payment-request') as unknown as HpayPaymentRequest), token: t })))).code).toBe('outcome_unknown');
  });
});
