/**
 * Pure mapping between directcard's wire shapes and the normalized model. No I/O.
 *
 * ApiPaymentResponse.status → PaymentStatus, by the call that answered (the document lists the
 * words SUCCESS, FAILED and ENROLLED; what SUCCESS means depends on the call):
 *
 *   status       /api/payment   /api/pre-authorization   .../capture        /api/3ds/{id}/complete   GET /api/checkout/{id}
 *   -----------  -------------  -----------------------  -----------------  -----------------------  ----------------------
 *   SUCCESS      succeeded      authorized               succeeded          succeeded                succeeded
 *   FAILED       failed         failed                   authorized (1)     failed                   failed
 *   ENROLLED     failed (2)     failed (2)               authorized (1)     requires_action (3)      requires_action (3)
 *   other/none   pending (4)    pending (4)              pending (4)        pending (4)              requires_action (5)
 *
 *   (1) A capture answered FAILED or ENROLLED leaves the pre-authorization as it was; the adapter
 *       raises the gateway's words as an error to the merchant instead of moving the payment. One
 *       answered with another word may have been made: the adapter raises outcome_unknown.
 *   (2) ENROLLED means "3-D Secure under way", which these calls never start and give no markup
 *       for, so nothing can follow; without /complete no money moves.
 *   (3) Authentication started and not finished: the shopper still has to act.
 *   (4) An undocumented word is never read as final; the word stays in providerStatus.
 *   (5) A checkout looked up before the shopper paid: the hosted page is still theirs to use.
 *
 * The answer to POST /api/3ds is not an ApiPaymentResponse: `success: true` with `htmlContent`
 * is `requires_action` (the markup in `challengeHtml`); `success: false` is `failed` with the
 * gateway's resultCode and resultMessage; `success: true` without markup is `failed` too, since
 * there is nothing to show and only /complete would move money.
 *
 * FAILED outcomes carry `failure.code` from our closed list: `card_declined` for an issuer's
 * decline (insufficient funds, expired card, do not honor...), `payment_declined` for a failed
 * 3-D Secure or an unclassified FAILED, with a sentence the shopper can read followed by the
 * gateway's own resultCode and resultMessage for the merchant. `providerStatus` is always
 * "<status>/<resultCode>" as directcard wrote them.
 */
import { readProviderAmount as majorToMinor } from '../../payments/money.js';
import { isIP } from 'node:net';
import { AppError, ProviderError, type ErrorCode } from '../../errors.js';
import { maskDigits, maskPanLike, passesLuhn, SCRUB, scrubPayload } from '../../security/card-masking.js';
import { toMajorNumber } from '../../payments/money.js';
import type { PaymentStatus } from '../../payments/payment-status.js';
import type { CardDetails, CreatePaymentRequest, InstallmentOption, PaymentMethod, ProviderPaymentState } from '../provider.js';
import {
  DIRECTCARD_PAYMENT_STATUSES,
  directCardErrorBodySchema,
  type DirectCardCaptureRequest,
  type DirectCardCardFields,
  type DirectCardCheckoutRequest,
  type DirectCardCheckoutResponse,
  type DirectCardInstallmentOptionsRequest,
  type DirectCardInstallmentOptionsResponse,
  type DirectCardPaymentRequest,
  type DirectCardPaymentResponse,
  type DirectCardPaymentStatus,
  type DirectCardThreeDSecureRequest,
  type DirectCardThreeDSecureResponse,
  type DirectCardThreeDSecureReturn,
} from './directcard-types.js';

export const DIRECTCARD_PROVIDER_ID = 'directcard';

/** Our method codes: the card form (direct, pre-authorization or 3-D Secure) and the hosted checkout link. */
export const DIRECTCARD_CARD_METHOD = 'card';
export const DIRECTCARD_HOSTED_METHOD = 'hosted';

/** The call whose ApiPaymentResponse is being read. */
export type DirectCardOperation = 'payment' | 'pre-authorization' | 'capture' | '3ds-complete' | 'checkout';

