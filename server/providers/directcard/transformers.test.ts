/**
 * The pure mapping, against the document's own samples. fixtures/<name>.json are the document's
 * JSON blocks copied verbatim (their values are JSON type words: "amount": "number");
 * fixtures/<name>-example.json hold the values of the same tables' Example column, verbatim,
 * written with the JSON type the block names.
 */
import { maskPanLike } from '../../security/card-masking.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError, ProviderError } from '../../errors.js';
import type { CreatePaymentRequest } from '../provider.js';
import {
  directCardCheckoutResponseSchema,
  directCardInstallmentOptionsResponseSchema,
  directCardPaymentResponseSchema,
  directCardThreeDSecureResponseSchema,
} from './directcard-types.js';
import {
  checkoutCreatedToState,
  describeFailure,
  directCardMethods,
  installmentOptionsFromResponse,
  mapDirectCardStatus,
  normalizeIp,
  paymentResponseToState,
  readChallengeReturn,
  readCheckoutCallback,
  readProviderRef,
  scrubDirectCardPayload,
  shopperConnection,
  threeDSecureResponseToState,
  toCaptureRequest,
  toCardFields,
  toCheckoutRequest,
  toDirectCardError,
  toInstallmentOptionsRequest,
  toPaymentRequest,
  toThreeDSecureRequest,
  type DirectCardOperation,
} from './transformers.js';

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

/** The document's example payment, as our normalized request. */
function exampleRequest(overrides: Partial<CreatePaymentRequest> = {}): CreatePaymentRequest {
  return {
    paymentId: 'ORD-12345',
    methodCode: 'card',
    fields: {},
    amount: 10050,
    currency: 'TRY',
    locale: 'en',
    customer: { reference: 'CUST-12345' },
    shopperIp: '192.168.1.1',
    shopperPort: 8080,
    card: { number: '5421190122090656', expiryMonth: '04', expiryYear: '28', securityCode: '916', holderName: 'John Doe' },
    returnUrls: {
      success: 'https://proxy.example/api/checkout/return/ORD-12345?outcome=success',
      fail: 'https://proxy.example/api/checkout/return/ORD-12345?outcome=fail',
      pending: 'https://proxy.example/api/checkout/return/ORD-12345?outcome=pending',
    },
    callbackUrl: 'https://proxy.example/api/callbacks/directcard/ORD-12345',
    ...overrides,
  };
}

/** Each value's JSON type is the word the document's block gives for its key. */
function expectDocumentTypes(body: object, block: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(body)) {
    expect(block, `"${key}" is not in the document`).toHaveProperty(key);
    expect(typeof value, key).toBe(block[key]);
  }
}

describe('methods', () => {
  it('flushes a card payment before the sale (money moves at once), not the payment link (paid on its page)', () => {
    const [card, hosted] = directCardMethods();
    expect(card).toMatchObject({ cardEntry: true });
    expect(card?.paidOnProviderPage).toBeUndefined();
    expect(hosted).toMatchObject({ paidOnProviderPage: true });
    expect(hosted?.cardEntry).toBeUndefined();
  });
});

