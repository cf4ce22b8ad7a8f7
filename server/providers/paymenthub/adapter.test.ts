/** The Payment Hub adapter's pure parts: which payment a webhook call names. */
import { describe, expect, it } from 'vitest';
import { createPaymentHubProvider } from './adapter.js';
import { InMemoryPaymentHubTokenStore } from './token-manager.js';

const provider = createPaymentHubProvider({
  baseUrl: 'https://hub.invalid',
  refreshToken: 'R0',
  tokenStore: new InMemoryPaymentHubTokenStore(),
  fetch: () => Promise.reject(new Error('no network in this test')),
});
const call = (paymentId: string | undefined, query: Record<string, unknown>) => provider.readCallback({ paymentId, query, headers: {}, body: undefined });

describe('Payment Hub webhook', () => {
  it('names the payment by the URL path or by merchant_ref_code in the query; disagreeing ones name none', () => {
    expect(call('pay_1', {})).toEqual({ paymentId: 'pay_1' });
    expect(call(undefined, { merchant_ref_code: 'pay_2' })).toEqual({ paymentId: 'pay_2' });
    expect(call('pay_1', { merchant_ref_code: 'pay_1' })).toEqual({ paymentId: 'pay_1' });
    expect(call('pay_1', { merchant_ref_code: 'pay_2' })).toBeUndefined();
    expect(call(undefined, { merchant_ref_code: ['pay_1'] })).toBeUndefined();
    expect(call(undefined, {})).toBeUndefined();
  });

  it('reports working credentials until Payment Hub refuses them', () => {
    expect(provider.credentialsStatus()).toEqual({ ok: true });
  });
});
