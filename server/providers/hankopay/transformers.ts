/**
 * Pure mapping between HankoPay's wire shapes and the normalized model. No I/O.
 *
 * Transaction status → PaymentStatus (documented words marked *; the rest are undocumented words
 * read tolerantly, and the simulator's):
 *
 *   HankoPay status        PaymentStatus           note
 *   ---------------------  ----------------------  -------------------------------------------
 *   pending *              requires_action         with a paymentLink: the shopper must act
 *   pending *              pending                 without one ("normal during redirect and 3DS")
 *   success *              succeeded               the only word that makes an order paid
 *   failed / declined      failed                  card_declined or payment_declined by statusReason
 *   cancelled              canceled                the shopper cancelled on the payment page
 *   expired                expired
 *   refunded               refunded                refundedAmount from the record where given
 *   partially_refunded     partially_refunded      refundedAmount from the record where given
 *   anything else          pending                 never read as final; the word is kept
 *
 * Refund status (the refund's own transaction): pending * → refund_pending; success →
 * partially_refunded / refunded (by the total of the refunds kept, or the record's where larger);
 * failed → the refund is refused (an error to the merchant), or forgotten once asked.
 * Payout status: pending * → pending; success → succeeded; failed → failed.
 *
 * `providerStatus` is always "<status>" or "<status> (<statusReason>)" as HankoPay wrote them.
 */
import { readProviderAmount as majorToMinor } from '../../payments/money.js';
import { isIP } from 'node:net';
import { AppError, ProviderError, type ErrorCode } from '../../errors.js';
import { toMajorNumber } from '../../payments/money.js';
import type { PaymentStatus } from '../../payments/payment-status.js';
import { maskDigits, maskPanLike, passesLuhn, SCRUB, scrubPayload } from '../../security/card-masking.js';
import type {
  Address,
  CardDetails,
  CreatePaymentRequest,
  PaymentAction,
  PaymentMethod,
  PayoutRequest,
  PayoutState,
  ProviderPaymentState,
  ProviderTransactionPage,
  ProviderTransactionSummary,
  WalletBalance,
} from '../provider.js';
import {
  HANKOPAY_PAYOUT_STATUSES,
  HANKOPAY_REFUND_STATUSES,
  HANKOPAY_TRANSACTION_STATUSES,
  hankoPayCallbackSchema,
  hankoPayErrorBodySchema,
  recordIdOf,
  type HankoPayBalanceResponse,
  type HankoPayBillingAddress,
  type HankoPayCardPaymentMethod,
  type HankoPayPayoutRequest,
  type HankoPayPayoutResponse,
  type HankoPayPayoutStatus,
  type HankoPayRefundRequest,
  type HankoPayRefundStatus,
  type HankoPayStatus,
  type HankoPayTransactionList,
  type HankoPayTransactionRecord,
  type HankoPayTransactionRequest,
  type HankoPayTransactionResponse,
} from './hankopay-types.js';
import type { HankoPayKnownRefund } from './refund-store.js';

export const HANKOPAY_PROVIDER_ID = 'hankopay';
/** Our one method code: the card form, sent server-side. */
export const HANKOPAY_CARD_METHOD = 'card';

/** How a paymentLink is shown: top-level (`redirect`) or framed (`iframe`). See the adapter's header. */
export type PaymentLinkAction = 'redirect' | 'iframe';

// ---------------------------------------------------------------------------------------------
// Status

function assertNever(value: never): never {
  throw new Error(`unhandled HankoPay status ${String(value)}`);
}

function known<T extends string>(list: readonly T[], word: string): word is T {
  return (list as readonly string[]).includes(word);
}

function normalizeWord(word: string | null | undefined): string {
  return (word ?? '').trim().toLowerCase().replace(/[\s-]+/g, '_');
}

export interface HankoPayStatusReading {
  status: PaymentStatus;
  failure?: { code: ErrorCode; message: string };
}

