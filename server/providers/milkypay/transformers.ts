/**
 * Pure mapping between MilkyPay's wire shapes and the normalized model. No I/O.
 *
 * Invoice status → PaymentStatus (the document's words: `status` process_pending | processed |
 * process_failed; `resolution` "OK" on the public API, "ok" on the private one, "expired"):
 *
 *   status            resolution          refunded_amount       → PaymentStatus
 *   ----------------  ------------------  --------------------  ---------------------
 *   process_pending   any                 -                     pending (+ action: hpp_url → redirect,
 *                                                               else flow_data / active_payment.payload → form)
 *   processed         any ("ok"/"OK")     null or 0             succeeded
 *   processed         any                 0 < r < amount        partially_refunded
 *   processed         any                 r >= amount           refunded
 *   process_failed    "expired"           -                     expired
 *   process_failed    anything else       -                     failed (failure.code payment_declined; the
 *                                                               resolution word stays in providerStatus)
 *   any other word    any                 -                     pending, the word kept in providerStatus,
 *                                                               so an undocumented word is never read as final
 *
 * `providerStatus` is always "<status>/<resolution>" as MilkyPay wrote them.
 */
import { ProviderError, type ErrorCode } from '../../errors.js';
import { maskPanLike, SCRUB, scrubPayload } from '../../security/card-masking.js';
import { AmountError, currencyExponent, toMajorNumber, toMinorUnits } from '../../payments/money.js';
import type { PaymentStatus } from '../../payments/payment-status.js';
import type {
  CreatePaymentRequest,
  MethodField,
  PaymentAction,
  PaymentMethod,
  ProviderPaymentState,
} from '../provider.js';
import {
  MILKYPAY_INVOICE_STATUSES,
  milkyPayErrorBodySchema,
  type MilkyPayAnyInvoice,
  type MilkyPayCustomer,
  type MilkyPayFlowData,
  type MilkyPayInvoiceList,
  type MilkyPayInvoiceStatus,
  type MilkyPayLocalized,
  type MilkyPayMethod,
  type MilkyPayPrerequestResponse,
  type MilkyPayPrivateInvoice,
  type MilkyPayPrivateInvoiceRequest,
  type MilkyPayPrivateInvoiceResource,
  type MilkyPayPublicInvoiceRequest,
  type MilkyPayService,
  type MilkyPayServiceField,
} from './milkypay-types.js';

export const MILKYPAY_PROVIDER_ID = 'milkypay';

// ---------------------------------------------------------------------------------------------
// Status

function isKnownStatus(word: string): word is MilkyPayInvoiceStatus {
  return (MILKYPAY_INVOICE_STATUSES as readonly string[]).includes(word);
}

function assertNever(value: never): never {
  throw new Error(`unhandled MilkyPay status ${String(value)}`);
}

export interface MilkyPayStatusReading {
  status: PaymentStatus;
  refundedAmount?: number;
  failure?: { code: string; message: string };
}

/**
 * Maps an invoice's status and resolution onto our status (see the table above). Amounts are
 * in minor units; `refundedAmount` is returned when MilkyPay reports a positive one.
 */
export function mapMilkyPayStatus(
  status: string,
  resolution: string | null | undefined,
  amounts: { amount?: number; refundedAmount?: number } = {},
): MilkyPayStatusReading {
  if (!isKnownStatus(status)) return { status: 'pending' };
  const resolutionWord = (resolution ?? '').toLowerCase();
  switch (status) {
    case 'process_pending':
      return { status: 'pending' };
    case 'processed': {
      const refunded = amounts.refundedAmount ?? 0;
      if (refunded <= 0) return { status: 'succeeded' };
      const amount = amounts.amount;
      if (amount !== undefined && refunded >= amount) return { status: 'refunded', refundedAmount: refunded };
      return { status: 'partially_refunded', refundedAmount: refunded };
    }
    case 'process_failed':
      if (resolutionWord === 'expired') {
        return { status: 'expired', failure: { code: 'expired', message: 'The payment page expired before the payment was completed.' } };
      }
      // The shopper reads this message; MilkyPay's own words stay in providerStatus for the merchant.
      return { status: 'failed', failure: { code: 'payment_declined', message: 'The payment was declined.' } };
    default:
      return assertNever(status);
  }
}

