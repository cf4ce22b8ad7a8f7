import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../errors.js';
import type { CreatePaymentRequest } from '../provider.js';
import {
  hpayCollectBalanceResponseSchema,
  hpayPaymentHistoryResponseSchema,
  hpayPaymentResponseSchema,
  hpayTokenResponseSchema,
  HPAY_TRANSACTION_STATUSES,
} from './hpay-types.js';
import {
  collectBalanceToBalance,
  historyEntryToState,
  historyEntryToTransaction,
  mapHpayStatus,
  paymentCreatedToState,
  readNotification,
  scrubHpayPayload,
  toCollectBalanceRequest,
  toHistoryRequest,
  toPaymentRequest,
  toTokenRequest,
  tokenLifetimeMs,
  type HpayKeys,
} from './transformers.js';

/** What a synchronous call throws; fails the test if it returns. */
function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

const request: CreatePaymentRequest = {
  paymentId: 'pay_7f3c',
  methodCode: 'hosted',
  fields: {},
  amount: 1490000,
  currency: 'CAD',
  description: 'Achat de sac pour enfant',
  locale: 'fr',
  returnUrls: { success: 'https://proxy.example/r/pay_7f3c/success', fail: 'https://proxy.example/r/pay_7f3c/fail', pending: 'https://proxy.example/r/pay_7f3c/pending' },
  callbackUrl: 'https://proxy.example/callbacks/hpay/pay_7f3c',
};

describe('HPAY status mapping', () => {
  it('maps every documented status, and nothing else to paid', () => {
    expect(HPAY_TRANSACTION_STATUSES.map((word) => [word, mapHpayStatus(word)])).toEqual([
      ['UNPAID', 'pending'],
      ['PAID', 'succeeded'],
    ]);
    expect(mapHpayStatus(' paid ')).toBe('succeeded');
    for (const word of ['CANCELED', 'FAILED', '', 'PAYED']) expect(mapHpayStatus(word)).toBe('pending');
  });
});

describe('HPAY requests', () => {
  it('builds getToken with the document fields (api_public_key, api_secret_key, mode)', () => {
    const example = fixture('token-request');
    const keys: HpayKeys = { apiKey: 'YOUR_API_KEY', publicKey: 'YOUR_PUBLIC_KEY', secretKey: 'YOUR_SECRET_KEY', mode: 'TEST' };
    expect(Object.keys(toTokenRequest(keys))).toEqual(Object.keys(example));
    expect(toTokenRequest(keys)).toEqual({ ...example, mode: 'TEST' });
  });

  it('builds /payment/ with the example keys, JSON types and URLs on the proxy', () => {
    const example = fixture('payment-request');
    const keys: HpayKeys = { apiKey: String(example.api_key), publicKey: String(example.public_key), secretKey: 's', mode: 'TEST' };
    const body = toPaymentRequest(request, keys, String(example.token));
    expect(Object.keys(body).sort()).toEqual(Object.keys(example).sort());
    expect(body).toEqual({
      ...example,
      product_name: 'Achat de sac pour enfant',
      description: 'Achat de sac pour enfant (ref pay_7f3c)',
      notify_url: request.callbackUrl,
      success_url: request.returnUrls.success,
      cancel_url: request.returnUrls.fail,
    });
    expect(typeof body.amount).toBe('number');
    expect(toPaymentRequest({ ...request, description: undefined, amount: 700000, currency: 'XOF' }, keys, 't')).toMatchObject({
      amount: 700000,
      product_name: 'Order pay_7f3c',
      description: '(ref pay_7f3c)',
    });
  });

  it('builds /getPaymentHistory/ with every documented filter, empty strings where unset', () => {
    const example = fixture('history-request');
    const keys: HpayKeys = { apiKey: String(example.api_key), publicKey: String(example.public_key), secretKey: 's', mode: 'TEST' };
    const all = toHistoryRequest({}, keys, String(example.token));
    expect(Object.keys(all).sort()).toEqual(Object.keys(example).sort());
    expect(all).toEqual({ ...example, statut: '', date_from: '', date_to: '' });
    expect(toHistoryRequest({ status: 'PAID', dateFrom: '2025-11-01', dateTo: '2025-11-30', offset: 10, limit: 5, transactionId: 'ceXefesOpl' }, keys, 't')).toMatchObject({
      statut: 'PAID',
      date_from: '2025-11-01',
      date_to: '2025-11-30',
      fetch_limit: '10,5',
      transaction_id: 'ceXefesOpl',
    });
    expect(() => toHistoryRequest({ dateFrom: '08/11/2025' }, keys, 't')).toThrow(ProviderError);
    expect(() => toHistoryRequest({ limit: 0 }, keys, 't')).toThrow(/limit/);
  });

  it('builds /getCollectBalance/ with exactly the three documented fields', () => {
    const example = fixture('collect-balance-request');
    expect(toCollectBalanceRequest({ apiKey: 'F956789.8578PTKLGF', publicKey: 'YOUR_PUBLIC_KEY', secretKey: 'never sent', mode: 'PROD' }, 'YOUR_GENERATED_TOKEN')).toEqual(example);
  });
});