// ---------------------------------------------------------------------------------------------
// Status

function isKnownStatus(word: string): word is DirectCardPaymentStatus {
  return (DIRECTCARD_PAYMENT_STATUSES as readonly string[]).includes(word);
}

function assertNever(value: never): never {
  throw new Error(`unhandled directcard status ${String(value)}`);
}

export interface DirectCardResult {
  resultCode?: string | null;
  resultMessage?: string | null;
}

export interface DirectCardStatusReading {
  status: PaymentStatus;
  failure?: { code: ErrorCode; message: string };
}

/** Maps a status word of `operation`'s answer onto our status (see the table above). */
export function mapDirectCardStatus(
  status: string | null | undefined,
  operation: DirectCardOperation,
  result: DirectCardResult = {},
): DirectCardStatusReading {
  const word = (status ?? '').trim().toUpperCase();
  if (!isKnownStatus(word)) return { status: operation === 'checkout' ? 'requires_action' : 'pending' };
  switch (word) {
    case 'SUCCESS':
      return { status: operation === 'pre-authorization' ? 'authorized' : 'succeeded' };
    case 'FAILED':
      if (operation === 'capture') return { status: 'authorized', failure: describeFailure(result, 'provider_rejected') };
      return { status: 'failed', failure: describeFailure(result, 'payment_declined') };
    case 'ENROLLED':
      switch (operation) {
        case 'payment':
        case 'pre-authorization':
          return {
            status: 'failed',
            failure: {
              code: 'provider_rejected',
              message: 'The card needs 3-D Secure, which this payment did not use. No money was taken.',
            },
          };
        case 'capture':
          return { status: 'authorized', failure: describeFailure(result, 'provider_rejected') };
        case '3ds-complete':
        case 'checkout':
          return { status: 'requires_action' };
        default:
          return assertNever(operation);
      }
    default:
      return assertNever(word);
  }
}

// ---------------------------------------------------------------------------------------------
// Failures: resultCode / resultMessage → a code of our closed list and a clear sentence

interface FailureRule {
  test: RegExp;
  code: ErrorCode;
  sentence: string;
}

// The document names no result codes besides SUCCESS: these read the usual words and ISO 8583
// response codes (51 insufficient funds, 54 expired card, 05 do not honor...) in either field.
const FAILURE_RULES: readonly FailureRule[] = [
  { test: /INSUFFICIENT|NOT[ _]SUFFICIENT|\bNSF\b|^51$/i, code: 'card_declined', sentence: 'The card was declined: insufficient funds.' },
  { test: /3-?D|THREE[ _-]?D|AUTHENTICAT/i, code: 'payment_declined', sentence: '3-D Secure verification failed, so the payment was not made.' },
  { test: /EXPIRED[ _]CARD|CARD[ _]EXPIRED|^54$/i, code: 'card_declined', sentence: 'The card was declined: it has expired.' },
  { test: /CVV|CVC|SECURITY[ _]CODE|^82$|^N7$/i, code: 'card_declined', sentence: "The card was declined: the security code was not accepted." },
  {
    test: /DECLIN|DO[ _]NOT[ _]HONOU?R|^0?5$|STOLEN|LOST[ _]CARD|RESTRICTED|FRAUD|NOT[ _]PERMITTED|^57$|^62$|INVALID[ _]CARD|INVALID[ _]PAN/i,
    code: 'card_declined',
    sentence: 'The card was declined.',
  },
];

/** The gateway's words appended for the merchant, card-number-like digits masked. */
function withGatewayWords(sentence: string, result: DirectCardResult): string {
  const words = [result.resultCode, result.resultMessage]
    .map((word) => (word == null ? '' : String(word).trim()))
    .filter((word, index, all) => word !== '' && all.indexOf(word) === index);
  if (words.length === 0) return sentence;
  return `${sentence} (directcard: ${maskPanLike(words.join(': ')).slice(0, 300)})`;
}

