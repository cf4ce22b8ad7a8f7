import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../errors.js';
import type { CreatePaymentRequest } from '../provider.js';
import {
  milkyPayAnyInvoiceSchema,
  milkyPayErrorBodySchema,
  milkyPayInvoiceListSchema,
  milkyPayInvoiceSchema,
  milkyPayPrerequestResponseSchema,
  milkyPayPrivateInvoiceSchema,
  type MilkyPayPrerequestResponse,
} from './milkypay-types.js';
import {
  formParams,
  invoiceResourcesOf,
  invoiceToPaymentState,
  invoiceViewToPaymentState,
  majorToMinor,
  mapMilkyPayStatus,
  pickLocalized,
  prerequestToPaymentMethods,
  readPrivateInvoiceResource,
  scrubMilkyPayPayload,
  toMilkyPayError,
  toPrivateInvoiceRequest,
  toPublicInvoiceRequest,
} from './transformers.js';

/** The document's own samples, copied verbatim into fixtures/. */
function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as unknown;
}

function prerequest(): MilkyPayPrerequestResponse {
  return milkyPayPrerequestResponseSchema.parse(fixture('prerequest-response'));
}

function invoice(name: string) {
  return milkyPayAnyInvoiceSchema.parse(fixture(name));
}

describe('schemas read every sample of the document', () => {
  it('parses the pre-request, invoices, lists and errors', () => {
    expect(milkyPayPrerequestResponseSchema.safeParse(fixture('prerequest-response')).success).toBe(true);
    expect(milkyPayInvoiceSchema.safeParse(fixture('public-invoice-response')).success).toBe(true);
    expect(milkyPayInvoiceSchema.safeParse(fixture('public-invoice-get')).success).toBe(true);
    expect(milkyPayPrivateInvoiceSchema.safeParse(fixture('private-invoice-response')).success).toBe(true);
    expect(milkyPayPrivateInvoiceSchema.safeParse(fixture('private-invoice-get')).success).toBe(true);
    expect(milkyPayInvoiceListSchema.safeParse(fixture('private-invoice-list')).success).toBe(true);
    for (const name of ['error-401', 'error-404', 'error-405', 'error-422', 'error-500']) {
      expect(milkyPayErrorBodySchema.safeParse(fixture(name)).success, name).toBe(true);
    }
  });

  it('tells the public (flat) shape from the private (JSON:API) one', () => {
    expect('attributes' in invoice('private-invoice-get').data).toBe(true);
    expect('attributes' in invoice('public-invoice-get').data).toBe(false);
  });

  it('reads the by-reference look-up as a data array or a single data object', () => {
    const list = milkyPayInvoiceListSchema.parse(fixture('private-invoice-list'));
    expect(invoiceResourcesOf(list).map((r) => r.id)).toEqual(['cpi_HeSWMM9LvQonCcQc', 'cpi_Qtg8wyWcnSYLksFh']);
    const single = milkyPayInvoiceListSchema.parse(fixture('private-invoice-get'));
    expect(invoiceResourcesOf(single).map((r) => r.id)).toEqual(['cpi_HeSWMM9LvQonCcQc']);
  });
});