// ---------------------------------------------------------------------------------------------
// Invoices

/** A flat reading of either invoice shape, for the adapter and the mapping. */
export interface MilkyPayInvoiceView {
  id: string;
  referenceId?: string;
  status: string;
  resolution?: string;
  currency: string;
  amount: number | string;
  refundedAmount?: number | string;
  hppUrl?: string;
  form?: MilkyPayFlowData;
}

export function isPrivateInvoice(invoice: MilkyPayAnyInvoice): invoice is MilkyPayPrivateInvoice {
  return 'attributes' in invoice.data;
}

export function readInvoice(invoice: MilkyPayAnyInvoice): MilkyPayInvoiceView {
  if (isPrivateInvoice(invoice)) return readPrivateInvoiceResource(invoice.data);
  // The public shape is flat and names its form `active_payment.payload`.
  return invoiceView(invoice.data.id, invoice.data, invoice.data.active_payment?.payload);
}

export function readPrivateInvoiceResource(resource: MilkyPayPrivateInvoiceResource): MilkyPayInvoiceView {
  // The private shape is JSON:API and names its form `flow_data`.
  return invoiceView(resource.id, resource.attributes, resource.attributes.flow_data);
}

/** The fields both invoice shapes share, under the same names. */
interface MilkyPayInvoiceFields {
  reference_id?: string | null;
  status: string;
  resolution?: string | null;
  currency: string;
  amount: number | string;
  refunded_amount?: number | string | null;
  hpp_url?: string | null;
}

function invoiceView(id: string, fields: MilkyPayInvoiceFields, form: MilkyPayFlowData | null | undefined): MilkyPayInvoiceView {
  return {
    id,
    referenceId: fields.reference_id ?? undefined,
    status: fields.status,
    resolution: fields.resolution ?? undefined,
    currency: fields.currency,
    amount: fields.amount,
    refundedAmount: fields.refunded_amount ?? undefined,
    hppUrl: fields.hpp_url || undefined,
    form: form ?? undefined,
  };
}

/** The by-reference look-up answers a `data` array or a single `data` object; always an array here. */
export function invoiceResourcesOf(list: MilkyPayInvoiceList): MilkyPayPrivateInvoiceResource[] {
  return Array.isArray(list.data) ? list.data : [list.data];
}

/** Invoice (public or private shape) → the normalized state, with the shopper's next step while open. */
export function invoiceToPaymentState(invoice: MilkyPayAnyInvoice): ProviderPaymentState {
  return invoiceViewToPaymentState(readInvoice(invoice));
}

export function invoiceViewToPaymentState(view: MilkyPayInvoiceView): ProviderPaymentState {
  const amount = majorToMinor(view.amount, view.currency, 'round');
  const refunded =
    view.refundedAmount === undefined ? undefined : majorToMinor(view.refundedAmount, view.currency, 'round');
  const reading = mapMilkyPayStatus(view.status, view.resolution, { amount, refundedAmount: refunded });
  const state: ProviderPaymentState = {
    status: reading.status,
    providerRef: view.id,
    providerStatus: `${view.status}/${view.resolution ?? ''}`,
    currency: view.currency,
  };
  // The invoice's own amount and currency, so a success for another amount is never taken as paid.
  if (amount !== undefined) state.amount = amount;
  if (reading.refundedAmount !== undefined) state.refundedAmount = reading.refundedAmount;
  if (reading.failure) state.failure = reading.failure;
  if (reading.status === 'pending') {
    const action = shopperAction(view);
    if (action) state.action = action;
  }
  return state;
}

/** `hpp_url` first (the document: "redirect user directly ... using GET"), else the form data. */
function shopperAction(view: MilkyPayInvoiceView): PaymentAction | undefined {
  if (view.hppUrl) return { type: 'redirect', url: view.hppUrl };
  if (!view.form?.action) return undefined;
  return {
    type: 'form',
    action: view.form.action,
    method: (view.form.method ?? 'GET').toUpperCase() === 'POST' ? 'POST' : 'GET',
    fields: formParams(view.form.params),
  };
}