/** The gateway's status words for the event history: `FAILED/CARD_DECLINED (Card declined by the issuer)`. */
function statusWords(head: string, result: DirectCardResult): string {
  const message = result.resultMessage == null ? '' : String(result.resultMessage).trim();
  return `${head}/${result.resultCode ?? '-'}${message ? ` (${maskPanLike(message).slice(0, 200)})` : ''}`;
}

/** A failure sentence for a FAILED outcome or a refusal, by its resultCode and resultMessage. */
export function describeFailure(result: DirectCardResult, fallback: ErrorCode): { code: ErrorCode; message: string } {
  const code = result.resultCode == null ? '' : String(result.resultCode).trim();
  const message = result.resultMessage == null ? '' : String(result.resultMessage).trim();
  const rule = FAILURE_RULES.find((candidate) => candidate.test.test(code) || candidate.test.test(message));
  // The shopper reads this sentence; the gateway's own words go to providerStatus, for the merchant.
  if (rule) return { code: rule.code, message: rule.sentence };
  return { code: fallback, message: fallback === 'payment_declined' ? 'The payment was declined.' : 'directcard refused the request.' };
}

// ---------------------------------------------------------------------------------------------
// Answers → state


const CHECKOUT_REF_PREFIX = 'checkout:';

/** Our providerRef for a hosted checkout: its checkoutId, marked, since only checkouts can be looked up. */
export function checkoutRef(checkoutId: string): string {
  return `${CHECKOUT_REF_PREFIX}${checkoutId}`;
}

export type DirectCardRef = { kind: 'checkout'; checkoutId: string } | { kind: 'payment'; paymentId: string };

/** Reads a providerRef back: `checkout:<checkoutId>`, or a bare directcard paymentId. */
export function readProviderRef(ref: string | undefined): DirectCardRef | undefined {
  if (!ref) return undefined;
  if (ref.startsWith(CHECKOUT_REF_PREFIX)) {
    const checkoutId = ref.slice(CHECKOUT_REF_PREFIX.length);
    return checkoutId ? { kind: 'checkout', checkoutId } : undefined;
  }
  return { kind: 'payment', paymentId: ref };
}

/** The card as directcard returns it; a number that arrives unmasked is masked here. */
export function maskedCard(response: DirectCardPaymentResponse): ProviderPaymentState['card'] {
  if (!response.pan) return undefined;
  const card: NonNullable<ProviderPaymentState['card']> = { mask: maskPanLike(response.pan) };
  if (response.cardScheme) card.brand = response.cardScheme;
  if (response.cardType) card.type = response.cardType;
  return card;
}

/**
 * ApiPaymentResponse → the normalized state. `providerRef` overrides the answer's paymentId (a
 * checkout keeps its `checkout:` reference). A capture's amount is the captured one, so it goes to
 * `capturedAmount` and `amount` stays unset.
 */
export function paymentResponseToState(
  response: DirectCardPaymentResponse,
  operation: DirectCardOperation,
  providerRef?: string,
): ProviderPaymentState {
  const reading = mapDirectCardStatus(response.status, operation, response);
  const state: ProviderPaymentState = {
    status: reading.status,
    providerStatus: statusWords(`${response.status ?? '-'}`, response),
  };
  const ref = providerRef ?? response.paymentId ?? undefined;
  if (ref) state.providerRef = ref;
  if (response.currency) {
    state.currency = response.currency;
    const amount = response.amount == null ? undefined : majorToMinor(response.amount, response.currency);
    if (amount !== undefined) {
      if (operation === 'capture') state.capturedAmount = amount;
      else state.amount = amount;
    }
  }
  if (reading.failure) state.failure = reading.failure;
  const card = maskedCard(response);
  if (card) state.card = card;
  return state;
}

