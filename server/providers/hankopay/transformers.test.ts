/**
 * The pure mapping, against the document's own examples: fixtures/*.json are its JSON blocks
 * copied verbatim.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError, ProviderError } from '../../errors.js';
import type { CreatePaymentRequest, PayoutRequest } from '../provider.js';
import {
  HANKOPAY_TRANSACTION_STATUSES,
  hankoPayBalanceResponseSchema,
  hankoPayPayoutResponseSchema,
  hankoPayRefundResponseSchema,
  hankoPayStatusResponseSchema,
  hankoPayTransactionDetailsSchema,
  hankoPayTransactionListSchema,
  hankoPayTransactionResponseSchema,
  recordIdOf,
} from './hankopay-types.js';
import {
  availableBalance,
  describeFailure,
  listToPage,
  lookupToState,
  mapHankoPayStatus,
  mapPayoutStatus,
  payoutResponseToState,
  readHankoPayCallback,
  readRefundStatus,
  scrubHankoPayPayload,
  splitName,
  toHankoPayError,
  toPayoutRequest,
  toRefundRequest,
  toTransactionRequest,
  transactionCreatedToState,
  walletsFromBalance,
  withKnownRefunds,
} from './transformers.js';

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

/** The document's example request, as our normalized request. */
function exampleRequest(overrides: Partial<CreatePaymentRequest> = {}): CreatePaymentRequest {
  return {
    paymentId: 'ORD-0427215821',
    methodCode: 'card',
    fields: {},
    amount: 50000,
    currency: 'USD',
    locale: 'en',
    customer: { name: 'John Doe', email: 'john.doe@example.com', phone: '+15551234567' },
    billingAddress: { street: '123 Main Street', city: 'New York', region: 'NY', country: 'IN', postCode: '10001' },
    shopperIp: '203.0.113.10',
    card: { number: '4111 1111 1111 1111', holderName: 'John Doe', securityCode: '029', expiryMonth: '1', expiryYear: '30' },
    returnUrls: { success: 'https://example.com/payment-success', fail: 'https://example.com/payment-failure', pending: 'https://example.com/pending' },
    callbackUrl: 'https://example.com/payment-callback',
    ...overrides,
  };
}

describe('the document\'s answers parse', () => {
  it.each([
    ['transaction-response', hankoPayTransactionResponseSchema],
    ['status-response', hankoPayStatusResponseSchema],
    ['list-response', hankoPayTransactionListSchema],
    ['refund-response', hankoPayRefundResponseSchema],
    ['payout-response', hankoPayPayoutResponseSchema],
    ['wallet-balance-response', hankoPayBalanceResponseSchema],
  ] as const)('%s', (name, schema) => {
    expect(schema.safeParse(fixture(name)).success).toBe(true);
  });

  it('reads a details record bare, or wrapped in data or transaction', () => {
    const item = (fixture('list-response').data as Record<string, unknown>[])[0]!;
    for (const body of [item, { success: true, data: item }, { success: true, transaction: item }]) {
      expect(hankoPayTransactionDetailsSchema.parse(body)).toMatchObject({ _id: '662d7a1f4d8c91f0b1d2e345', fromAmount: 500 });
    }
  });

  it('reads any details answer tolerantly: id as _id, id or transactionId, a numeric statusId, an unknown wrapper', () => {
    expect(hankoPayTransactionDetailsSchema.parse({ success: true, data: { id: 'T1', statusId: 7, amount: '50.00', currency: 'USD', extra: { a: 1 } } })).toMatchObject({
      id: 'T1',
      statusId: '7',
      amount: '50.00',
      currency: 'USD',
    });
    expect(recordIdOf(hankoPayTransactionDetailsSchema.parse({ transaction: { transactionId: 'T2' } }))).toBe('T2');
    expect(recordIdOf(hankoPayTransactionDetailsSchema.parse({ data: { _id: 'T3', id: 99 } }))).toBe('T3');
    // An answer with nothing readable is an empty record, not an error: the status comes from the status endpoint.
    expect(hankoPayTransactionDetailsSchema.parse({ success: true, record: { _id: 'T1' } })).toMatchObject({});
    expect(hankoPayTransactionDetailsSchema.parse('not json')).toEqual({});
    expect(hankoPayTransactionDetailsSchema.parse({ data: { currency: 5, fromAmount: { v: 1 } } })).toEqual({});
  });
});