describe('pre-request → methods', () => {
  it('lists one method per service with English names, limits in minor units and fields', () => {
    const methods = prerequestToPaymentMethods(prerequest(), { currency: 'USD', locale: 'en' });
    expect(methods).toEqual([
      {
        id: 'milkypay:payment_card_usd_hpp',
        provider: 'milkypay',
        name: 'Payment card',
        category: 'card',
        logoUrl: 'https://static.openfintech.io/payment_methods/payment_card/logo.svg',
        iconUrl: 'https://static.openfintech.io/payment_methods/payment_card/icon.svg',
        minAmount: 1, // 0.01 USD
        maxAmount: 100_000_000, // 1000000 USD
        fields: [],
        // flow "hpp": the invoice is paid on MilkyPay's page, which only our answer hands over.
        paidOnProviderPage: true,
      },
      {
        id: 'milkypay:test_usd_test',
        provider: 'milkypay',
        name: 'Test',
        category: 'alternative',
        logoUrl: 'https://static.openfintech.io/payment_methods/test/logo.png',
        iconUrl: 'https://static.openfintech.io/payment_methods/test/icon.svg',
        minAmount: 1,
        maxAmount: 999_999_900, // 9999999 USD
        fields: [
          { key: 'status', label: 'Status', hint: 'Enter Status', pattern: '^[a-zA-Z_]*$', required: true, type: 'string' },
        ],
      },
    ]);
  });

  it('says money waits for the shopper only for hosted-page services that take no fields', () => {
    const answer = prerequest() as { data: { services: Record<string, { flow?: string; fields?: unknown[] }> | { flow?: string; fields?: unknown[] }[] } };
    const services = Object.values(answer.data.services);
    const hosted = services.find((service) => service.flow === 'hpp')!;
    hosted.fields = [{ key: 'phone', name: 'Phone', type: 'text', required: true, position: 1 }];
    const withFields = prerequestToPaymentMethods(answer as never, { currency: 'USD', locale: 'en' });
    expect(withFields.find((method) => method.id === 'milkypay:payment_card_usd_hpp')?.paidOnProviderPage).toBeUndefined();
    expect(withFields.find((method) => method.id === 'milkypay:test_usd_test')?.paidOnProviderPage).toBeUndefined();
  });

  it('without service_fields (public API) leaves out services with a required field and asks for no optional one', () => {
    const answer = prerequest() as { data: { services: Record<string, { flow?: string; fields?: unknown[] }> } };
    const hosted = Object.values(answer.data.services).find((service) => service.flow === 'hpp')!;
    hosted.fields = [{ key: 'phone', type: 'string', required: false, position: 0 }];
    const publicOnly = prerequestToPaymentMethods(answer as never, { currency: 'USD', locale: 'en' }, { serviceFields: false });
    expect(publicOnly.map((method) => [method.id, method.fields, method.paidOnProviderPage])).toEqual([['milkypay:payment_card_usd_hpp', [], true]]);
    const withPrivate = prerequestToPaymentMethods(answer as never, { currency: 'USD', locale: 'en' });
    expect(withPrivate.map((method) => [method.id, method.fields.map((field) => field.key)])).toEqual([
      ['milkypay:payment_card_usd_hpp', ['phone']],
      ['milkypay:test_usd_test', ['status']],
    ]);
  });

  it('localizes names, labels and hints in Russian and Ukrainian', () => {
    const ru = prerequestToPaymentMethods(prerequest(), { currency: 'USD', locale: 'ru' });
    expect(ru.map((m) => m.name)).toEqual(['Платежная карта', 'Тест']);
    expect(ru[1]?.fields[0]).toMatchObject({ label: 'Статус', hint: 'Введите статус' });
    const uk = prerequestToPaymentMethods(prerequest(), { currency: 'USD', locale: 'uk' });
    expect(uk.map((m) => m.name)).toEqual(['Платіжна карта', 'Тест']);
    expect(uk[1]?.fields[0]).toMatchObject({ label: 'Статус', hint: 'Введіть статус' });
  });

  it('falls back to the language part, then English, then the first text', () => {
    expect(prerequestToPaymentMethods(prerequest(), { currency: 'USD', locale: 'uk-UA' })[0]?.name).toBe('Платіжна карта');
    expect(prerequestToPaymentMethods(prerequest(), { currency: 'USD', locale: 'de-DE' })[0]?.name).toBe('Payment card');
    expect(pickLocalized({ fr: 'Carte', it: 'Carta' }, 'de')).toBe('Carte');
    expect(pickLocalized({ en: 'Card', ru: null }, 'ru')).toBe('Card');
    expect(pickLocalized('Card', 'ru')).toBe('Card');
    expect(pickLocalized(null, 'ru')).toBeUndefined();
  });

  it('leaves out services whose method is hidden', () => {
    const raw = fixture('prerequest-response') as { data: { methods: { test: { hide: boolean | null } } } };
    raw.data.methods.test.hide = true;
    const methods = prerequestToPaymentMethods(milkyPayPrerequestResponseSchema.parse(raw), { currency: 'USD', locale: 'en' });
    expect(methods.map((m) => m.id)).toEqual(['milkypay:payment_card_usd_hpp']);
  });

  it('keeps a field example when the document gives one, and drops limits of another currency', () => {
    const raw = fixture('prerequest-response') as {
      data: { services: { test_usd_test: { fields: { example: string | null }[] } } };
    };
    const field = raw.data.services.test_usd_test.fields[0];
    if (field) field.example = 'processed';
    const parsed = milkyPayPrerequestResponseSchema.parse(raw);
    expect(prerequestToPaymentMethods(parsed, { currency: 'USD', locale: 'en' })[1]?.fields[0]?.example).toBe('processed');
    const eur = prerequestToPaymentMethods(parsed, { currency: 'EUR', locale: 'en' });
    expect(eur[0]?.minAmount).toBeUndefined();
    expect(eur[0]?.maxAmount).toBeUndefined();
  });

  it('rounds limits finer than the currency inward', () => {
    expect(majorToMinor(0.01, 'JPY', 'ceil')).toBe(1);
    expect(majorToMinor(0.01, 'USD', 'ceil')).toBe(1);
    expect(majorToMinor(1000000, 'USD', 'floor')).toBe(100_000_000);
    expect(majorToMinor('123.45', 'USD', 'round')).toBe(12345);
  });
});

