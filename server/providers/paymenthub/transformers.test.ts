/** Transformers against the document's own payloads (fixtures/*.json, copied from paymenthub.txt). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CreatePaymentRequest, SharedPaymentRequest } from '../provider.js';
import {
  paymentHubFetchMultipleResponseSchema,
  paymentHubPaymentGatewayListResponseSchema,
  paymentHubRefundResponseSchema,
  paymentHubTokenResponseSchema,
  paymentHubTransactionResponseSchema,
  paymentHubTransactionStatusResponseSchema,
  paymentHubCancelResponseSchema,
  paymentHubErrorLogResponseSchema,
  paymentHubVendorListResponseSchema,
} from './paymenthub-types.js';
import {
  closestVendorLang,
  gatewaysToPaymentMethods,
  mapPaymentHubRefundStatus,
  mapPaymentHubTransactionStatus,
  parseMethodCode,
  payableIn,
  paymentUrlAction,
  readRefundAnswer,
  scrubPaymentHubPayload,
  toRefundRequest,
  toSharedPaymentRequest,
  toTransactionRequest,
  transactionCreatedToState,
  transactionToState,
} from './transformers.js';

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as unknown;
}

const vendors = paymentHubVendorListResponseSchema.parse(fixture('vendor-list-response')).data;
const gateways = paymentHubPaymentGatewayListResponseSchema.parse(fixture('payment-gateways-response')).data;

describe('schemas', () => {
  it('read every documented answer', () => {
    for (const name of ['reset-token-response', 'reset-refresh-token-response', 'reset-all-token-response']) {
      expect(paymentHubTokenResponseSchema.parse(fixture(name)).data.Token).toBe('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9');
    }
    expect(vendors.map((vendor) => vendor.Name)).toEqual(['Xendit', 'Stripe', 'Paydollar', 'Reddot', 'Komoju', 'Omise', 'Bimopay', 'Siampay', 'Pesopay', 'Cathay', 'Cibpaynow', 'LinePay']);
    expect(gateways.map((gateway) => gateway.vendor_payment_gateway?.Name)).toEqual(['Xendit', 'Stripe']);
    expect(paymentHubTransactionResponseSchema.parse(fixture('transaction-response')).data.payment_url).toBe('https://payment-gateway-provider-domain.com/ASD123QWE346ZXC');
    expect(paymentHubTransactionStatusResponseSchema.parse(fixture('status-response')).data.Refunds).toEqual([]);
    const many = paymentHubFetchMultipleResponseSchema.parse(fixture('fetch-multiple-response')).data;
    expect(many.map((record) => [record.MerchantRefCode, record.Status])).toEqual([
      ['ABC11111', 'success refund'],
      ['ABC11112', 'partial refund'],
    ]);
    expect(many[1]?.Refunds[0]).toMatchObject({ Amount: 20000, VendorID: 'ewr_c43619ff-ee23-4bd5-9e5c-5cf9ab880b0a', Status: 'success refund' });
    expect(paymentHubRefundResponseSchema.parse(fixture('refund-response')).data.status).toBe('pending refund');
    expect(paymentHubCancelResponseSchema.parse(fixture('cancel-response')).data.Status).toBe('expired');
    expect(paymentHubErrorLogResponseSchema.parse(fixture('error-log-response')).data).toHaveLength(2);
  });

  it('reads a token answer whose Name is a number, as its "decimal" type allows', () => {
    const answer = fixture('reset-all-token-response') as { data: Record<string, unknown> };
    for (const Name of [12345, 1.5, null, 'Client']) {
      const parsed = paymentHubTokenResponseSchema.safeParse({ ...answer, data: { ...answer.data, Name } });
      expect(parsed.success).toBe(true);
    }
    // "optional": an answer without it is read too.
    const { Name: _left, ...withoutName } = answer.data;
    expect(paymentHubTokenResponseSchema.safeParse({ ...answer, data: withoutName }).success).toBe(true);
  });
});

describe('status mapping', () => {
  it('maps every transaction status', () => {
    expect(mapPaymentHubTransactionStatus('initial').status).toBe('pending');
    expect(mapPaymentHubTransactionStatus('initial', { hasPaymentUrl: true }).status).toBe('requires_action');
    expect(mapPaymentHubTransactionStatus('initial', { failReason: 'ccy not supported' })).toEqual({
      status: 'failed',
      failure: { code: 'provider_rejected', message: 'The payment page could not be created: ccy not supported' },
    });
    expect(mapPaymentHubTransactionStatus('paid').status).toBe('succeeded');
    expect(mapPaymentHubTransactionStatus('PAID').status).toBe('succeeded');
    expect(mapPaymentHubTransactionStatus('expired').status).toBe('expired');
    expect(mapPaymentHubTransactionStatus('pending refund').status).toBe('refund_pending');
    expect(mapPaymentHubTransactionStatus('partial_refund').status).toBe('partially_refunded');
    expect(mapPaymentHubTransactionStatus('full refund').status).toBe('refunded');
    expect(mapPaymentHubTransactionStatus('something new').status).toBe('pending');
  });

  it('reads refund words in a transaction Status by the refunded total', () => {
    expect(mapPaymentHubTransactionStatus('success refund', { refunded: 100, amount: 100 }).status).toBe('refunded');
    expect(mapPaymentHubTransactionStatus('success refund', { refunded: 40, amount: 100 }).status).toBe('partially_refunded');
    expect(mapPaymentHubTransactionStatus('success refund', { amount: 100 }).status).toBe('refunded');
    expect(mapPaymentHubTransactionStatus('failed refund', { refunded: 0, amount: 100 }).status).toBe('succeeded');
  });

  it('maps every refund status', () => {
    expect(mapPaymentHubRefundStatus('pending refund')).toBe('pending');
    expect(mapPaymentHubRefundStatus('success refund')).toBe('succeeded');
    expect(mapPaymentHubRefundStatus('failed refund')).toBe('failed');
    expect(mapPaymentHubRefundStatus('???')).toBe('pending');
  });

  it('turns the document’s records into our state', () => {
    const status = paymentHubTransactionStatusResponseSchema.parse(fixture('status-response')).data;
    expect(transactionToState(status)).toEqual({ status: 'pending', providerStatus: 'initial', providerRef: '656d96e92f42c9a894ceb1bb', amount: 500000000, currency: 'IDR' });
    const [full, partial] = paymentHubFetchMultipleResponseSchema.parse(fixture('fetch-multiple-response')).data;
    // The first record says "success refund" with no Refunds: a full refund (not "partial refund"), of its Amount.
    expect(transactionToState(full!)).toMatchObject({ status: 'refunded', amount: 5000000, refundedAmount: 5000000, currency: 'IDR' });
    expect(transactionToState({ ...full!, RefundTotal: 0 })).toMatchObject({ status: 'refunded', refundedAmount: 5000000 });
    // Where the amounts are given they decide, as for the other refund words.
    expect(transactionToState({ ...full!, RefundTotal: 20000 })).toMatchObject({ status: 'partially_refunded', refundedAmount: 2000000 });
    expect(transactionToState(partial!)).toMatchObject({ status: 'partially_refunded', amount: 5000000, refundedAmount: 2000000, currency: 'IDR' });
    const canceled = paymentHubCancelResponseSchema.parse(fixture('cancel-response')).data;
    expect(transactionToState(canceled).status).toBe('expired');
  });

  it('reads the refund answer', () => {
    const refund = paymentHubRefundResponseSchema.parse(fixture('refund-response')).data;
    expect(readRefundAnswer(refund, 'IDR')).toEqual({ outcome: 'pending', amount: 2500000 });
  });
});

describe('methods', () => {
  it('turns the client’s gateways into methods for a currency, with readable names', () => {
    const idr = gatewaysToPaymentMethods({ gateways, vendors, currency: 'IDR' });
    const names = idr.map((method) => method.name);
    expect(names).toContain('Credit card');
    expect(names).toContain('QRIS');
    expect(names).toContain('OVO');
    expect(names).toContain('ShopeePay');
    expect(names).toContain('Stripe');
    // Xendit lists CREDIT_CARD three times and SHOPEEPAY twice: each appears once.
    expect(names.filter((name) => name === 'Credit card')).toHaveLength(1);
    // Philippine and Thai methods are not offered for rupiah; in pesos, Indonesian ones are not.
    expect(names).not.toContain('GCash');
    expect(names).not.toContain('PromptPay');
    const php = gatewaysToPaymentMethods({ gateways, vendors, currency: 'PHP' }).map((method) => method.name);
    expect(php).toEqual(expect.arrayContaining(['GCash', 'Maya', 'Credit card', 'ShopeePay', 'Stripe']));
    expect(php).not.toContain('QRIS');
    expect(payableIn('grabpay', 'IDR')).toBe(true);
    expect(idr.find((method) => method.name === 'Credit card')).toMatchObject({ id: 'paymenthub:65c314574bea7be0c0405e1d.CREDIT_CARD', category: 'card', provider: 'paymenthub', fields: [], paidOnProviderPage: true });
    expect(idr.find((method) => method.name === 'OVO')?.category).toBe('wallet');
    expect(idr.find((method) => method.name === 'BCA virtual account')?.category).toBe('bank');
    expect(parseMethodCode('65c314574bea7be0c0405e1d.QRIS')).toEqual({ gatewayId: '65c314574bea7be0c0405e1d', paymentMethod: 'QRIS' });
    expect(parseMethodCode('65c314574bea7be0c0405e1d')).toEqual({ gatewayId: '65c314574bea7be0c0405e1d' });

    const usd = gatewaysToPaymentMethods({ gateways, vendors, currency: 'usd' });
    expect(usd.map((method) => [method.id, method.name])).toEqual([['paymenthub:65c314574bea7be0c0405e1d', 'Stripe']]);
    expect(gatewaysToPaymentMethods({ gateways, vendors, currency: 'EUR' })).toEqual([]);
    expect(gatewaysToPaymentMethods({ gateways, vendors, currency: 'IDR', onlyGatewayId: 'other' })).toEqual([]);
  });

  it('picks the vendor locale closest to the shopper’s', () => {
    const xendit = ['EN', 'ID'];
    const stripe = ['en-gb', 'en-us', 'id', 'ja', 'th', 'ko', 'zh-hk', 'zh-cn', 'zh-tw', 'ms'];
    const paydollar = ['en', 'zh-hant', 'zh-hans', 'ja'];
    const linePay = ['en', 'ja', 'ko', 'th', 'zh_TW', 'zh_CN'];
    expect(closestVendorLang(xendit, 'id-ID')).toBe('ID');
    expect(closestVendorLang(xendit, 'fr')).toBe('EN');
    expect(closestVendorLang(stripe, 'en-US')).toBe('en-us');
    expect(closestVendorLang(stripe, 'en')).toBe('en-gb');
    expect(closestVendorLang(stripe, 'zh-TW')).toBe('zh-tw');
    expect(closestVendorLang(paydollar, 'zh-TW')).toBe('zh-hant');
    expect(closestVendorLang(paydollar, 'zh-CN')).toBe('zh-hans');
    expect(closestVendorLang(linePay, 'zh-Hant-TW')).toBe('zh_TW');
    expect(closestVendorLang(['th'], 'de')).toBeUndefined();
  });
});

describe('requests and actions', () => {
  const request: CreatePaymentRequest = {
    paymentId: '84b88501',
    methodCode: '65f3b208559e33aa146f7dca',
    fields: {},
    // IDR has two decimals in ISO 4217: 5,000,000.00 major.
    amount: 500000000,
    currency: 'IDR',
    description: 'Booking Invoice',
    customer: { name: 'Jhon Doe', email: 'test@payhub.com' },
    locale: 'en-US',
    returnUrls: {
      success: 'https://clientpage.io/transaction/84b88501/success',
      fail: 'https://clientpage.io/transaction/84b88501/failed',
      pending: 'https://clientpage.io/transaction/84b88501/pending',
    },
    callbackUrl: 'https://clientpage.io/webhook/84b88501',
  };

  it('builds the transaction body with the document’s fields and JSON types', () => {
    const body = toTransactionRequest(request, {
      gatewayId: '65f3b208559e33aa146f7dca',
      vendorLangs: ['EN', 'ID'],
      webhookUrl: request.callbackUrl,
      expiresInMinutes: 1440,
      linkExpiresInMinutes: 1440,
    });
    const documented = fixture('transaction-request') as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(Object.keys(documented).filter((key) => key !== 'mobile' && key !== 'payment_method').sort());
    for (const [key, value] of Object.entries(body)) expect(typeof value, key).toBe(typeof documented[key]);
    expect(body).toMatchObject({
      merchant_ref_code: '84b88501',
      amount: 5000000,
      service_charge: 0,
      first_name: 'Jhon',
      last_name: 'Doe',
      currency: 'IDR',
      payment_vendor: '65f3b208559e33aa146f7dca',
      lang: 'EN',
      enable_3d_secure: true,
      webhook_url: 'https://clientpage.io/webhook/84b88501',
      cancel_redirect_url: 'https://clientpage.io/transaction/84b88501/failed',
      expires_in_minutes: 1440,
    });
    const one = toTransactionRequest({ ...request, currency: 'USD', amount: 1050, threeDSecure: false }, { gatewayId: 'g', paymentMethod: 'QRIS', vendorLangs: [], webhookUrl: 'w' });
    expect(one).toMatchObject({ amount: 10.5, payment_method: ['QRIS'], enable_3d_secure: false, expires_in_minutes: 60, link_expires_in_minutes: 60 });
    expect(one.lang).toBeUndefined();
  });

  it('builds the shared payment page body with the document’s fields and JSON types', () => {
    const documented = fixture('shared-payment-request') as { payment_method: Record<string, unknown>[]; payment_detail: Record<string, unknown> & { amount: Record<string, unknown> } };
    const shared: SharedPaymentRequest = {
      paymentId: 'BOOKING1123',
      orderId: '123',
      amount: 1000,
      currency: 'JPY',
      description: 'Invoice BOOKING1123',
      customer: { name: 'John Doe', email: 'dev@bookandlink.com', phone: '081234567890' },
      locale: 'en-GB',
      page: {
        options: [],
        amounts: [
          { currency: 'USD', amount: 643 },
          { currency: 'IDR', amount: 10_498_000 },
        ],
        guestLocation: 'KR',
        hotelLocation: 'JA',
      },
      returnUrls: { success: 'https://example.com/t/ok', fail: 'https://example.com/t/failed', pending: 'https://example.com/t/pending' },
      callbackUrl: 'https://example.com/t',
    };
    const body = toSharedPaymentRequest(shared, { paymentMethod: documented.payment_method as never, vendorLangs: ['en', 'ja'] });
    expect(Object.keys(body.payment_detail).sort()).toEqual(Object.keys(documented.payment_detail).sort());
    for (const [key, value] of Object.entries(body.payment_detail)) expect(typeof value, key).toBe(typeof documented.payment_detail[key]);
    expect(Object.keys(body.payment_detail.amount).sort()).toEqual(Object.keys(documented.payment_detail.amount).sort());
    expect(body.payment_detail).toMatchObject({
      merchant_ref_code: 'BOOKING1123',
      external_id: '123',
      amount: { mcp: true, founding_currency: 'JPY', value: 1000, mcp_rate: [{ currency: 'USD', value: 6.43 }, { currency: 'IDR', value: 104980 }] },
      guest_location: 'KR',
      hotel_location: 'JA',
      first_name: 'John',
      last_name: 'Doe',
      lang: 'en',
      expires_in_minutes: 60,
    });
    const single = toSharedPaymentRequest({ ...shared, page: { options: [], amounts: [] } }, { paymentMethod: [], vendorLangs: [] });
    expect(single.payment_detail.amount).toEqual({ mcp: false, founding_currency: 'JPY', value: 1000, mcp_rate: [] });
  });

  it('builds refunds, full and partial', () => {
    expect(toRefundRequest('ABC11111', 'cancel booking')).toEqual(fixture('refund-request'));
    expect(toRefundRequest('ABC11111', 'cancel booking', { minor: 500000, currency: 'IDR' })).toEqual({ merchant_ref_code: 'ABC11111', amount: 5000, reason: 'cancel booking' });
  });

  it('frames payment_url, except for Stripe, which opens top-level', () => {
    const url = 'https://payment-gateway-provider-domain.com/ASD123QWE346ZXC';
    expect(paymentUrlAction(url, 'Xendit')).toEqual({ type: 'iframe', url });
    expect(paymentUrlAction(url, 'Stripe')).toEqual({ type: 'redirect', url });
    expect(transactionCreatedToState(url, { amount: 100, currency: 'USD' }, 'Stripe')).toEqual({
      status: 'requires_action',
      action: { type: 'redirect', url },
      amount: 100,
      currency: 'USD',
      providerStatus: 'initial',
    });
  });

  it('scrubs tokens and vendor credentials', () => {
    const scrubbed = JSON.stringify(scrubPaymentHubPayload([fixture('reset-all-token-response'), fixture('payment-gateways-response')]));
    expect(scrubbed).not.toContain('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9');
    expect(scrubbed).not.toContain('xnd_development_xxx');
    expect(JSON.stringify(scrubPaymentHubPayload({ ErrorMessage: 'card 4111 1111 1111 1111' }))).toContain('411111******1111');
  });
});