/** The answer to POST /api/3ds → `requires_action` with the markup, or `failed`. */
export function threeDSecureResponseToState(response: DirectCardThreeDSecureResponse): ProviderPaymentState {
  const state: ProviderPaymentState = {
    status: 'failed',
    providerStatus: statusWords(`3DS success=${String(response.success ?? '-')}`, response),
  };
  if (response.paymentId) state.providerRef = response.paymentId;
  if (response.success === true && response.htmlContent) {
    state.status = 'requires_action';
    state.challengeHtml = response.htmlContent;
    return state;
  }
  state.failure =
    response.success === true
      ? { code: 'provider_rejected', message: 'directcard started 3-D Secure but sent nothing to show. No money was taken.' }
      : describeFailure(response, 'payment_declined');
  return state;
}

/** The answer to POST /api/checkout → `pending`, with the hosted page as a top-level redirect. */
export function checkoutCreatedToState(response: DirectCardCheckoutResponse): ProviderPaymentState {
  return {
    status: 'pending',
    providerRef: checkoutRef(response.checkoutId),
    providerStatus: 'checkout created',
    action: { type: 'redirect', url: response.redirectUrl },
  };
}

/**
 * Installment options → ours, in minor units, sorted by count. An option in another currency
 * than the one asked for, or with an unreadable count or amount, is left out: it cannot be charged.
 */
export function installmentOptionsFromResponse(response: DirectCardInstallmentOptionsResponse, currency: string): InstallmentOption[] {
  const byCount = new Map<number, InstallmentOption>();
  for (const option of response.options ?? []) {
    if (option.currency && option.currency !== currency) continue;
    const count = Number(option.installmentCount);
    if (!Number.isInteger(count) || count < 1) continue;
    const installmentAmount = majorToMinor(option.installmentAmount, currency);
    const totalAmount = majorToMinor(option.totalAmount, currency);
    if (installmentAmount === undefined || totalAmount === undefined) continue;
    const result: InstallmentOption = { count, installmentAmount, totalAmount, currency };
    const interest = option.interestAmount == null ? undefined : majorToMinor(option.interestAmount, currency);
    if (interest !== undefined) result.interestAmount = interest;
    if (!byCount.has(count)) byCount.set(count, result);
  }
  return [...byCount.values()].sort((a, b) => a.count - b.count);
}

// ---------------------------------------------------------------------------------------------
// Methods