describe('invoice status → payment status', () => {
  it.each([
    ['process_pending', 'OK', null, 'pending'],
    ['process_pending', 'ok', null, 'pending'],
    ['processed', 'OK', null, 'succeeded'],
    ['processed', 'ok', 0, 'succeeded'],
    ['processed', 'ok', 40, 'partially_refunded'],
    ['processed', 'ok', 100, 'refunded'],
    ['process_failed', 'expired', null, 'expired'],
    ['process_failed', 'declined', null, 'failed'],
    ['process_failed', 'ok', null, 'failed'],
    ['process_refunding', 'OK', null, 'pending'],
    ['', '', null, 'pending'],
  ] as const)('%s / %s (refunded %s of 100) → %s', (status, resolution, refunded, expected) => {
    const state = invoiceViewToPaymentState({
      id: 'cpi_HeSWMM9LvQonCcQc',
      status,
      resolution,
      currency: 'USD',
      amount: 100,
      refundedAmount: refunded ?? undefined,
    });
    expect(state.status).toBe(expected);
    expect(state.providerStatus).toBe(`${status}/${resolution}`);
    expect(state.providerRef).toBe('cpi_HeSWMM9LvQonCcQc');
  });

  it('reports refunded amounts in minor units', () => {
    expect(mapMilkyPayStatus('processed', 'ok', { amount: 10000, refundedAmount: 4000 })).toEqual({
      status: 'partially_refunded',
      refundedAmount: 4000,
    });
    expect(mapMilkyPayStatus('processed', 'ok', { amount: 10000, refundedAmount: 10000 })).toEqual({
      status: 'refunded',
      refundedAmount: 10000,
    });
  });

  it('names the failure by its resolution', () => {
    expect(mapMilkyPayStatus('process_failed', 'declined').failure).toEqual({ code: 'payment_declined', message: 'The payment was declined.' });
    expect(mapMilkyPayStatus('process_failed', 'expired').failure?.code).toBe('expired');
    expect(mapMilkyPayStatus('process_failed', null).failure?.code).toBe('payment_declined');
  });

  it('maps the document samples', () => {
    expect(invoiceToPaymentState(invoice('public-invoice-get'))).toEqual({
      status: 'succeeded',
      providerRef: 'cpi_HeSWMM9LvQonCcQc',
      providerStatus: 'processed/OK',
      amount: 10000,
      currency: 'USD',
    });
    expect(invoiceToPaymentState(invoice('private-invoice-get'))).toEqual({
      status: 'succeeded',
      providerRef: 'cpi_HeSWMM9LvQonCcQc',
      providerStatus: 'processed/ok',
      amount: 10000,
      currency: 'USD',
    });
    const list = invoiceResourcesOf(milkyPayInvoiceListSchema.parse(fixture('private-invoice-list')));
    expect(list.map((r) => invoiceViewToPaymentState(readPrivateInvoiceResource(r)).status)).toEqual(['succeeded', 'expired']);
  });
});