describe('requests', () => {
  it('builds the document\'s example transaction, field by field and with its JSON types', () => {
    const expected = fixture('transaction-request');
    const { street2: _street2, ...billing } = expected.billingAddress as Record<string, string>;
    expect(toTransactionRequest(exampleRequest({ description: 'test transaction' }))).toEqual({
      ...expected,
      billingAddress: billing,
      metadata: { source: 'pay-checkout', notes: 'test transaction' },
    });
  });

  it('sends the proxy\'s success, failure and callback URLs, and the shopper IP seen by the proxy', () => {
    const body = toTransactionRequest(
      exampleRequest({
        shopperIp: '::ffff:198.51.100.4',
        returnUrls: { success: 'https://proxy/r/p1/success', fail: 'https://proxy/r/p1/fail', pending: 'https://proxy/r/p1/pending' },
        callbackUrl: 'https://proxy/api/callbacks/hankopay/p1',
      }),
    );
    expect(body.urls).toEqual({ success: 'https://proxy/r/p1/success', failure: 'https://proxy/r/p1/fail', callback: 'https://proxy/api/callbacks/hankopay/p1' });
    expect(body.customer.ipAddress).toBe('198.51.100.4');
  });

  it('takes the name on the card when the order has no customer name, and omits what is missing', () => {
    const body = toTransactionRequest(exampleRequest({ customer: undefined, billingAddress: undefined }));
    expect(body.customer).toEqual({ firstName: 'John', lastName: 'Doe', ipAddress: '203.0.113.10' });
    expect(body).not.toHaveProperty('billingAddress');
    expect(splitName('Mary Ann Smith')).toEqual({ firstName: 'Mary Ann', lastName: 'Smith' });
    expect(splitName('Cher')).toEqual({ firstName: 'Cher' });
  });

  it('refuses a missing shopper IP, missing card and bad card fields without quoting them', () => {
    expect(() => toTransactionRequest(exampleRequest({ shopperIp: undefined }))).toThrow(/shopperIp/);
    expect(() => toTransactionRequest(exampleRequest({ card: undefined }))).toThrow(/card details are required/);
    let error: unknown;
    try {
      toTransactionRequest(exampleRequest({ card: { number: '4111111111111112', holderName: ' ', securityCode: '02', expiryMonth: '13', expiryYear: '3' } }));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppError);
    const message = (error as AppError).message;
    expect(message).toMatch(/card\.number.*card\.expiryMonth.*card\.expiryYear.*card\.securityCode.*card\.holderName/);
    expect(message).not.toMatch(/4111|\b02\b|\b13\b/);
  });

  it('builds the document\'s refund and payout requests', () => {
    const { metadata: _metadata, ...refund } = fixture('refund-request');
    expect(toRefundRequest(20000, 'USD', 'Customer requested partial refund')).toEqual(refund);

    const payout: PayoutRequest = {
      payoutId: 'PO-1001',
      amount: 15000,
      currency: 'USD',
      beneficiary: { firstName: 'Jane', lastName: 'Doe', email: 'jane.doe@example.com', phone: '+15557654321', ipAddress: '203.0.113.11' },
      billingAddress: { street: '456 Park Avenue', city: 'New York', region: 'NY', country: 'US', postCode: '10022' },
      destination: { walletId: 'wallet_123456' },
      card: { number: '4111111111111111', expiryMonth: '01', expiryYear: '2030' },
      callbackUrl: 'https://example.com/payout-callback',
    };
    expect(toPayoutRequest(payout)).toEqual(fixture('payout-request'));
    expect(() => toPayoutRequest({ ...payout, destination: {}, amount: 0 })).toThrow(/amount.*destination/);
  });
});

