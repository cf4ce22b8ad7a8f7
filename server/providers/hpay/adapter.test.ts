/** Adapter checks that the simulator cannot provoke: an HPAY that answers loosely. */
import { providerRejection as rejection } from '../../testing/rejections.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createHpayProvider } from './adapter.js';

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

const historyExample = fixture('history-response');
const row = (historyExample.history as Record<string, unknown>[])[0]!;

/** Answers getToken with the example, and the history with the given rows, whatever the filters. */
function looseHpay(rows: Record<string, unknown>[], mode: 'TEST' | 'PROD' = 'TEST') {
  const paths: string[] = [];
  const fetchImpl = (async (input: RequestInfo | URL) => {
    const path = new URL(String(input)).pathname;
    paths.push(path);
    const body = path === '/getToken/' ? fixture('token-response') : { ...historyExample, history: rows };
    return new Response(JSON.stringify(body), { status: 200 });
  }) as typeof fetch;
  return { paths, provider: createHpayProvider({ baseUrl: 'https://hpay.example', apiKey: 'k', publicKey: 'p', secretKey: 's', mode, fetch: fetchImpl }) };
}


describe('createHpayProvider against a loose HPAY', () => {
  it('trusts only an exact transaction_id, even when the history ignores the filter', async () => {
    const { provider } = looseHpay([row]);
    const error = await rejection(provider.getPayment({ paymentId: 'pay_1', providerRef: 'AabBzZ190002AZ' }));
    expect(error.code).toBe('not_found');
    expect(error.message).toBe("HPAY's payment history has no transaction with transaction_id AabBzZ190002AZ");
  });

  it('never lets a TEST transaction pay a PROD payment', async () => {
    const { provider } = looseHpay([{ ...row, status: 'PAID' }], 'PROD');
    expect((await rejection(provider.getPayment({ paymentId: 'pay_1', providerRef: 'ceXefesOpl' }))).message).toMatch(/TEST transaction; this account runs in PROD/);
  });

  it('reports the amount and currency HPAY holds, for the service to compare', async () => {
    const { provider } = looseHpay([{ ...row, status: 'PAID' }]);
    expect(await provider.getPayment({ paymentId: 'pay_1', providerRef: 'ceXefesOpl' })).toEqual({
      status: 'succeeded',
      providerRef: 'ceXefesOpl',
      amount: 7000,
      currency: 'XOF',
      providerStatus: 'PAID',
    });
  });

  it('reads a notification only with our payment id in the URL', () => {
    const { provider, paths } = looseHpay([]);
    expect(provider.readCallback({ headers: {}, query: {}, body: { transaction_id: 'ceXefesOpl' } })).toBeUndefined();
    expect(provider.readCallback({ paymentId: 'pay_1', headers: {}, query: {}, body: undefined })).toEqual({ paymentId: 'pay_1' });
    expect(paths).toEqual([]);
  });

  it('has no refund, capture or cancel', () => {
    const { provider } = looseHpay([]);
    expect(provider.capabilities).toEqual({ refund: false, capture: false, cancel: false, installments: false });
    expect(provider.refund).toBeUndefined();
  });
});