describe('requests follow the document field by field', () => {
  it('builds /api/payment exactly as the example table writes it', () => {
    const body = toPaymentRequest(exampleRequest());
    expect(body).toEqual(fixture('payment-request-example'));
    expect(Object.keys(body).sort()).toEqual(Object.keys(fixture('payment-request')).sort());
    expectDocumentTypes(body, fixture('payment-request'));
    // The pre-authorization takes the same body.
    expect(Object.keys(fixture('pre-authorization-request'))).toEqual(Object.keys(fixture('payment-request')));
  });

  it('builds /api/3ds with installmentCount, interestPaidByCustomer and the challenge return URLs', () => {
    const body = toThreeDSecureRequest(
      exampleRequest({ installments: 3, challengeReturnUrls: { success: 'https://example.com/3ds/success', failure: 'https://example.com/3ds/failure' } }),
      { interestPaidByCustomer: true },
    );
    expect(body).toEqual(fixture('3ds-request-example'));
    expect(Object.keys(body).sort()).toEqual(Object.keys(fixture('3ds-request')).sort());
    expectDocumentTypes(body, fixture('3ds-request'));
  });

  it('falls back to returnUrls for 3-D Secure, and sends installmentCount 1 for a single payment', () => {
    const body = toThreeDSecureRequest(exampleRequest(), { interestPaidByCustomer: false });
    expect(body.successUrl).toBe('https://proxy.example/api/checkout/return/ORD-12345?outcome=success');
    expect(body.failureUrl).toBe('https://proxy.example/api/checkout/return/ORD-12345?outcome=fail');
    expect(body.installmentCount).toBe(1);
    expect(body.interestPaidByCustomer).toBe(false);
  });

  it('builds the capture, installment options and checkout bodies of the examples', () => {
    const capture = toCaptureRequest(9000, 'TRY');
    expect(capture).toEqual(fixture('capture-request-example'));
    expectDocumentTypes(capture, fixture('capture-request'));

    const options = toInstallmentOptionsRequest({ pan: '5421190122090656', amount: 100000, currency: 'TRY', maxInstallmentCount: 12, interestPaidByCustomer: true });
    expect(options).toEqual(fixture('installment-options-request-example'));
    expectDocumentTypes(options, fixture('installment-options-request'));

    const checkout = toCheckoutRequest(
      exampleRequest({
        description: 'Product purchase',
        installments: 6,
        returnUrls: { success: 'x', fail: 'y', pending: 'https://example.com/payment-callback' },
      }),
      { interestPaidByCustomer: true },
    );
    expect(checkout).toEqual(fixture('checkout-request-example'));
    expectDocumentTypes(checkout, fixture('checkout-request'));
  });

  it('makes up a description for a checkout (the document requires one) and omits what is not set', () => {
    const checkout = toCheckoutRequest(exampleRequest({ customer: undefined }), { interestPaidByCustomer: false });
    expect(checkout.description).toBe('Order payment ORD-12345');
    expect(checkout).not.toHaveProperty('customerId');
    expect(checkout).not.toHaveProperty('maxInstallmentCount');
  });

  it('writes amounts as JSON numbers in major units, by the currency exponent', () => {
    expect(toPaymentRequest(exampleRequest({ amount: 1234, currency: 'JPY' })).amount).toBe(1234);
    expect(toPaymentRequest(exampleRequest({ amount: 1234, currency: 'KWD' })).amount).toBe(1.234);
    expect(toPaymentRequest(exampleRequest({ amount: 100000 })).amount).toBe(1000);
  });
});