/** A transaction's status word → ours (see the table above). `hasLink`: a paymentLink is known. */
export function mapHankoPayStatus(word: string | null | undefined, reason?: string | null, hasLink = false): HankoPayStatusReading {
  const status = normalizeWord(word) === 'canceled' ? 'cancelled' : normalizeWord(word);
  if (!known<HankoPayStatus>(HANKOPAY_TRANSACTION_STATUSES, status)) return { status: 'pending' };
  switch (status) {
    case 'pending':
      return { status: hasLink ? 'requires_action' : 'pending' };
    case 'success':
      return { status: 'succeeded' };
    case 'failed':
    case 'declined':
      return { status: 'failed', failure: describeFailure(reason) };
    case 'cancelled':
      return { status: 'canceled', failure: { code: 'payment_declined', message: 'The payment was cancelled on the HankoPay page.' } };
    case 'expired':
      return { status: 'expired' };
    case 'refunded':
      return { status: 'refunded' };
    case 'partially_refunded':
      return { status: 'partially_refunded' };
    default:
      return assertNever(status);
  }
}

/** A refund's status word → `pending`, `success` or `failed`; an unknown word is `pending`. */
export function readRefundStatus(word: string | null | undefined): HankoPayRefundStatus {
  const status = normalizeWord(word);
  if (!known<HankoPayRefundStatus>(HANKOPAY_REFUND_STATUSES, status)) return 'pending';
  switch (status) {
    case 'pending':
    case 'success':
    case 'failed':
      return status;
    default:
      return assertNever(status);
  }
}

/** A payout's status word → ours; an unknown word is `pending`. */
export function mapPayoutStatus(word: string | null | undefined): PayoutState['status'] {
  const status = normalizeWord(word);
  if (!known<HankoPayPayoutStatus>(HANKOPAY_PAYOUT_STATUSES, status)) return 'pending';
  switch (status) {
    case 'pending':
      return 'pending';
    case 'success':
      return 'succeeded';
    case 'failed':
      return 'failed';
    default:
      return assertNever(status);
  }
}

interface FailureRule {
  test: RegExp;
  code: ErrorCode;
  sentence: string;
}

// The document names no reasons: these read the usual words in statusReason.
const FAILURE_RULES: readonly FailureRule[] = [
  { test: /insufficient|not sufficient|\bnsf\b/i, code: 'card_declined', sentence: 'The card was declined: insufficient funds.' },
  { test: /3-?d|three.?d|authenticat/i, code: 'payment_declined', sentence: '3-D Secure verification failed, so the payment was not made.' },
  { test: /expired/i, code: 'card_declined', sentence: 'The card was declined: it has expired.' },
  { test: /cvv|cvc|security code/i, code: 'card_declined', sentence: 'The card was declined: the security code was not accepted.' },
  { test: /declin|do not honou?r|stolen|lost|restricted|fraud|invalid card/i, code: 'card_declined', sentence: 'The card was declined.' },
];

/** A failed transaction's statusReason → a code of our list and a sentence the shopper can read. */
export function describeFailure(reason: string | null | undefined): { code: ErrorCode; message: string } {
  const text = (reason ?? '').trim();
  const rule = FAILURE_RULES.find((candidate) => candidate.test.test(text));
  return rule ? { code: rule.code, message: rule.sentence } : { code: 'payment_declined', message: 'The payment was declined.' };
}

function statusWords(status: string | null | undefined, reason: string | null | undefined): string {
  const head = (status ?? '-').trim() || '-';
  const words = (reason ?? '').trim();
  return words ? `${head} (${maskPanLike(words).slice(0, 200)})` : head;
}

// ---------------------------------------------------------------------------------------------
// Money


// ---------------------------------------------------------------------------------------------
// Methods