/** The two ways to pay: the card form (fields come in `CreatePaymentRequest.card`) and the hosted page. */
export function directCardMethods(): PaymentMethod[] {
  return [
    {
      id: `${DIRECTCARD_PROVIDER_ID}:${DIRECTCARD_CARD_METHOD}`,
      provider: DIRECTCARD_PROVIDER_ID,
      name: 'Card',
      category: 'card',
      fields: [],
      cardEntry: true,
      installments: true,
    },
    {
      id: `${DIRECTCARD_PROVIDER_ID}:${DIRECTCARD_HOSTED_METHOD}`,
      provider: DIRECTCARD_PROVIDER_ID,
      name: 'Card on the directcard payment page',
      category: 'card',
      fields: [],
      // The payment link only creates a page; the card is entered there.
      paidOnProviderPage: true,
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Requests



/** Digits of a typed card number; spaces and dashes are allowed between them. */
export function cardDigits(number: string): string {
  return number.replace(/[\s-]/g, '');
}

/**
 * Card details → the document's card fields: two-digit month and year, digits only. A bad value
 * is refused with a message naming the field and never quoting it.
 */
export function toCardFields(card: CardDetails): DirectCardCardFields {
  const problems: string[] = [];
  const pan = cardDigits(card.number);
  if (!/^\d{12,19}$/.test(pan) || !passesLuhn(pan)) problems.push('card.number: not a valid card number');
  const monthText = card.expiryMonth.trim();
  const month = /^\d{1,2}$/.test(monthText) ? Number(monthText) : Number.NaN;
  if (!(month >= 1 && month <= 12)) problems.push('card.expiryMonth: must be a month from 01 to 12');
  const yearText = card.expiryYear.trim();
  if (!/^(\d{2}|\d{4})$/.test(yearText)) problems.push('card.expiryYear: must be two or four digits');
  const cvv = card.securityCode.trim();
  if (!/^\d{3,4}$/.test(cvv)) problems.push('card.securityCode: must be 3 or 4 digits');
  const holder = card.holderName.trim().replace(/\s+/g, ' ');
  if (holder === '' || holder.length > 100) problems.push('card.holderName: must be 1 to 100 characters');
  if (problems.length > 0) throw new AppError('invalid_request', problems.join('; '));
  return {
    cardHolderName: holder,
    pan,
    expiryMonth: String(month).padStart(2, '0'),
    expiryYear: yearText.slice(-2),
    cvv,
  };
}

/** `::ffff:192.0.2.1` (an IPv4 address seen through an IPv6 socket) → `192.0.2.1`. */
export function normalizeIp(ip: string): string {
  const trimmed = ip.trim();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(trimmed);
  return mapped?.[1] ?? trimmed;
}

/** requestIp and requestPort: the shopper's connection as the proxy saw it. Both are required by the document. */
export function shopperConnection(request: Pick<CreatePaymentRequest, 'shopperIp' | 'shopperPort'>): { requestIp: string; requestPort: number } {
  const ip = request.shopperIp === undefined ? '' : normalizeIp(request.shopperIp);
  const problems: string[] = [];
  if (isIP(ip) === 0) problems.push("shopperIp: directcard needs the shopper's IP address (requestIp)");
  const port = request.shopperPort;
  if (port === undefined || !Number.isInteger(port) || port < 1 || port > 65535) {
    problems.push("shopperPort: directcard needs the shopper's TCP port (requestPort), 1 to 65535");
  }
  if (problems.length > 0) throw new AppError('invalid_request', problems.join('; '));
  return { requestIp: ip, requestPort: port as number };
}

function requireCard(request: CreatePaymentRequest): CardDetails {
  if (!request.card) throw new AppError('invalid_request', 'card: card details are required for a directcard card payment');
  return request.card;
}

/** POST /api/payment and /api/pre-authorization: our payment id is the orderId. */
export function toPaymentRequest(request: CreatePaymentRequest): DirectCardPaymentRequest {
  const body: DirectCardPaymentRequest = {
    orderId: request.paymentId,
    amount: toMajorNumber(request.amount, request.currency),
    currency: request.currency,
    ...toCardFields(requireCard(request)),
    ...shopperConnection(request),
  };
  if (request.customer?.reference) body.customerId = request.customer.reference;
  return body;
}

/** Where directcard posts the shopper back after 3-D Secure: `challengeReturnUrls`, else `returnUrls`. */
export function challengeReturnUrls(request: CreatePaymentRequest): { successUrl: string; failureUrl: string } {
  return request.challengeReturnUrls
    ? { successUrl: request.challengeReturnUrls.success, failureUrl: request.challengeReturnUrls.failure }
    : { successUrl: request.returnUrls.success, failureUrl: request.returnUrls.fail };
}

/** POST /api/3ds, with the installment count (1 when none was chosen) and who pays the interest. */
export function toThreeDSecureRequest(
  request: CreatePaymentRequest,
  options: { interestPaidByCustomer: boolean },
): DirectCardThreeDSecureRequest {
  const body: DirectCardThreeDSecureRequest = {
    orderId: request.paymentId,
    amount: toMajorNumber(request.amount, request.currency),
    currency: request.currency,
    installmentCount: request.installments ?? 1,
    interestPaidByCustomer: options.interestPaidByCustomer,
    ...toCardFields(requireCard(request)),
    ...challengeReturnUrls(request),
    ...shopperConnection(request),
  };
  if (request.customer?.reference) body.customerId = request.customer.reference;
  return body;
}

export function toCaptureRequest(amount: number, currency: string): DirectCardCaptureRequest {
  return { amount: toMajorNumber(amount, currency), currency };
}

export function toInstallmentOptionsRequest(query: {
  pan: string;
  amount: number;
  currency: string;
  maxInstallmentCount?: number;
  interestPaidByCustomer: boolean;
}): DirectCardInstallmentOptionsRequest {
  const body: DirectCardInstallmentOptionsRequest = {
    amount: toMajorNumber(query.amount, query.currency),
    currency: query.currency,
    pan: query.pan,
    interestPaidByCustomer: query.interestPaidByCustomer,
  };
  if (query.maxInstallmentCount !== undefined) body.maxInstallmentCount = query.maxInstallmentCount;
  return body;
}

/**
 * POST /api/checkout. `callback` is the proxy's pending return URL (see the adapter's header):
 * whether directcard calls it from the shopper's browser or server to server, the proxy looks
 * the checkout up there. `description` is required by the document, so one is made up when the
 * order has none.
 */
export function toCheckoutRequest(
  request: CreatePaymentRequest,
  options: { interestPaidByCustomer: boolean; maxInstallmentCount?: number },
): DirectCardCheckoutRequest {
  const body: DirectCardCheckoutRequest = {
    orderId: request.paymentId,
    amount: toMajorNumber(request.amount, request.currency),
    currency: request.currency,
    description: request.description?.trim() || `Order payment ${request.paymentId}`,
    callback: request.returnUrls.pending,
    interestPaidByCustomer: options.interestPaidByCustomer,
  };
  if (request.customer?.reference) body.customerId = request.customer.reference;
  const max = request.installments ?? options.maxInstallmentCount;
  if (max !== undefined) body.maxInstallmentCount = max;
  return body;
}

// ---------------------------------------------------------------------------------------------
// Form posts from the shopper's browser

/** directcard's ids go into URL paths: only plain id characters are accepted from a form. */
const GATEWAY_ID = /^[A-Za-z0-9._~-]{1,128}$/;

function field(fields: Record<string, unknown>, name: string): string | undefined {
  const value = fields[name];
  if (typeof value === 'string') return value.trim();
  if (Array.isArray(value) && typeof value[0] === 'string') return undefined; // a repeated field is not trusted
  return undefined;
}

/**
 * The 3-D Secure return's form fields, checked against the payment they were posted for: its
 * directcard paymentId must be the one we hold, and a securityKey must be there.
 */
export function readChallengeReturn(fields: Record<string, unknown>, expectedPaymentId: string | undefined): DirectCardThreeDSecureReturn {
  const paymentId = field(fields, 'paymentId');
  const securityKey = field(fields, 'securityKey');
  if (!expectedPaymentId) {
    throw new ProviderError('conflict', 'this payment has no 3-D Secure under way at directcard; the return changes nothing', DIRECTCARD_PROVIDER_ID);
  }
  if (!paymentId || !GATEWAY_ID.test(paymentId)) {
    throw new ProviderError('invalid_request', 'the 3-D Secure return carries no valid paymentId; it changes nothing', DIRECTCARD_PROVIDER_ID);
  }
  if (paymentId !== expectedPaymentId) {
    throw new ProviderError('invalid_request', 'the 3-D Secure return names another directcard payment; it changes nothing', DIRECTCARD_PROVIDER_ID);
  }
  if (!securityKey || securityKey.length > 512 || !/^[\x21-\x7e]+$/.test(securityKey)) {
    throw new ProviderError('invalid_request', 'the 3-D Secure return carries no valid securityKey; it changes nothing', DIRECTCARD_PROVIDER_ID);
  }
  return { paymentId, securityKey };
}

/** The checkoutId of a checkout callback (form data, or JSON, or the query string). */
export function readCheckoutCallback(body: unknown, query: Record<string, unknown> = {}): string | undefined {
  const fields = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const fromText = typeof body === 'string' ? new URLSearchParams(body).get('checkoutId') ?? undefined : undefined;
  const candidate = field(fields, 'checkoutId') ?? fromText?.trim() ?? field(query, 'checkoutId');
  return candidate && GATEWAY_ID.test(candidate) ? candidate : undefined;
}

// ---------------------------------------------------------------------------------------------
// Errors

/**
 * HTTP status → our code, for answers that are not a payment. A 4xx whose resultCode or
 * resultMessage reads as a decline is the shopper's `card_declined`; other 4xx are
 * `provider_rejected` (directcard refused our request), 401/403 `authentication_failed`.
 * A 5xx to a call that moves money is `outcome_unknown`: the charge may have happened.
 */
export function directCardErrorCode(httpStatus: number, movesMoney: boolean): ErrorCode {
  if (httpStatus === 401 || httpStatus === 403) return 'authentication_failed';
  if (httpStatus === 404) return 'not_found';
  if (httpStatus === 409) return 'conflict';
  if (httpStatus === 429) return 'provider_unavailable';
  if (httpStatus >= 500) return movesMoney ? 'outcome_unknown' : 'provider_unavailable';
  if (httpStatus >= 400) return 'provider_rejected';
  return movesMoney ? 'outcome_unknown' : 'provider_unavailable';
}

/** An error answer → a ProviderError with our code, a clear message and the scrubbed body. */
export function toDirectCardError(httpStatus: number, body: unknown, operation: string, movesMoney: boolean): ProviderError {
  const parsed = directCardErrorBodySchema.safeParse(body);
  const result: DirectCardResult = {};
  if (parsed.success) {
    const code = parsed.data.resultCode ?? undefined;
    result.resultCode = code === undefined ? undefined : String(code);
    result.resultMessage = parsed.data.resultMessage ?? parsed.data.message ?? parsed.data.error ?? undefined;
  }
  let code = directCardErrorCode(httpStatus, movesMoney);
  let message: string;
  if (code === 'authentication_failed') {
    message = withGatewayWords(`directcard refused the API key and secret (HTTP ${httpStatus}) on ${operation}`, result);
  } else if (code === 'provider_rejected') {
    const failure = describeFailure(result, 'provider_rejected');
    failure.message = withGatewayWords(failure.message, result);
    code = failure.code;
    message =
      failure.code === 'provider_rejected'
        ? withGatewayWords(`directcard refused ${operation} (HTTP ${httpStatus})`, result)
        : failure.message;
  } else {
    message = withGatewayWords(`directcard answered ${operation} with HTTP ${httpStatus}`, result);
  }
  return new ProviderError(code, message, DIRECTCARD_PROVIDER_ID, httpStatus, scrubDirectCardPayload(body));
}

// ---------------------------------------------------------------------------------------------
// Scrubbing

/** Keys whose values never reach a transcript: card data, one-time keys, credentials, 3-D Secure markup. */
const SECRET_KEY =
  /^(cvv2?|cvc2?|securitycode|security_code|securitykey|security_key|expirymonth|expiryyear|expiry|x-api-key|x-api-secret|apikey|api_key|apisecret|api_secret|authorization|password|token|htmlcontent|challengehtml)$/i;
/** Keys that hold a card number: kept masked (first six, last four). */
const CARD_NUMBER_KEY = /^(pan|cardnumber|card_number|number)$/i;
const REDACTED = '[redacted]';
/**
 * A copy of a directcard payload or transcript safe to keep: card numbers masked, security
 * codes, expiry, securityKey, API credentials and 3-D Secure markup replaced by "[redacted]",
 * and every card-like digit run in any string or number masked.
 */
export function scrubDirectCardPayload(value: unknown): unknown {
  return scrubPayload(value, {
    onKey(key, item) {
      if (SECRET_KEY.test(key)) return item == null ? item : REDACTED;
      if (CARD_NUMBER_KEY.test(key)) return typeof item === 'string' || typeof item === 'number' ? maskCardNumberValue(String(item)) : REDACTED;
      return SCRUB;
    },
  });
}

/** A value under a card-number key: a full number is masked, anything longer than a BIN that is not already masked is dropped. */
function maskCardNumberValue(text: string): string {
  const digits = cardDigits(text);
  if (/^\d{12,19}$/.test(digits)) return maskDigits(digits);
  if (/^\d{0,8}$/.test(digits)) return digits;
  if (/^\d{6}\*+\d{4}$/.test(digits)) return digits;
  return REDACTED;
}