/** `params` as `[{name, value}]` or as `{name: value}`; both become `{name: "value"}`. */
export function formParams(params: MilkyPayFlowData['params']): Record<string, string> {
  const fields: Record<string, string> = {};
  if (!params) return fields;
  if (Array.isArray(params)) {
    for (const param of params) fields[param.name] = param.value == null ? '' : String(param.value);
  } else {
    for (const [name, value] of Object.entries(params)) fields[name] = value == null ? '' : String(value);
  }
  return fields;
}

// ---------------------------------------------------------------------------------------------
// Pre-request → methods

/**
 * Picks a text for the locale: the exact key ("pt-BR"), then its language ("pt"), then "en",
 * then the first non-empty value.
 */
export function pickLocalized(text: MilkyPayLocalized | null | undefined, locale: string): string | undefined {
  if (text == null) return undefined;
  if (typeof text === 'string') return text || undefined;
  const entries = Object.entries(text).filter((entry): entry is [string, string] => !!entry[1]);
  const find = (key: string) => entries.find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
  const normalized = locale.replace('_', '-');
  const language = normalized.split('-')[0] ?? normalized;
  return find(normalized) ?? find(language) ?? find('en') ?? entries[0]?.[1];
}

/**
 * The document shows two categories, `payment_card` and `alternative`. The wallet and bank
 * words are not in it; they only group methods on screen, so reading them loosely is harmless.
 */
export function methodCategory(category: string | null | undefined): PaymentMethod['category'] {
  switch ((category ?? '').toLowerCase()) {
    case 'payment_card':
      return 'card';
    case 'wallet':
    case 'ewallet':
    case 'e_wallet':
      return 'wallet';
    case 'bank':
    case 'bank_transfer':
    case 'online_banking':
      return 'bank';
    default:
      return 'alternative';
  }
}

function methodsByCode(methods: MilkyPayPrerequestResponse['data']['methods']): Map<string, MilkyPayMethod> {
  const list = Array.isArray(methods) ? methods : Object.values(methods);
  return new Map(list.map((method) => [method.code, method]));
}

function toMethodField(field: MilkyPayServiceField, locale: string): MethodField {
  const result: MethodField = {
    key: field.key,
    label: pickLocalized(field.label, locale) ?? field.key,
    required: field.required === true,
    type: 'string',
  };
  const hint = pickLocalized(field.hint, locale);
  if (hint) result.hint = hint;
  if (field.example != null && field.example !== '') result.example = String(field.example);
  if (field.regexp) result.pattern = field.regexp;
  return result;
}

/**
 * Pre-request answer → the methods to list. One method per service (`milkypay:<service code>`),
 * named after its payment method; methods marked `hide: true` are left out. Amount limits are
 * converted to minor units only when the service's currency is the one asked for, since the
 * document says a service may take another currency than the given one.
 *
 * Without `serviceFields` (the public API, whose create body has no `service_fields`), a service
 * with a required field is left out, since its create would be refused, and optional fields are
 * not asked for, since what the shopper typed would not be sent.
 */
export function prerequestToPaymentMethods(
  response: MilkyPayPrerequestResponse,
  query: { currency: string; locale: string },
  options: { serviceFields: boolean } = { serviceFields: true },
): PaymentMethod[] {
  const methods = methodsByCode(response.data.methods);
  const services: MilkyPayService[] = Array.isArray(response.data.services)
    ? response.data.services
    : Object.values(response.data.services);
  const result: PaymentMethod[] = [];
  for (const service of services) {
    const method = methods.get(service.method);
    if (method?.hide === true) continue;
    const fields = service.fields ?? [];
    if (!options.serviceFields && fields.some((field) => field.required === true)) continue;
    const entry: PaymentMethod = {
      id: `${MILKYPAY_PROVIDER_ID}:${service.code}`,
      provider: MILKYPAY_PROVIDER_ID,
      name: pickLocalized(method?.name, query.locale) ?? service.method,
      category: methodCategory(method?.category),
      fields: [...(options.serviceFields ? fields : [])]
        .sort((a, b) => (a.position ?? 0) - (b.position ?? 0))
        .map((field) => toMethodField(field, query.locale)),
    };
    // A hosted payment page service: the invoice waits for the shopper on MilkyPay's page.
    if (service.flow === 'hpp' && entry.fields.length === 0) entry.paidOnProviderPage = true;
    if (method?.logo) entry.logoUrl = method.logo;
    if (method?.icon) entry.iconUrl = method.icon;
    const serviceCurrency = service.currency ?? response.data.currency ?? query.currency;
    if (serviceCurrency === query.currency) {
      if (service.amount_min != null) entry.minAmount = majorToMinor(service.amount_min, query.currency, 'ceil');
      if (service.amount_max != null) entry.maxAmount = majorToMinor(service.amount_max, query.currency, 'floor');
    }
    result.push(entry);
  }
  return result;
}