export function hankoPayMethods(): PaymentMethod[] {
  return [
    {
      id: `${HANKOPAY_PROVIDER_ID}:${HANKOPAY_CARD_METHOD}`,
      provider: HANKOPAY_PROVIDER_ID,
      name: 'Card',
      category: 'card',
      fields: [],
      cardEntry: true,
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Requests

export function cardDigits(number: string): string {
  return number.replace(/[\s-]/g, '');
}

/** `::ffff:192.0.2.1` → `192.0.2.1`. */
export function normalizeIp(ip: string): string {
  const trimmed = ip.trim();
  return /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(trimmed)?.[1] ?? trimmed;
}

/** "01" from "1" or "01"; undefined when not a month. */
function twoDigitMonth(text: string): string | undefined {
  const trimmed = text.trim();
  const month = /^\d{1,2}$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  return month >= 1 && month <= 12 ? String(month).padStart(2, '0') : undefined;
}

/** "2030" from "30" or "2030"; undefined otherwise. */
function fourDigitYear(text: string): string | undefined {
  const trimmed = text.trim();
  if (/^\d{4}$/.test(trimmed)) return trimmed;
  if (/^\d{2}$/.test(trimmed)) return `20${trimmed}`;
  return undefined;
}

/**
 * Card details → the document's paymentMethod. A bad value is refused with a message naming the
 * field and never quoting it.
 */
export function toCardPaymentMethod(card: CardDetails): HankoPayCardPaymentMethod {
  const problems: string[] = [];
  const number = cardDigits(card.number);
  if (!/^\d{12,19}$/.test(number) || !passesLuhn(number)) problems.push('card.number: not a valid card number');
  const expiryMonth = twoDigitMonth(card.expiryMonth);
  if (!expiryMonth) problems.push('card.expiryMonth: must be a month from 01 to 12');
  const expiryYear = fourDigitYear(card.expiryYear);
  if (!expiryYear) problems.push('card.expiryYear: must be two or four digits');
  const securityCode = card.securityCode.trim();
  if (!/^\d{3,4}$/.test(securityCode)) problems.push('card.securityCode: must be 3 or 4 digits');
  const holder = card.holderName.trim().replace(/\s+/g, ' ');
  if (holder === '' || holder.length > 100) problems.push('card.holderName: must be 1 to 100 characters');
  if (problems.length > 0) throw new AppError('invalid_request', problems.join('; '));
  return { cardNumber: number, cardholderName: holder, cardSecurityCode: securityCode, expiryMonth: expiryMonth!, expiryYear: expiryYear! };
}

/** "Mary Ann Smith" → first "Mary Ann", last "Smith"; a single word is the first name only. */
export function splitName(name: string): { firstName: string; lastName?: string } {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length <= 1) return { firstName: words[0] ?? '' };
  return { firstName: words.slice(0, -1).join(' '), lastName: words[words.length - 1]! };
}

/** Our address → billingAddress; `street` (or the full address) is street1. Empty → undefined. */
export function toBillingAddress(address: Address | undefined): HankoPayBillingAddress | undefined {
  if (!address) return undefined;
  const result: HankoPayBillingAddress = {};
  const street = address.street?.trim() || address.fullAddress?.trim();
  if (street) result.street1 = street;
  if (address.city?.trim()) result.city = address.city.trim();
  if (address.region?.trim()) result.state = address.region.trim();
  if (address.country?.trim()) result.country = address.country.trim().toUpperCase();
  if (address.postCode?.trim()) result.postalCode = address.postCode.trim();
  return Object.keys(result).length > 0 ? result : undefined;
}

function shopperIp(request: CreatePaymentRequest): string {
  const ip = request.shopperIp === undefined ? '' : normalizeIp(request.shopperIp);
  if (isIP(ip) === 0) throw new AppError('invalid_request', "shopperIp: HankoPay needs the shopper's IP address (customer.ipAddress)");
  return ip;
}

/**
 * POST /api/v1/transactions. orderId is our payment id; amounts are major units as a JSON number;
 * urls are the proxy's return and callback URLs; the customer's name is the order's, else the
 * name on the card.
 */
export function toTransactionRequest(request: CreatePaymentRequest): HankoPayTransactionRequest {
  if (!request.card) throw new AppError('invalid_request', 'card: card details are required for a HankoPay card payment');
  const paymentMethod = toCardPaymentMethod(request.card);
  const ipAddress = shopperIp(request);
  const name = splitName(request.customer?.name?.trim() || paymentMethod.cardholderName);
  const customer: HankoPayTransactionRequest['customer'] = { firstName: name.firstName, ipAddress };
  if (name.lastName) customer.lastName = name.lastName;
  if (request.customer?.email) customer.email = request.customer.email;
  if (request.customer?.phone) customer.phone = request.customer.phone;
  const body: HankoPayTransactionRequest = {
    orderId: request.paymentId,
    amount: toMajorNumber(request.amount, request.currency),
    currency: request.currency,
    customer,
    urls: { success: request.returnUrls.success, failure: request.returnUrls.fail, callback: request.callbackUrl },
    paymentMethod,
    metadata: { source: 'pay-checkout', ...(request.description ? { notes: request.description } : {}) },
  };
  const billingAddress = toBillingAddress(request.billingAddress);
  if (billingAddress) body.billingAddress = billingAddress;
  return body;
}

export function toRefundRequest(amount: number, currency: string, reason: string): HankoPayRefundRequest {
  return { amount: toMajorNumber(amount, currency), reason: reason.trim() || 'Refund' };
}

/** POST /api/v1/payouts: the payout id is the orderId; the card has number and expiry only. */
export function toPayoutRequest(request: PayoutRequest): HankoPayPayoutRequest {
  const problems: string[] = [];
  if (!Number.isSafeInteger(request.amount) || request.amount <= 0) problems.push('amount: a positive amount in minor units');
  if (!request.beneficiary.firstName?.trim()) problems.push('beneficiary.firstName: required');
  if (Object.keys(request.destination).length === 0) problems.push('destination: required (for example walletId)');
  let paymentMethod: HankoPayPayoutRequest['paymentMethod'];
  if (request.card) {
    const number = cardDigits(request.card.number);
    const expiryMonth = twoDigitMonth(request.card.expiryMonth);
    const expiryYear = fourDigitYear(request.card.expiryYear);
    if (!/^\d{12,19}$/.test(number) || !passesLuhn(number)) problems.push('card.number: not a valid card number');
    if (!expiryMonth) problems.push('card.expiryMonth: must be a month from 01 to 12');
    if (!expiryYear) problems.push('card.expiryYear: must be two or four digits');
    if (expiryMonth && expiryYear) paymentMethod = { cardNumber: number, expiryMonth, expiryYear };
  }
  if (problems.length > 0) throw new AppError('invalid_request', problems.join('; '));
  const beneficiary: HankoPayPayoutRequest['beneficiary'] = { firstName: request.beneficiary.firstName.trim() };
  for (const key of ['lastName', 'email', 'phone'] as const) {
    const value = request.beneficiary[key]?.trim();
    if (value) beneficiary[key] = value;
  }
  if (request.beneficiary.ipAddress) beneficiary.ipAddress = normalizeIp(request.beneficiary.ipAddress);
  const body: HankoPayPayoutRequest = {
    orderId: request.payoutId,
    amount: toMajorNumber(request.amount, request.currency),
    currency: request.currency,
    beneficiary,
    destination: { ...request.destination },
  };
  const billingAddress = toBillingAddress(request.billingAddress);
  if (billingAddress) body.billingAddress = billingAddress;
  if (paymentMethod) body.paymentMethod = paymentMethod;
  if (request.callbackUrl) body.urls = { callback: request.callbackUrl };
  return body;
}

// ---------------------------------------------------------------------------------------------
// Answers → state

/** The card we sent, as it may be kept: first six and last four, with its scheme by prefix. */
export function maskedCard(cardNumber: string): NonNullable<ProviderPaymentState['card']> {
  const digits = cardDigits(cardNumber);
  const brand = brandOf(digits);
  return { mask: maskDigits(digits), ...(brand ? { brand } : {}) };
}

function brandOf(digits: string): string | undefined {
  if (digits.startsWith('4')) return 'VISA';
  if (/^(5[1-5]|2[2-7])/.test(digits)) return 'MASTERCARD';
  if (/^3[47]/.test(digits)) return 'AMEX';
  return undefined;
}

function linkAction(link: string | null | undefined, mode: PaymentLinkAction): PaymentAction | undefined {
  if (!link) return undefined;
  try {
    const url = new URL(link);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  } catch {
    return undefined;
  }
  return { type: mode, url: link };
}

/**
 * The answer to POST /transactions → our state. `pending` with a paymentLink is `requires_action`
 * with the link as the action; `pending` without one waits for the callback. The create answer
 * reports no amount, so none is set here.
 */
export function transactionCreatedToState(
  response: HankoPayTransactionResponse,
  options: { card?: CardDetails; paymentLinkAction: PaymentLinkAction },
): ProviderPaymentState {
  const action = linkAction(response.paymentLink, options.paymentLinkAction);
  const reading = mapHankoPayStatus(response.status, response.statusReason, action !== undefined);
  const state: ProviderPaymentState = {
    status: reading.status,
    providerRef: response.transactionId,
    providerStatus: statusWords(response.status, response.statusReason),
  };
  if (reading.status === 'requires_action' && action) state.action = action;
  if (reading.failure) state.failure = reading.failure;
  if (options.card) state.card = maskedCard(options.card.number);
  return state;
}

/**
 * A status lookup, with the stored record beside it for amount, currency, refunds and the link:
 * the status answer carries none of them. The status words come from the status answer.
 */
export function lookupToState(
  status: { status: string; statusReason?: string | null | undefined; transactionId?: string | null | undefined },
  record: HankoPayTransactionRecord | undefined,
  options: { paymentLinkAction: PaymentLinkAction },
): ProviderPaymentState {
  const action = linkAction(record?.paymentLink, options.paymentLinkAction);
  const reading = mapHankoPayStatus(status.status, status.statusReason, action !== undefined);
  const state: ProviderPaymentState = { status: reading.status, providerStatus: statusWords(status.status, status.statusReason) };
  const ref = status.transactionId ?? recordIdOf(record);
  if (ref) state.providerRef = ref;
  if (reading.status === 'requires_action' && action) state.action = action;
  if (reading.failure) state.failure = reading.failure;
  if (record?.currency) {
    state.currency = record.currency;
    const amount = majorToMinor(record.fromAmount ?? record.amount, record.currency);
    if (amount !== undefined) state.amount = amount;
    const refunded = majorToMinor(record.refundedAmount, record.currency);
    if (refunded !== undefined) state.refundedAmount = refunded;
  }
  if (state.status === 'refunded' && state.refundedAmount === undefined && state.amount !== undefined) state.refundedAmount = state.amount;
  // A gateway may keep `success` on a refunded sale and report the refunds beside it.
  if (state.status === 'succeeded' && state.refundedAmount !== undefined && state.refundedAmount > 0 && state.amount !== undefined) {
    state.status = state.refundedAmount >= state.amount ? 'refunded' : 'partially_refunded';
  }
  return state;
}

/** The statuses that say money was taken: never reported without HankoPay's amount and currency. */
export const HANKOPAY_PAID_STATUSES: ReadonlySet<ProviderPaymentState['status']> = new Set(['succeeded', 'partially_refunded', 'refunded']);

/**
 * The original transaction's state with the refunds we asked for (see the adapter's header): any
 * refund still pending makes it `refund_pending`; settled ones make a paid state partially
 * refunded or refunded, by the larger of their total and the total the record itself reports.
 */
export function withKnownRefunds(original: ProviderPaymentState, refunds: readonly HankoPayKnownRefund[]): ProviderPaymentState {
  const settled = refunds.filter((refund) => refund.status === 'success').reduce((sum, refund) => sum + refund.amount, 0);
  const refunded = Math.max(settled, original.refundedAmount ?? 0);
  const pending = refunds.filter((refund) => refund.status === 'pending');
  const { action: _action, failure: _failure, ...kept } = original;
  if (pending.length > 0) {
    const ids = pending.map((refund) => refund.id ?? '-').join(', ');
    return { ...kept, status: 'refund_pending', ...(refunded > 0 ? { refundedAmount: refunded } : {}), providerStatus: `${original.providerStatus ?? '-'}; refund pending ${ids}` };
  }
  if (refunded === 0 || !HANKOPAY_PAID_STATUSES.has(original.status)) return original;
  const whole = original.status === 'refunded' || (original.amount !== undefined && refunded >= original.amount);
  return { ...kept, status: whole ? 'refunded' : 'partially_refunded', refundedAmount: refunded };
}

/** A list item → our summary. */
export function recordToSummary(record: HankoPayTransactionRecord): ProviderTransactionSummary | undefined {
  const providerRef = recordIdOf(record);
  if (!providerRef) return undefined;
  const summary: ProviderTransactionSummary = {
    providerRef,
    status: mapHankoPayStatus(record.status, record.statusReason).status,
    providerStatus: statusWords(record.status, record.statusReason),
  };
  if (record.orderId) summary.paymentId = record.orderId;
  if (record.currency) {
    summary.currency = record.currency;
    const amount = majorToMinor(record.fromAmount ?? record.amount, record.currency);
    if (amount !== undefined) summary.amount = amount;
  }
  if (record.createdAt) summary.createdAt = record.createdAt;
  return summary;
}

export function listToPage(list: HankoPayTransactionList): ProviderTransactionPage {
  return {
    transactions: list.data.map(recordToSummary).filter((item): item is ProviderTransactionSummary => item !== undefined),
    page: list.pagination.page,
    limit: list.pagination.limit,
    total: list.pagination.total,
    pages: list.pagination.pages,
  };
}

export function payoutResponseToState(response: HankoPayPayoutResponse, payoutId: string): PayoutState {
  const state: PayoutState = {
    payoutId: response.orderId ?? payoutId,
    status: mapPayoutStatus(response.status),
    providerStatus: statusWords(response.status, undefined),
  };
  if (response.payoutTransactionId) state.providerRef = response.payoutTransactionId;
  if (response.payoutLink) state.payoutLink = response.payoutLink;
  if (response.createdAt) state.createdAt = response.createdAt;
  return state;
}

/** Wallets → ours, amounts in minor units; a wallet whose amount cannot be read is left out. */
export function walletsFromBalance(response: HankoPayBalanceResponse): WalletBalance[] {
  const wallets: WalletBalance[] = [];
  for (const wallet of response.balance.wallets) {
    const currency = wallet.currency.trim().toUpperCase();
    const amount = majorToMinor(wallet.amount, currency);
    if (amount === undefined) continue;
    const result: WalletBalance = { currency, amount };
    if (wallet.walletId) result.walletId = wallet.walletId;
    if (wallet.paymentMethod) result.paymentMethod = wallet.paymentMethod;
    if (wallet.status) result.status = wallet.status;
    wallets.push(result);
  }
  return wallets;
}

/** What an active wallet (or one without a status) in `currency` holds, in minor units. */
export function availableBalance(wallets: readonly WalletBalance[], currency: string): number {
  return wallets
    .filter((wallet) => wallet.currency === currency && (wallet.status === undefined || wallet.status.toLowerCase() === 'active'))
    .reduce((sum, wallet) => sum + wallet.amount, 0);
}

// ---------------------------------------------------------------------------------------------
// Callbacks

/** HankoPay ids go into URL paths: only plain id characters are accepted from a callback. */
const ID = /^[A-Za-z0-9._~-]{1,128}$/;

/** The ids a callback names (JSON, form data or query); its status and amount are never read. */
export function readHankoPayCallback(body: unknown, query: Record<string, unknown> = {}): { transactionId?: string; orderId?: string } {
  const fromText = typeof body === 'string' ? Object.fromEntries(new URLSearchParams(body)) : undefined;
  const parsed = hankoPayCallbackSchema.safeParse(fromText ?? body);
  const fields = parsed.success ? parsed.data : {};
  const fromQuery = hankoPayCallbackSchema.safeParse(query);
  const queryFields = fromQuery.success ? fromQuery.data : {};
  const transactionId = fields.transactionId ?? fields._id ?? queryFields.transactionId ?? undefined;
  const orderId = fields.orderId ?? queryFields.orderId ?? undefined;
  const result: { transactionId?: string; orderId?: string } = {};
  if (transactionId && ID.test(transactionId)) result.transactionId = transactionId;
  if (orderId && orderId.length <= 200) result.orderId = orderId;
  return result;
}

// ---------------------------------------------------------------------------------------------
// Errors

function text(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim()) return value.trim();
  if (typeof value === 'number') return String(value);
  if (value && typeof value === 'object' && typeof (value as { message?: unknown }).message === 'string') return (value as { message: string }).message;
  return undefined;
}

/** The words of an error body: its code and message, card-like digits masked. */
export function errorWords(body: unknown): { code?: string; message?: string } {
  const parsed = hankoPayErrorBodySchema.safeParse(body);
  if (!parsed.success) return typeof body === 'string' && body.trim() ? { message: maskPanLike(body.trim()).slice(0, 300) } : {};
  const code = text(parsed.data.code);
  const message = text(parsed.data.message) ?? text(parsed.data.error);
  return {
    ...(code ? { code: maskPanLike(code).slice(0, 80) } : {}),
    ...(message ? { message: maskPanLike(message).slice(0, 300) } : {}),
  };
}

/**
 * HTTP status → our code: 401/403 `authentication_failed` (a wrong bearer key), 404 `not_found`,
 * 409 `conflict`, 429 `provider_unavailable`, other 4xx `provider_rejected`, 5xx
 * `outcome_unknown` for calls that move money and `provider_unavailable` for reads.
 */
export function hankoPayErrorCode(httpStatus: number, movesMoney: boolean): ErrorCode {
  if (httpStatus === 401 || httpStatus === 403) return 'authentication_failed';
  if (httpStatus === 404) return 'not_found';
  if (httpStatus === 409) return 'conflict';
  if (httpStatus === 429) return 'provider_unavailable';
  if (httpStatus >= 400 && httpStatus < 500) return 'provider_rejected';
  return movesMoney ? 'outcome_unknown' : 'provider_unavailable';
}

/** An error answer (or a 2xx with `success: false`) → a ProviderError with our code and HankoPay's words. */
export function toHankoPayError(httpStatus: number, body: unknown, operation: string, movesMoney: boolean): ProviderError {
  const words = errorWords(body);
  const theirs = [words.code, words.message].filter(Boolean).join(': ');
  const suffix = theirs ? ` (HankoPay: ${theirs})` : '';
  let code: ErrorCode;
  let message: string;
  if (httpStatus >= 200 && httpStatus < 300) {
    code = 'provider_rejected';
    message = `HankoPay refused ${operation}${suffix}`;
  } else {
    code = hankoPayErrorCode(httpStatus, movesMoney);
    if (code === 'authentication_failed') {
      message = `HankoPay refused the merchant API key (HTTP ${httpStatus}) on ${operation}${suffix}`;
    } else if (code === 'provider_rejected') {
      message = `HankoPay refused ${operation} (HTTP ${httpStatus})${suffix}`;
    } else {
      message = `HankoPay answered ${operation} with HTTP ${httpStatus}${suffix}`;
    }
  }
  return new ProviderError(code, message, HANKOPAY_PROVIDER_ID, httpStatus, scrubHankoPayPayload(body));
}

// ---------------------------------------------------------------------------------------------
// Scrubbing

/** Keys whose values never reach a transcript: security code, expiry, credentials. */
const SECRET_KEY =
  /^(cardsecuritycode|securitycode|security_code|cvv2?|cvc2?|expirymonth|expiryyear|expiry|authorization|apikey|api_key|password|token|secret)$/i;
/** Keys that hold a card number: kept masked. */
const CARD_NUMBER_KEY = /^(cardnumber|card_number|pan|number)$/i;
const REDACTED = '[redacted]';

/**
 * A copy of a HankoPay payload or transcript safe to keep: card numbers masked (first six, last
 * four), security codes, expiry and credentials "[redacted]", card-like digit runs masked anywhere.
 */
export function scrubHankoPayPayload(value: unknown): unknown {
  return scrubPayload(value, {
    onKey(key, item) {
      if (SECRET_KEY.test(key)) return item == null ? item : REDACTED;
      if (CARD_NUMBER_KEY.test(key)) {
        if (typeof item !== 'string' && typeof item !== 'number') return item == null ? item : REDACTED;
        const digits = cardDigits(String(item));
        if (/^\d{12,19}$/.test(digits)) return maskDigits(digits);
        if (/^\d{6}\*+\d{4}$/.test(digits)) return digits;
        return REDACTED;
      }
      return SCRUB;
    },
  });
}