describe('the shopper action', () => {
  it('redirects to hpp_url when present (public and private create answers)', () => {
    expect(invoiceToPaymentState(invoice('public-invoice-response'))).toEqual({
      status: 'pending',
      providerRef: 'cpi_QGcJxoBxnYStkuvN',
      providerStatus: 'process_pending/OK',
      amount: 12345,
      currency: 'USD',
      action: { type: 'redirect', url: 'https://pay.psp.name/redirect/hpp/?cpi=cpi_Y8Puis4vtNjAYZwb' },
    });
    expect(invoiceToPaymentState(invoice('private-invoice-response'))).toMatchObject({
      status: 'pending',
      providerRef: 'cpi_HeSWMM9LvQonCcQc',
      providerStatus: 'process_pending/ok',
      action: { type: 'redirect', url: 'https://pay.psp.name/redirect/hpp/?cpi=cpi_Y8Puis4vtNjAYZwb' },
    });
  });

  it('builds a form from flow_data (private) without hpp_url', () => {
    const raw = fixture('private-invoice-response') as { data: { attributes: Record<string, unknown> } };
    delete raw.data.attributes.hpp_url;
    expect(invoiceToPaymentState(milkyPayAnyInvoiceSchema.parse(raw)).action).toEqual({
      type: 'form',
      action: 'https://cardgate-staging.psp.name/hpp/cgi_G0bsyhroZj802zQU',
      method: 'GET',
      fields: {},
    });
  });

  it('builds a form from active_payment.payload (public) without hpp_url', () => {
    const raw = fixture('public-invoice-response') as { data: Record<string, unknown> };
    delete raw.data.hpp_url;
    expect(invoiceToPaymentState(milkyPayAnyInvoiceSchema.parse(raw)).action).toEqual({
      type: 'form',
      action: 'https://cardgate-staging.psp.name/hpp/cgi_8z1WIRwAtwvyI3G9',
      method: 'GET',
      fields: {},
    });
  });

  it('reads params as an array of {name, value} or as an object map', () => {
    expect(formParams([{ name: 'sid', value: 'cpi_1' }, { name: 'n', value: 2 }, { name: 'e', value: null }])).toEqual({
      sid: 'cpi_1',
      n: '2',
      e: '',
    });
    expect(formParams({ sid: 'cpi_1', n: 2 })).toEqual({ sid: 'cpi_1', n: '2' });
    expect(formParams([])).toEqual({});

    const raw = fixture('private-invoice-response') as {
      data: { attributes: { hpp_url?: string; flow_data: { method: string; params: unknown } } };
    };
    delete raw.data.attributes.hpp_url;
    raw.data.attributes.flow_data.method = 'POST';
    raw.data.attributes.flow_data.params = { sid: 'cpi_HeSWMM9LvQonCcQc' };
    expect(invoiceToPaymentState(milkyPayAnyInvoiceSchema.parse(raw)).action).toMatchObject({
      type: 'form',
      method: 'POST',
      fields: { sid: 'cpi_HeSWMM9LvQonCcQc' },
    });
    raw.data.attributes.flow_data.params = [{ name: 'sid', value: 'cpi_HeSWMM9LvQonCcQc' }];
    expect(invoiceToPaymentState(milkyPayAnyInvoiceSchema.parse(raw)).action).toMatchObject({
      fields: { sid: 'cpi_HeSWMM9LvQonCcQc' },
    });
  });

  it('gives no action once the invoice is final, even with flow_data', () => {
    expect(invoiceToPaymentState(invoice('private-invoice-get')).action).toBeUndefined();
  });
});

