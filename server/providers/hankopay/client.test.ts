import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../errors.js';
import { HankoPayClient } from './client.js';

/** A fetch that never answers, only giving up when the request's signal aborts. */
const silentFetch = ((_input: RequestInfo | URL, init: RequestInit = {}) =>
  new Promise<Response>((_resolve, reject) => {
    init.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error));
  })) as typeof fetch;

function answering(status: number, body: string): typeof fetch {
  return (async () => new Response(body, { status, headers: { 'Content-Type': 'application/json' } })) as typeof fetch;
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('HankoPayClient', () => {
  it('times out: a call that moves money is outcome_unknown, a read provider_unavailable', async () => {
    const client = new HankoPayClient({ baseUrl: 'https://hp.invalid', apiKey: 'k', timeoutMs: 30, readTimeoutMs: 20, fetch: silentFetch });
    const refund = await failure(client.refund('t1', { amount: 1, reason: 'r' }));
    expect(refund.code).toBe('outcome_unknown');
    expect(refund.message).toBe('HankoPay did not answer the refund within 30 ms');
    const status = await failure(client.getStatus('t1'));
    expect(status.code).toBe('provider_unavailable');
    expect(status.message).toBe('HankoPay did not answer the status lookup within 20 ms');
  });

  it('reads a 2xx with success false as a refusal, and an unreadable 2xx as not the documented shape', async () => {
    const refused = await failure(new HankoPayClient({ baseUrl: 'https://hp.invalid', apiKey: 'k', fetch: answering(200, '{"success":false,"message":"Merchant disabled"}') }).walletBalance());
    expect(refused).toMatchObject({ code: 'provider_rejected', message: 'HankoPay refused the wallet balance (HankoPay: Merchant disabled)' });
    const odd = await failure(new HankoPayClient({ baseUrl: 'https://hp.invalid', apiKey: 'k', fetch: answering(200, '{"success":true}') }).createTransaction({} as never));
    expect(odd.code).toBe('outcome_unknown');
    expect(odd.message).toMatch(/not the documented shape/);
  });

  it('never quotes a request body in an error', async () => {
    const client = new HankoPayClient({ baseUrl: 'https://hp.invalid', apiKey: 'k', fetch: answering(500, 'oops') });
    const error = await failure(client.createTransaction({ paymentMethod: { cardNumber: '4111111111111111', cardSecurityCode: '7391' } } as never));
    expect(error.code).toBe('outcome_unknown');
    expect(JSON.stringify({ message: error.message, raw: error.raw })).not.toMatch(/4111111111111111|7391/);
  });
});