describe('card fields and the shopper connection', () => {
  it('normalizes what a shopper types: spaces, one-digit months, four-digit years', () => {
    expect(toCardFields({ number: '5421 1901-2209 0656', expiryMonth: '4', expiryYear: '2028', securityCode: ' 916 ', holderName: '  John   Doe ' })).toEqual({
      cardHolderName: 'John Doe',
      pan: '5421190122090656',
      expiryMonth: '04',
      expiryYear: '28',
      cvv: '916',
    });
  });

  it('refuses bad card data naming the fields and never quoting them', () => {
    const error = (() => {
      try {
        toCardFields({ number: '5421190122090657', expiryMonth: '13', expiryYear: '202', securityCode: '91', holderName: ' ' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(AppError);
    const message = (error as AppError).message;
    expect(message).toContain('card.number');
    expect(message).toContain('card.expiryMonth');
    expect(message).toContain('card.expiryYear');
    expect(message).toContain('card.securityCode');
    expect(message).toContain('card.holderName');
    expect(message).not.toContain('5421190122090657');
    expect(message).not.toMatch(/\b91\b/);
  });

  it('refuses a payment without card details', () => {
    expect(() => toPaymentRequest(exampleRequest({ card: undefined }))).toThrow(/card: card details are required/);
  });

  it('reads requestIp from IPv4-mapped IPv6 and requires both ip and port', () => {
    expect(normalizeIp('::ffff:192.168.1.1')).toBe('192.168.1.1');
    expect(normalizeIp('2001:db8::1')).toBe('2001:db8::1');
    expect(shopperConnection({ shopperIp: '::ffff:10.0.0.7', shopperPort: 51234 })).toEqual({ requestIp: '10.0.0.7', requestPort: 51234 });
    expect(() => shopperConnection({ shopperIp: undefined, shopperPort: 8080 })).toThrow(/requestIp/);
    expect(() => shopperConnection({ shopperIp: '192.168.1.1', shopperPort: undefined })).toThrow(/requestPort/);
    expect(() => shopperConnection({ shopperIp: 'not-an-ip', shopperPort: 70000 })).toThrow(/requestIp.*requestPort/);
  });
});

describe('answers → the normalized state', () => {
  it('reads every key of ApiPaymentResponse the document lists', () => {
    expect(Object.keys(directCardPaymentResponseSchema.shape).sort()).toEqual(Object.keys(fixture('payment-response')).sort());
    expect(directCardPaymentResponseSchema.safeParse(fixture('payment-response-example')).success).toBe(true);
    expect(directCardThreeDSecureResponseSchema.safeParse(fixture('3ds-response-example')).success).toBe(true);
    expect(directCardInstallmentOptionsResponseSchema.safeParse(fixture('installment-options-response')).success).toBe(true);
    expect(directCardCheckoutResponseSchema.safeParse(fixture('checkout-response-example')).success).toBe(true);
  });

  it('maps the example payment: succeeded, minor units, masked card as the gateway returned it', () => {
    const response = directCardPaymentResponseSchema.parse(fixture('payment-response-example'));
    expect(paymentResponseToState(response, 'payment')).toEqual({
      status: 'succeeded',
      providerRef: '123e4567-e89b-12d3-a456-426614174000',
      providerStatus: 'SUCCESS/SUCCESS (Successful)',
      amount: 10050,
      currency: 'TRY',
      card: { mask: '411111******1111', brand: 'VISA', type: 'CREDIT' },
    });
  });

  it('reads SUCCESS as authorized for a pre-authorization, and a capture amount as capturedAmount', () => {
    const response = directCardPaymentResponseSchema.parse(fixture('payment-response-example'));
    expect(paymentResponseToState(response, 'pre-authorization').status).toBe('authorized');
    const captured = paymentResponseToState({ ...response, amount: 90.0 }, 'capture');
    expect(captured.status).toBe('succeeded');
    expect(captured.capturedAmount).toBe(9000);
    expect(captured).not.toHaveProperty('amount');
  });

  it('keeps a checkout reference and masks a card number that arrives unmasked', () => {
    const response = directCardPaymentResponseSchema.parse({ ...fixture('payment-response-example'), pan: '4111111111111111' });
    const state = paymentResponseToState(response, 'checkout', 'checkout:abc');
    expect(state.providerRef).toBe('checkout:abc');
    expect(state.card?.mask).toBe('411111******1111');
  });

  const table: [string | null | undefined, DirectCardOperation, string][] = [
    ['SUCCESS', 'payment', 'succeeded'],
    ['SUCCESS', 'pre-authorization', 'authorized'],
    ['SUCCESS', 'capture', 'succeeded'],
    ['SUCCESS', '3ds-complete', 'succeeded'],
    ['SUCCESS', 'checkout', 'succeeded'],
    ['FAILED', 'payment', 'failed'],
    ['FAILED', 'pre-authorization', 'failed'],
    ['FAILED', 'capture', 'authorized'],
    ['FAILED', '3ds-complete', 'failed'],
    ['FAILED', 'checkout', 'failed'],
    ['ENROLLED', 'payment', 'failed'],
    ['ENROLLED', 'pre-authorization', 'failed'],
    ['ENROLLED', 'capture', 'authorized'],
    ['ENROLLED', '3ds-complete', 'requires_action'],
    ['ENROLLED', 'checkout', 'requires_action'],
    ['PROCESSING', 'payment', 'pending'],
    ['PROCESSING', 'pre-authorization', 'pending'],
    ['PROCESSING', 'capture', 'pending'],
    ['PROCESSING', '3ds-complete', 'pending'],
    ['PENDING', 'checkout', 'requires_action'],
    [null, 'checkout', 'requires_action'],
    [undefined, 'checkout', 'requires_action'],
    ['success', 'payment', 'succeeded'],
  ];
  it.each(table)('%s from %s → %s', (status, operation, expected) => {
    expect(mapDirectCardStatus(status, operation).status).toBe(expected);
  });

  it('turns FAILED with resultCode/resultMessage into a clear failure of our closed list', () => {
    expect(mapDirectCardStatus('FAILED', 'payment', { resultCode: 'INSUFFICIENT_FUNDS', resultMessage: 'Insufficient funds' }).failure).toEqual({
      code: 'card_declined',
      message: 'The card was declined: insufficient funds.',
    });
    expect(mapDirectCardStatus('FAILED', '3ds-complete', { resultCode: '3DS_AUTHENTICATION_FAILED' }).failure?.code).toBe('payment_declined');
    expect(describeFailure({ resultCode: '05', resultMessage: 'Do not honor' }, 'payment_declined').code).toBe('card_declined');
    expect(describeFailure({ resultCode: '51' }, 'payment_declined').message).toMatch(/insufficient funds/);
    expect(describeFailure({ resultCode: 'EXPIRED_CARD' }, 'payment_declined').message).toMatch(/expired/);
    expect(describeFailure({ resultCode: 'SOMETHING_ELSE' }, 'payment_declined')).toEqual({
      code: 'payment_declined',
      message: 'The payment was declined.',
    });
    expect(describeFailure({}, 'payment_declined').message).toBe('The payment was declined.');
  });

  it('maps the 3-D Secure answer: markup to show, or a failure', () => {
    const example = directCardThreeDSecureResponseSchema.parse(fixture('3ds-response-example'));
    expect(threeDSecureResponseToState(example)).toEqual({
      status: 'requires_action',
      providerRef: '123e4567-e89b-12d3-a456-426614174000',
      providerStatus: '3DS success=true/SUCCESS (Successful)',
      challengeHtml: '<form action="https://3ds.example.com" method="POST">...</form>',
    });
    const refused = threeDSecureResponseToState(
      directCardThreeDSecureResponseSchema.parse({ paymentId: 'p1', success: 'false', resultCode: 'CARD_DECLINED', resultMessage: 'Declined', htmlContent: null }),
    );
    expect(refused).toMatchObject({ status: 'failed', providerRef: 'p1', failure: { code: 'card_declined' } });
    expect(refused.challengeHtml).toBeUndefined();
    const empty = threeDSecureResponseToState({ paymentId: 'p2', success: true, resultCode: 'SUCCESS', htmlContent: '' });
    expect(empty).toMatchObject({ status: 'failed', failure: { code: 'provider_rejected' } });
  });

  it('maps the document installment options example to minor units', () => {
    const response = directCardInstallmentOptionsResponseSchema.parse(fixture('installment-options-response'));
    expect(installmentOptionsFromResponse(response, 'TRY')).toEqual([
      { count: 2, installmentAmount: 51000, totalAmount: 102000, interestAmount: 2000, currency: 'TRY' },
      { count: 3, installmentAmount: 34500, totalAmount: 103500, interestAmount: 3500, currency: 'TRY' },
    ]);
    // An option in another currency cannot be charged for this order.
    expect(installmentOptionsFromResponse(response, 'EUR')).toEqual([]);
    expect(installmentOptionsFromResponse({ options: null }, 'TRY')).toEqual([]);
  });

  it('maps a created checkout to a top-level redirect, with a checkout reference', () => {
    const state = checkoutCreatedToState(directCardCheckoutResponseSchema.parse(fixture('checkout-response-example')));
    expect(state).toEqual({
      status: 'pending',
      providerRef: 'checkout:123e4567-e89b-12d3-a456-426614174000',
      providerStatus: 'checkout created',
      action: { type: 'redirect', url: 'https://api.example.com/checkout-link/123e4567-e89b-12d3-a456-426614174000' },
    });
    expect(readProviderRef(state.providerRef)).toEqual({ kind: 'checkout', checkoutId: '123e4567-e89b-12d3-a456-426614174000' });
    expect(readProviderRef('123e4567-e89b-12d3-a456-426614174000')).toEqual({ kind: 'payment', paymentId: '123e4567-e89b-12d3-a456-426614174000' });
    expect(readProviderRef(undefined)).toBeUndefined();
  });
});

describe('form posts from the browser', () => {
  const example = fixture('3ds-return-example') as Record<string, string>;

  it('reads the 3-D Secure return of the example', () => {
    expect(readChallengeReturn(example, '123e4567-e89b-12d3-a456-426614174000')).toEqual({
      paymentId: '123e4567-e89b-12d3-a456-426614174000',
      securityKey: '3DS_AUTH_KEY_123456',
    });
  });

  it('refuses a return for another payment, without a key, or for a payment without 3-D Secure', () => {
    expect(() => readChallengeReturn(example, 'another-payment')).toThrow(/another directcard payment/);
    expect(() => readChallengeReturn({ paymentId: example.paymentId }, example.paymentId)).toThrow(/securityKey/);
    expect(() => readChallengeReturn({ securityKey: 'k' }, example.paymentId)).toThrow(/paymentId/);
    expect(() => readChallengeReturn({ paymentId: '../../x', securityKey: 'k' }, '../../x')).toThrow(/paymentId/);
    expect(() => readChallengeReturn(example, undefined)).toThrow(ProviderError);
  });

  it('reads checkoutId from form data, JSON, raw text or the query', () => {
    expect(readCheckoutCallback({ checkoutId: 'abc-1' })).toBe('abc-1');
    expect(readCheckoutCallback('checkoutId=abc-2&x=1')).toBe('abc-2');
    expect(readCheckoutCallback({}, { checkoutId: 'abc-3' })).toBe('abc-3');
    expect(readCheckoutCallback({ checkoutId: '<script>' })).toBeUndefined();
    expect(readCheckoutCallback(undefined)).toBeUndefined();
  });
});

describe('errors', () => {
  it('reads resultCode/resultMessage into a clear ProviderError with our code', () => {
    const declined = toDirectCardError(400, { resultCode: 'INSUFFICIENT_FUNDS', resultMessage: 'Insufficient funds' }, 'the payment', true);
    expect(declined.code).toBe('card_declined');
    expect(declined.message).toMatch(/insufficient funds/);

    const refused = toDirectCardError(400, { resultCode: 'INVALID_SECURITY_KEY', resultMessage: 'The securityKey is not valid' }, 'the 3-D Secure completion', true);
    expect(refused.code).toBe('provider_rejected');
    expect(refused.message).toBe('directcard refused the 3-D Secure completion (HTTP 400) (directcard: INVALID_SECURITY_KEY: The securityKey is not valid)');

    expect(toDirectCardError(401, undefined, 'the payment', true).code).toBe('authentication_failed');
    expect(toDirectCardError(404, {}, 'the checkout lookup', false).code).toBe('not_found');
    expect(toDirectCardError(409, { resultCode: 'ALREADY_COMPLETED' }, 'x', true).code).toBe('conflict');
    expect(toDirectCardError(500, {}, 'the payment', true).code).toBe('outcome_unknown');
    expect(toDirectCardError(503, {}, 'the checkout lookup', false).code).toBe('provider_unavailable');
    expect(toDirectCardError(400, { message: 'Bad Request', error: 'x' }, 'the payment', true).message).toMatch(/Bad Request/);
  });

  it('masks a card number quoted in an error and keeps a scrubbed body', () => {
    const error = toDirectCardError(400, { resultCode: 'INVALID_CARD', resultMessage: 'Card 4111111111111111 invalid', cvv: '123' }, 'the payment', true);
    expect(error.message).not.toContain('4111111111111111');
    expect(error.message).toContain('411111******1111');
    expect(JSON.stringify(error.raw)).not.toContain('4111111111111111');
    expect(JSON.stringify(error.raw)).not.toContain('"123"');
  });
});

describe('scrub', () => {
  it('removes card data, keys and secrets from a transcript, and keeps what support needs', () => {
    const transcript = {
      request: {
        method: 'POST',
        url: 'https://api.example.com/api/3ds',
        headers: { 'X-API-KEY': 'key_live_abcdef', 'X-API-SECRET': 'secret_live_123456' },
        body: fixture('3ds-request-example'),
      },
      response: { ...fixture('3ds-response-example'), htmlContent: '<form><input name="PaReq" value="eJzVWNmO4zgS..."></form>' },
      complete: { request: fixture('3ds-complete-request-example'), response: fixture('payment-response-example') },
      note: 'shopper typed 5421 1901 2209 0656 then 5421-1901-2209-0656',
      numeric: { number: 5421190122090656 },
    };
    const scrubbed = JSON.stringify(scrubDirectCardPayload(transcript));
    for (const secret of ['5421190122090656', '5421 1901 2209 0656', '5421-1901-2209-0656', '"916"', 'key_live_abcdef', 'secret_live_123456', '3DS_AUTH_KEY_123456', 'PaReq', '"04"', '"28"']) {
      expect(scrubbed, secret).not.toContain(secret);
    }
    expect(scrubbed).toContain('542119******0656');
    expect(scrubbed).toContain('411111******1111');
    expect(scrubbed).toContain('123e4567-e89b-12d3-a456-426614174000');
    expect(scrubbed).toContain('ORD-12345');
  });

  it('masks digit runs but leaves UUIDs whole', () => {
    expect(maskPanLike('pay 4000000000000002 for 123e4567-e89b-12d3-a456-426614174000')).toBe(
      'pay 400000******0002 for 123e4567-e89b-12d3-a456-426614174000',
    );
  });
});