describe('request bodies', () => {
  const TEST_KEY = 'pk_test_ClSQHi2T9WXuFa76WcwwBB6rspRpg6ANM69cS9zNOJy';
  const LIVE_KEY = 'pk_live_ClSQHi2T9WXuFa76WcwwBB6rspRpg6ANM69cS9zNOJy';
  const request: CreatePaymentRequest = {
    paymentId: 'a30ebec4-035c-4fc5-8c48-b525ca601f37',
    methodCode: 'payment_card_usd_hpp',
    fields: {},
    amount: 10000,
    currency: 'USD',
    description: 'Invoice Example',
    customer: { reference: '1203515', email: 'somename@domain.com', name: 'John Wick', phone: '+380987654321' },
    locale: 'en',
    returnUrls: { success: 'https://example.com/1', pending: 'https://example.com/2', fail: 'https://example.com/3' },
    callbackUrl: 'https://example.com',
  };

  it('builds the private JSON:API body of the document', () => {
    expect(toPrivateInvoiceRequest(request, LIVE_KEY)).toEqual({
      data: {
        type: 'payment-invoices',
        attributes: {
          reference_id: 'a30ebec4-035c-4fc5-8c48-b525ca601f37',
          amount: 100,
          currency: 'USD',
          service: 'payment_card_usd_hpp',
          flow: 'charge',
          description: 'Invoice Example',
          customer: { reference_id: '1203515', email: 'somename@domain.com', name: 'John Wick', phone: '+380987654321' },
          return_url: 'https://example.com/2',
          return_urls: { success: 'https://example.com/1', pending: 'https://example.com/2', fail: 'https://example.com/3' },
          callback_url: 'https://example.com',
        },
      },
    });
  });

  it('sends only attributes the document names, with the same JSON types as its sample', () => {
    const sample = fixture('private-invoice-request') as { data: { type: string; attributes: Record<string, unknown> } };
    const built = toPrivateInvoiceRequest({ ...request, fields: { status: 'processed' } }, TEST_KEY);
    expect(built.data.type).toBe(sample.data.type);
    // service_fields is documented in the text (not in the JSON sample).
    const documented = new Set([...Object.keys(sample.data.attributes), 'service_fields']);
    for (const [key, value] of Object.entries(built.data.attributes)) {
      expect(documented.has(key), key).toBe(true);
      const sampleValue = sample.data.attributes[key];
      if (sampleValue !== undefined) expect(typeof value, key).toBe(typeof sampleValue);
    }
    expect(built.data.attributes.service_fields).toEqual({ status: 'processed' });
  });

  it('sends test_mode true (a JSON boolean) with a test key, and leaves it at its default false with a live key', () => {
    expect(toPrivateInvoiceRequest(request, TEST_KEY).data.attributes.test_mode).toBe(true);
    expect(toPrivateInvoiceRequest(request, LIVE_KEY).data.attributes).not.toHaveProperty('test_mode');
    // The public body documents no test_mode: the key itself is the test key there.
    expect(toPublicInvoiceRequest(request, TEST_KEY)).not.toHaveProperty('test_mode');
  });

  it('converts minor units to a JSON number of major units', () => {
    expect(toPrivateInvoiceRequest({ ...request, amount: 12345 }, LIVE_KEY).data.attributes.amount).toBe(123.45);
    expect(toPrivateInvoiceRequest({ ...request, amount: 10050 }, LIVE_KEY).data.attributes.amount).toBe(100.5);
    expect(toPrivateInvoiceRequest({ ...request, amount: 500, currency: 'JPY' }, LIVE_KEY).data.attributes.amount).toBe(500);
  });

  it('sends a customer only when given, with reference_id falling back to the payment id', () => {
    const { customer: _customer, ...withoutCustomer } = request;
    expect(toPrivateInvoiceRequest(withoutCustomer, LIVE_KEY).data.attributes).not.toHaveProperty('customer');
    expect(toPrivateInvoiceRequest({ ...request, customer: { name: 'John Wick' } }, LIVE_KEY).data.attributes.customer).toEqual({
      reference_id: 'a30ebec4-035c-4fc5-8c48-b525ca601f37',
      name: 'John Wick',
    });
    expect(
      toPrivateInvoiceRequest({
        ...request,
        customer: { reference: 'c1' },
        billingAddress: { country: 'UA', city: 'Kyiv', postCode: '01001', fullAddress: 'Test Address' },
      }, LIVE_KEY).data.attributes.customer,
    ).toEqual({
      reference_id: 'c1',
      address: { country: 'UA', city: 'Kyiv', post_code: '01001', full_address: 'Test Address' },
    });
  });

  it('builds the public body with exactly the fields and types of the document sample', () => {
    const sample = fixture('public-invoice-request') as Record<string, unknown>;
    const built = toPublicInvoiceRequest(
      { ...request, paymentId: '7135b08b-701b-4fbc-a7d2-b2763d96d415', amount: 12345 },
      'pk_test_ClSQHi2T9WXuFa76WcwwBB6rspRpg6ANM69cS9zNOJy',
    );
    expect(built).toEqual(sample);
    expect(Object.keys(built).sort()).toEqual(Object.keys(sample).sort());
    expect(typeof built.amount).toBe('number');
  });

  it('leaves description out of the public body when there is none', () => {
    const { description: _d, ...noDescription } = request;
    expect(toPublicInvoiceRequest(noDescription, 'pk')).not.toHaveProperty('description');
  });
});