describe('answers → state', () => {
  it('reads the example create answer: pending with a paymentLink is requires_action, a redirect by default', () => {
    const response = hankoPayTransactionResponseSchema.parse(fixture('transaction-response'));
    const card = exampleRequest().card!;
    expect(transactionCreatedToState(response, { card, paymentLinkAction: 'redirect' })).toEqual({
      status: 'requires_action',
      providerRef: '662d7a1f4d8c91f0b1d2e345',
      providerStatus: 'pending',
      action: { type: 'redirect', url: 'https://checkout.hankopay.example/session/8fd42a1' },
      card: { mask: '411111******1111', brand: 'VISA' },
    });
    expect(transactionCreatedToState(response, { paymentLinkAction: 'iframe' }).action).toEqual({ type: 'iframe', url: 'https://checkout.hankopay.example/session/8fd42a1' });
    const withoutLink = transactionCreatedToState({ ...response, paymentLink: null }, { paymentLinkAction: 'redirect' });
    expect(withoutLink.status).toBe('pending');
    expect(withoutLink.action).toBeUndefined();
    const badLink = transactionCreatedToState({ ...response, paymentLink: 'javascript:alert(1)' }, { paymentLinkAction: 'redirect' });
    expect(badLink.action).toBeUndefined();
  });

  it('reads the example status answer with the stored record: succeeded, with the provider\'s amount and currency', () => {
    const status = hankoPayStatusResponseSchema.parse(fixture('status-response'));
    const record = hankoPayTransactionListSchema.parse(fixture('list-response')).data[0]!;
    expect(lookupToState(status, record, { paymentLinkAction: 'redirect' })).toEqual({
      status: 'succeeded',
      providerRef: '662d7a1f4d8c91f0b1d2e345',
      providerStatus: 'success (Approved)',
      amount: 50000,
      currency: 'USD',
    });
  });

  it('reads refunds off the record, including a sale left at success', () => {
    const record = { _id: 't1', fromAmount: 500, currency: 'USD', refundedAmount: 200 };
    expect(lookupToState({ status: 'success' }, record, { paymentLinkAction: 'redirect' })).toMatchObject({ status: 'partially_refunded', refundedAmount: 20000, amount: 50000 });
    expect(lookupToState({ status: 'refunded' }, { ...record, refundedAmount: undefined }, { paymentLinkAction: 'redirect' })).toMatchObject({ status: 'refunded', refundedAmount: 50000 });
    expect(lookupToState({ status: 'pending' }, { ...record, refundedAmount: 0, paymentLink: 'https://hp.example/x' }, { paymentLinkAction: 'iframe' })).toMatchObject({
      status: 'requires_action',
      action: { type: 'iframe', url: 'https://hp.example/x' },
    });
  });

  it('applies the refunds we know of: pending wins over a sale left at success; settled ones make it partially refunded or refunded', () => {
    const sale = { status: 'succeeded', providerRef: 'T1', providerStatus: 'success (Approved)', amount: 50000, currency: 'USD' } as const;
    expect(withKnownRefunds(sale, [])).toEqual(sale);
    expect(withKnownRefunds(sale, [{ id: 'R1', amount: 20000, status: 'pending' }])).toEqual({ ...sale, status: 'refund_pending', providerStatus: 'success (Approved); refund pending R1' });
    expect(withKnownRefunds(sale, [{ id: 'R1', amount: 20000, status: 'success' }, { id: 'R2', amount: 100, status: 'pending' }])).toMatchObject({ status: 'refund_pending', refundedAmount: 20000 });
    expect(withKnownRefunds(sale, [{ id: 'R1', amount: 20000, status: 'success' }, { id: 'R2', amount: 100, status: 'failed' }])).toEqual({ ...sale, status: 'partially_refunded', refundedAmount: 20000 });
    expect(withKnownRefunds(sale, [{ id: 'R1', amount: 20000, status: 'success' }, { id: 'R2', amount: 30000, status: 'success' }])).toMatchObject({ status: 'refunded', refundedAmount: 50000 });
    // The record's own refunded total counts where it says more (a refund made elsewhere).
    expect(withKnownRefunds({ ...sale, status: 'partially_refunded', refundedAmount: 30000 }, [{ id: 'R1', amount: 20000, status: 'success' }])).toMatchObject({ status: 'partially_refunded', refundedAmount: 30000 });
    expect(withKnownRefunds({ ...sale, status: 'failed' }, [{ id: 'R1', amount: 20000, status: 'success' }])).toMatchObject({ status: 'failed' });
  });

  it('reads the example list, payout and balance answers', () => {
    expect(listToPage(hankoPayTransactionListSchema.parse(fixture('list-response')))).toEqual({
      transactions: [
        { providerRef: '662d7a1f4d8c91f0b1d2e345', paymentId: 'ORD-0427215821', status: 'succeeded', providerStatus: 'success', amount: 50000, currency: 'USD', createdAt: '2026-04-27T12:30:00.000Z' },
      ],
      page: 1,
      limit: 50,
      total: 1,
      pages: 1,
    });
    expect(payoutResponseToState(hankoPayPayoutResponseSchema.parse(fixture('payout-response')), 'PO-1001')).toEqual({
      payoutId: 'PO-1001',
      providerRef: '662d83094d8c91f0b1d2eb10',
      status: 'pending',
      providerStatus: 'pending',
      createdAt: '2026-04-27T12:42:00.000Z',
    });
    const wallets = walletsFromBalance(hankoPayBalanceResponseSchema.parse(fixture('wallet-balance-response')));
    expect(wallets).toEqual([{ walletId: 'wallet_123456', currency: 'USD', amount: 250000, paymentMethod: 'card', status: 'active' }]);
    expect(availableBalance(wallets, 'USD')).toBe(250000);
    expect(availableBalance([...wallets, { currency: 'USD', amount: 100, status: 'frozen' }], 'USD')).toBe(250000);
    expect(availableBalance(wallets, 'EUR')).toBe(0);
  });
});