/**
 * Major units from MilkyPay → minor units. A limit finer than the currency allows (0.01 JPY)
 * is rounded inward; a reported amount is rounded to the nearest minor unit.
 */
export function majorToMinor(value: number | string, currency: string, rounding: 'ceil' | 'floor' | 'round'): number {
  try {
    return toMinorUnits(value, currency);
  } catch (error) {
    if (!(error instanceof AmountError)) throw error;
    const scaled = Number(value) * 10 ** currencyExponent(currency);
    if (!Number.isFinite(scaled)) throw error;
    return Math[rounding](scaled);
  }
}

// ---------------------------------------------------------------------------------------------
// Requests

function customerOf(request: CreatePaymentRequest): MilkyPayCustomer | undefined {
  const customer = request.customer;
  if (!customer) return undefined;
  // The document requires customer.reference_id whenever customer is sent.
  const result: MilkyPayCustomer = { reference_id: customer.reference || request.paymentId };
  if (customer.name) result.name = customer.name;
  if (customer.email) result.email = customer.email;
  if (customer.phone) result.phone = customer.phone;
  const a = request.billingAddress;
  if (a) {
    const address: NonNullable<MilkyPayCustomer['address']> = {};
    if (a.country) address.country = a.country;
    if (a.region) address.region = a.region;
    if (a.city) address.city = a.city;
    if (a.street) address.street = a.street;
    if (a.fullAddress) address.full_address = a.fullAddress;
    if (a.postCode) address.post_code = a.postCode;
    if (Object.keys(address).length > 0) result.address = address;
  }
  return result;
}

/**
 * Whether the public key is a test key: the document's keys are "live or test", its sample test
 * key is `pk_test_...`, and every answer to it says `test_mode: true`.
 */
export function isTestKey(publicKey: string): boolean {
  return publicKey.startsWith('pk_test_');
}

/**
 * The private API's create body. `return_url` (the document's "common URL for user return") is
 * our pending URL, where the proxy looks the outcome up itself; `return_urls` carry all three.
 * `test_mode` is "false by default": true is sent with a test key, nothing with a live one.
 */
export function toPrivateInvoiceRequest(request: CreatePaymentRequest, publicKey: string): MilkyPayPrivateInvoiceRequest {
  const attributes: MilkyPayPrivateInvoiceRequest['data']['attributes'] = {
    reference_id: request.paymentId,
    amount: toMajorNumber(request.amount, request.currency),
    currency: request.currency,
    service: request.methodCode,
    flow: 'charge',
  };
  if (isTestKey(publicKey)) attributes.test_mode = true;
  if (request.description) attributes.description = request.description;
  const customer = customerOf(request);
  if (customer) attributes.customer = customer;
  if (Object.keys(request.fields).length > 0) attributes.service_fields = { ...request.fields };
  attributes.return_url = request.returnUrls.pending;
  attributes.return_urls = {
    success: request.returnUrls.success,
    fail: request.returnUrls.fail,
    pending: request.returnUrls.pending,
  };
  attributes.callback_url = request.callbackUrl;
  return { data: { type: 'payment-invoices', attributes } };
}

/**
 * The public API's create body: only the fields the document lists for it (public_key,
 * reference_id, service, currency, amount, description). Customer, service fields, return and
 * callback URLs are not among them, so they are not sent.
 */