describe('error answers → ProviderError', () => {
  it.each([
    ['error-401', 401, 'authentication_failed', 'Unauthorized'],
    ['error-401', 403, 'authentication_failed', 'Unauthorized'],
    ['error-404', 404, 'not_found', 'Not Found'],
    ['error-405', 405, 'invalid_request', 'Method Not Allowed'],
    ['error-422', 422, 'invalid_request', 'amount: This value should be greater than 0.'],
    ['error-422', 400, 'invalid_request', 'amount: This value should be greater than 0.'],
    ['error-500', 500, 'provider_unavailable', 'internal_error: Internal server error.'],
    ['error-500', 503, 'provider_unavailable', 'Internal server error.'],
  ] as const)('%s with HTTP %i → %s', (name, status, code, words) => {
    const error = toMilkyPayError(status, fixture(name));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.code).toBe(code);
    expect(error.message).toContain(words);
    expect(error.message).toContain(String(status));
    expect(error.provider).toBe('milkypay');
    expect(error.httpStatus).toBe(status);
    expect(error.raw).toEqual(fixture(name));
  });

  it('reads an undocumented body without guessing', () => {
    const error = toMilkyPayError(502, '<html>Bad gateway</html>');
    expect(error.code).toBe('provider_unavailable');
    expect(error.message).toBe('MilkyPay answered HTTP 502 without a documented error body');
    expect(toMilkyPayError(418, undefined).code).toBe('provider_rejected');
  });

  it('lets the caller choose the code, and scrubs the kept body', () => {
    const error = toMilkyPayError(500, { errors: [{ status: 'x', code: '500' }], public_key: 'pk_test_secret' }, 'outcome_unknown');
    expect(error.code).toBe('outcome_unknown');
    expect(JSON.stringify(error.raw)).not.toContain('pk_test_secret');
  });

  it('masks card-like numbers echoed in messages', () => {
    const error = toMilkyPayError(422, { errors: { card: '4111111111111111 is not allowed' } });
    expect(error.message).not.toContain('4111111111111111');
    expect(error.message).toContain('411111******1111');
  });
});

describe('scrubMilkyPayPayload', () => {
  it('keeps only mask, brand and last of payment_card and drops tokens', () => {
    const original = fixture('private-invoice-get');
    const scrubbed = scrubMilkyPayPayload(original) as {
      data: { attributes: { payload: Record<string, unknown>; flow_data: { metadata: Record<string, unknown> } } };
    };
    expect(scrubbed.data.attributes.payload.payment_card).toEqual({
      last: '0000',
      mask: '512381******0000',
      brand: 'mastercard',
    });
    expect(scrubbed.data.attributes.payload).not.toHaveProperty('token');
    expect(scrubbed.data.attributes.flow_data.metadata).toEqual({ sid: 'cgi_G0bsyhroZj802zQU' });
    const text = JSON.stringify(scrubbed);
    for (const gone of ['expiry_month', 'expiry_year', 'issuer_name', '"first"', 'holder', 'eyJ0eXAi']) {
      expect(text).not.toContain(gone);
    }
    // The input is left as it was.
    expect(JSON.stringify(original)).toContain('expiry_month');
  });

  it('drops public_key and secrets', () => {
    expect(scrubMilkyPayPayload(fixture('prerequest-request'))).toEqual({ currency: 'USD' });
    expect(scrubMilkyPayPayload({ api_password: 'p', refresh_token: 't', secret: 's', keep: 1 })).toEqual({ keep: 1 });
  });

  it('masks runs of 12 to 19 digits in strings and numbers', () => {
    expect(scrubMilkyPayPayload({ pan_text: 'card 4111111111111111 used' })).toEqual({ pan_text: 'card 411111******1111 used' });
    expect(scrubMilkyPayPayload('4111 1111 1111 1111')).toBe('411111******1111');
    expect(scrubMilkyPayPayload('4111-1111-1111-1111')).toBe('411111******1111');
    expect(scrubMilkyPayPayload(4111111111111111)).toBe('411111******1111');
    expect(scrubMilkyPayPayload('123456789012')).toBe('123456**9012');
    expect(scrubMilkyPayPayload('5123810000000000000')).toBe('512381*********0000');
    // 11 digits (a phone), a 10-digit timestamp and a 20-digit run are not card numbers.
    expect(scrubMilkyPayPayload('38098765432')).toBe('38098765432');
    expect(scrubMilkyPayPayload(1597833205)).toBe(1597833205);
    expect(scrubMilkyPayPayload('12345678901234567890')).toBe('12345678901234567890');
  });
});