describe('HPAY answers', () => {
  it('reads the getToken example, with its account currency and 15-minute life', () => {
    const token = hpayTokenResponseSchema.parse(fixture('token-response'));
    expect(token.token).toBe('RmtVMVV6clh5NURDWnRJUjdHQ2hIZHRO');
    expect(token.balance?.currency).toBe('CAD');
    expect(tokenLifetimeMs(token.livetime)).toBe(15 * 60_000);
    expect(tokenLifetimeMs('900s')).toBe(900_000);
    expect(tokenLifetimeMs(undefined)).toBe(15 * 60_000);
    expect(tokenLifetimeMs('soon')).toBe(15 * 60_000);
  });

  it('reads the /payment/ example as pending with a redirect to checkout_url', () => {
    const response = hpayPaymentResponseSchema.parse(fixture('payment-response'));
    expect(paymentCreatedToState(response)).toEqual({
      status: 'pending',
      providerRef: 'AabBzZ190002AZ',
      action: { type: 'redirect', url: 'https://checkout.hpay.cash?ref=AabBzZ190002AZ' },
      amount: 10000,
      currency: 'CAD',
      providerStatus: 'UNPAID',
    });
  });

  it('reads an unreadable amount in the /payment/ answer as outcome_unknown: the payment may exist', () => {
    const response = hpayPaymentResponseSchema.parse(fixture('payment-response'));
    expect(thrown(() => paymentCreatedToState({ ...response, amount: '100.005' }))).toMatchObject({ code: 'outcome_unknown' });
  });

  it('reads the history example (string amounts in XOF) into a state and a transaction', () => {
    const response = hpayPaymentHistoryResponseSchema.parse(fixture('history-response'));
    const entry = response.history[0]!;
    expect(historyEntryToState(entry)).toEqual({
      status: 'pending',
      providerRef: 'ceXefesOpl',
      amount: 7000,
      currency: 'XOF',
      providerStatus: 'UNPAID',
      action: { type: 'redirect', url: 'https://checkout.hpay.cash/?ref=ceXefesOpl' },
    });
    expect(historyEntryToState({ ...entry, status: 'PAID' })).toEqual({ status: 'succeeded', providerRef: 'ceXefesOpl', amount: 7000, currency: 'XOF', providerStatus: 'PAID' });
    expect(historyEntryToTransaction(entry)).toEqual({
      providerRef: 'ceXefesOpl',
      status: 'pending',
      providerStatus: 'UNPAID',
      amount: 7000,
      fees: 700,
      profit: 6300,
      currency: 'XOF',
      mode: 'TEST',
      product: 'Amazon Achat de carte cadeau',
      description: entry.description,
      paymentUrl: 'https://checkout.hpay.cash/?ref=ceXefesOpl',
      createdAt: '2025-11-08 14:42:34',
    });
    expect(hpayPaymentHistoryResponseSchema.parse({ success: true, history: null }).history).toEqual([]);
  });

  it('refuses an unreadable amount rather than guessing, as provider_unavailable on a read', () => {
    const entry = hpayPaymentHistoryResponseSchema.parse(fixture('history-response')).history[0]!;
    const error = thrown(() => historyEntryToState({ ...entry, status: 'PAID', amount: '7000.5' }));
    expect(error).toMatchObject({ code: 'provider_unavailable', message: expect.stringMatching(/unreadable amount/) as unknown });
    expect(thrown(() => historyEntryToTransaction({ ...entry, amount: '7000.5' }))).toMatchObject({ code: 'provider_unavailable' });
  });

  it('reads a history row whose fees and profit have cents in XOF, and leaves out fees it cannot read', () => {
    const entry = hpayPaymentHistoryResponseSchema.parse(fixture('history-response')).history[0]!;
    // XOF has no minor unit: cents are rounded to the franc, as the document writes fees 0.5 elsewhere.
    expect(historyEntryToTransaction({ ...entry, amount: '7005.00', fees: '700.50', profit: 6304.4 })).toMatchObject({ amount: 7005, fees: 701, profit: 6304 });
    const unreadable = historyEntryToTransaction({ ...entry, fees: 'n/a' });
    expect(unreadable).toMatchObject({ amount: 7000, profit: 6300 });
    expect(unreadable).not.toHaveProperty('fees');
  });

  it('reads the collect balance example', () => {
    expect(collectBalanceToBalance(hpayCollectBalanceResponseSchema.parse(fixture('collect-balance-response')))).toEqual({
      currency: 'XOF',
      mainBalance: 0,
      profitBalance: 0,
      companyName: 'WestSofts INC SARL',
      companyContact: '00000000',
    });
  });
});

describe('HPAY notifications and transcripts', () => {
  it('reads transaction_id or ref from the body or the query, nothing else', () => {
    expect(readNotification({ transaction_id: 'AabBzZ190002AZ', status: 'PAID' }, {})).toBe('AabBzZ190002AZ');
    expect(readNotification(undefined, { ref: 'AabBzZ190002AZ' })).toBe('AabBzZ190002AZ');
    expect(readNotification({ transaction_id: '<script>' }, {})).toBeUndefined();
    expect(readNotification('garbage', {})).toBeUndefined();
  });

  it('scrubs keys and tokens from payloads', () => {
    const scrubbed = scrubHpayPayload({ ...fixture('payment-request'), note: 'card 4111 1111 1111 1111' }) as Record<string, unknown>;
    expect(scrubbed).toMatchObject({ api_key: '[redacted]', public_key: '[redacted]', token: '[redacted]', amount: 14900, note: 'card 411111******1111' });
    expect(JSON.stringify(scrubHpayPayload(fixture('token-request')))).not.toContain('YOUR_SECRET_KEY');
  });
});