describe('status mapping', () => {
  const table: Record<(typeof HANKOPAY_TRANSACTION_STATUSES)[number], string> = {
    pending: 'pending',
    success: 'succeeded',
    failed: 'failed',
    declined: 'failed',
    cancelled: 'canceled',
    expired: 'expired',
    refunded: 'refunded',
    partially_refunded: 'partially_refunded',
  };

  it.each(Object.entries(table))('%s → %s', (word, status) => {
    expect(mapHankoPayStatus(word).status).toBe(status);
  });

  it('reads case and spelling variants, and never reads an unknown word as final', () => {
    expect(mapHankoPayStatus('SUCCESS').status).toBe('succeeded');
    expect(mapHankoPayStatus('Canceled').status).toBe('canceled');
    expect(mapHankoPayStatus('partially-refunded').status).toBe('partially_refunded');
    expect(mapHankoPayStatus('authorised').status).toBe('pending');
    expect(mapHankoPayStatus(undefined).status).toBe('pending');
    expect(mapHankoPayStatus('pending', null, true).status).toBe('requires_action');
  });

  it('classifies failures by statusReason', () => {
    expect(mapHankoPayStatus('failed', 'Insufficient funds').failure).toEqual({ code: 'card_declined', message: 'The card was declined: insufficient funds.' });
    expect(describeFailure('3-D Secure authentication failed').code).toBe('payment_declined');
    expect(describeFailure('Card declined by the issuer').code).toBe('card_declined');
    expect(describeFailure(undefined)).toEqual({ code: 'payment_declined', message: 'The payment was declined.' });
  });

  it('maps refund and payout words', () => {
    expect(['pending', 'success', 'failed', 'SUCCESS', 'weird'].map(readRefundStatus)).toEqual(['pending', 'success', 'failed', 'success', 'pending']);
    expect(['pending', 'success', 'failed', 'other'].map(mapPayoutStatus)).toEqual(['pending', 'succeeded', 'failed', 'pending']);
  });
});