export function toPublicInvoiceRequest(request: CreatePaymentRequest, publicKey: string): MilkyPayPublicInvoiceRequest {
  const body: MilkyPayPublicInvoiceRequest = {
    public_key: publicKey,
    reference_id: request.paymentId,
    service: request.methodCode,
    currency: request.currency,
    amount: toMajorNumber(request.amount, request.currency),
  };
  if (request.description) body.description = request.description;
  return body;
}

// ---------------------------------------------------------------------------------------------
// Errors

/**
 * HTTP status → our code. 422 is `invalid_request` in both of its shapes: the document calls
 * it "semantic errors" of the request (amount, service, a service field), which the merchant or
 * shopper fixes, not a decision of MilkyPay's about the payment. 405 is our own wrong call.
 */
export function milkyPayErrorCode(httpStatus: number): ErrorCode {
  if (httpStatus === 400 || httpStatus === 405 || httpStatus === 422) return 'invalid_request';
  if (httpStatus === 401 || httpStatus === 403) return 'authentication_failed';
  if (httpStatus === 404) return 'not_found';
  if (httpStatus === 409) return 'conflict';
  if (httpStatus === 429 || httpStatus >= 500) return 'provider_unavailable';
  if (httpStatus >= 400) return 'provider_rejected';
  return 'provider_unavailable';
}

/** Reads one of the three documented error shapes into a sentence. */
export function describeMilkyPayError(httpStatus: number, body: unknown): string {
  const parsed = milkyPayErrorBodySchema.safeParse(body);
  if (!parsed.success) return `MilkyPay answered HTTP ${httpStatus} without a documented error body`;
  const errors = parsed.data.errors;
  if (Array.isArray(errors)) {
    const parts = errors.map((item) => {
      const head = item.title ?? (item.status == null ? undefined : String(item.status));
      const words = [head, item.detail].filter((w, i, all): w is string => !!w && all.indexOf(w) === i);
      const code = item.code == null ? '' : ` (code ${String(item.code)})`;
      return `${words.join(': ') || 'error'}${code}`;
    });
    return `MilkyPay answered HTTP ${httpStatus}: ${parts.join('; ') || 'no details'}`;
  }
  const fields = Object.entries(errors).map(
    ([field, message]) => `${field}: ${Array.isArray(message) ? message.join(' ') : message}`,
  );
  return `MilkyPay rejected the request (HTTP ${httpStatus}): ${fields.join('; ') || 'no details'}`;
}

/** A MilkyPay error answer → a ProviderError with our code, a readable message and the scrubbed body. */
export function toMilkyPayError(httpStatus: number, body: unknown, code?: ErrorCode): ProviderError {
  const message = maskPanLike(describeMilkyPayError(httpStatus, body));
  return new ProviderError(
    code ?? milkyPayErrorCode(httpStatus),
    message,
    MILKYPAY_PROVIDER_ID,
    httpStatus,
    scrubMilkyPayPayload(body),
  );
}

// ---------------------------------------------------------------------------------------------
// Scrubbing

const SECRET_KEY = /^(public_key|token|.*_token|password|.*_password|secret|.*_secret|authorization|cvv2?|cvc2?|security_code|card_number|pan)$/i;
const CARD_KEPT_KEYS = new Set(['mask', 'brand', 'last']);

/**
 * A copy of a MilkyPay payload safe for logs and transcripts: drops `public_key`, tokens,
 * passwords and secrets; keeps only `mask`, `brand` and `last` of any `payment_card`; masks
 * every run of 12–19 digits (first six, last four) in strings and numbers.
 */
export function scrubMilkyPayPayload(value: unknown): unknown {
  return scrubPayload(value, {
    onKey(key, item, scrub) {
      if (SECRET_KEY.test(key)) return undefined;
      if (key === 'payment_card' && item && typeof item === 'object' && !Array.isArray(item)) {
        return Object.fromEntries(Object.entries(item).filter(([cardKey]) => CARD_KEPT_KEYS.has(cardKey)).map(([cardKey, v]) => [cardKey, scrub(v)]));
      }
      return SCRUB;
    },
  });
}