describe('callbacks', () => {
  it('reads only the ids, from JSON, form data or the query', () => {
    expect(readHankoPayCallback({ transactionId: 'abc123', orderId: 'pay_1', status: 'success', amount: 1 })).toEqual({ transactionId: 'abc123', orderId: 'pay_1' });
    expect(readHankoPayCallback('_id=abc123&orderId=pay_1')).toEqual({ transactionId: 'abc123', orderId: 'pay_1' });
    expect(readHankoPayCallback({}, { transactionId: 'abc123' })).toEqual({ transactionId: 'abc123' });
    expect(readHankoPayCallback({ transactionId: '../../x' })).toEqual({});
    expect(readHankoPayCallback(null)).toEqual({});
  });
});

describe('errors', () => {
  it('maps HTTP status and HankoPay\'s words onto our codes', () => {
    const auth = toHankoPayError(401, { success: false, code: 'UNAUTHORIZED', message: 'Invalid or missing merchant API key' }, 'the transaction', true);
    expect(auth).toBeInstanceOf(ProviderError);
    expect(auth.code).toBe('authentication_failed');
    expect(auth.message).toBe('HankoPay refused the merchant API key (HTTP 401) on the transaction (HankoPay: UNAUTHORIZED: Invalid or missing merchant API key)');
    expect(toHankoPayError(422, { success: false, error: 'Insufficient wallet balance' }, 'the payout', true).code).toBe('provider_rejected');
    expect(toHankoPayError(404, { success: false, message: 'Transaction not found' }, 'the status lookup', false).code).toBe('not_found');
    expect(toHankoPayError(409, {}, 'the transaction', true).code).toBe('conflict');
    expect(toHankoPayError(502, '<html>', 'the transaction', true).code).toBe('outcome_unknown');
    expect(toHankoPayError(503, undefined, 'the status lookup', false).code).toBe('provider_unavailable');
    expect(toHankoPayError(200, { success: false, message: 'Merchant disabled' }, 'the refund', true)).toMatchObject({ code: 'provider_rejected', message: 'HankoPay refused the refund (HankoPay: Merchant disabled)' });
  });

  it('masks card numbers an error message quotes', () => {
    const error = toHankoPayError(400, { success: false, message: 'card 4111111111111111 is not allowed', cardNumber: '4111111111111111', cardSecurityCode: '029' }, 'the transaction', true);
    expect(error.message).toContain('411111******1111');
    expect(JSON.stringify(error.raw)).not.toMatch(/4111111111111111|029/);
  });
});

describe('scrubHankoPayPayload', () => {
  it('removes the card data from the document\'s example request and keeps the rest', () => {
    const scrubbed = scrubHankoPayPayload(fixture('transaction-request')) as Record<string, Record<string, unknown>>;
    const text = JSON.stringify(scrubbed);
    expect(text).not.toContain('4111111111111111');
    expect(text).not.toContain('029');
    expect(text).not.toContain('2030');
    expect(scrubbed.paymentMethod).toEqual({
      cardNumber: '411111******1111',
      cardholderName: 'John Doe',
      cardSecurityCode: '[redacted]',
      expiryMonth: '[redacted]',
      expiryYear: '[redacted]',
    });
    expect(scrubbed.orderId).toBe('ORD-0427215821');
    expect(scrubbed.customer).toEqual(fixture('transaction-request').customer);
  });

  it('masks card numbers under any key and as numbers, and drops credentials', () => {
    const scrubbed = JSON.stringify(
      scrubHankoPayPayload({ note: 'paid with 4111-1111-1111-1111', raw: 4111111111111111, headers: { Authorization: 'Bearer hkp_live_x' }, pan: 'garbage' }),
    );
    expect(scrubbed).not.toMatch(/4111-1111-1111-1111|4111111111111111|hkp_live_x|garbage/);
    expect(scrubbed).toContain('411111******1111');
  });
});
