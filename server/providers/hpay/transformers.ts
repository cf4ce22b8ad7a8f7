/**
 * Pure mapping between HPAY's wire shapes and the normalized model. No I/O.
 *
 * Transaction status → PaymentStatus (the document names two words, in getPaymentHistory's
 * `statut` filter "UNPAID or PAID" and in each history row's `status`):
 *
 *   HPAY status     → PaymentStatus   notes
 *   -------------   ---------------   ------------------------------------------------------------
 *   UNPAID          pending           the transaction exists, nobody has paid it. A shopper who
 *                                     pressed Cancel on HPAY's page leaves it UNPAID too: HPAY has
 *                                     no canceled word, so the payment stays pending (with the
 *                                     redirect action to `payment_link`, hence requires_action
 *                                     in the service) until the session expires.
 *   PAID            succeeded         only this word, read from getPaymentHistory, counts as paid.
 *   any other word  pending           kept in providerStatus; an undocumented word is never final.
 *
 * Amounts are major units on the wire in both JSON types (14900, "7000.00", fees 0.5 and
 * "700.00") and integer minor units here (`../../payments/money.ts`). A payment's own amount is
 * read strictly; a history row's `fees` and `profit` are only shown, and the document writes them
 * with cents even in XOF ("700.00", fees 0.5), so they are read tolerantly (rounded to the
 * currency's units) and left out when unreadable, rather than failing the whole history.
 */
import { ProviderError, type ErrorCode } from '../../errors.js';
import { AmountError, readProviderAmount, toMajorNumber, toMinorUnits } from '../../payments/money.js';
import type { PaymentStatus } from '../../payments/payment-status.js';
import { SCRUB, scrubPayload } from '../../security/card-masking.js';
import type { CreatePaymentRequest, PaymentMethod, ProviderPaymentState } from '../provider.js';
import {
  HPAY_TRANSACTION_STATUSES,
  type HpayCollectBalanceRequest,
  type HpayCollectBalanceResponse,
  type HpayHistoryEntry,
  type HpayMode,
  type HpayPaymentHistoryRequest,
  type HpayPaymentRequest,
  type HpayPaymentResponse,
  type HpayTokenRequest,
  type HpayTransactionStatus,
} from './hpay-types.js';

export const HPAY_PROVIDER_ID = 'hpay';
/** The one way to pay HPAY offers: its hosted checkout page. */
export const HPAY_HOSTED_METHOD = 'hosted';
/** The document's `livetime` ("15mn"), used when an answer does not say. */
export const HPAY_TOKEN_LIFETIME_MS = 15 * 60_000;

export interface HpayKeys {
  apiKey: string;
  publicKey: string;
  secretKey: string;
  mode: HpayMode;
}

// ---------------------------------------------------------------------------------------------
// Status

function isKnownStatus(word: string): word is HpayTransactionStatus {
  return (HPAY_TRANSACTION_STATUSES as readonly string[]).includes(word);
}

function assertNever(value: never): never {
  throw new Error(`unhandled HPAY status ${String(value)}`);
}

/** Maps a history row's status word (see the table above). Case and spaces are forgiven. */
export function mapHpayStatus(word: string): PaymentStatus {
  const status = word.trim().toUpperCase();
  if (!isKnownStatus(status)) return 'pending';
  switch (status) {
    case 'UNPAID':
      return 'pending';
    case 'PAID':
      return 'succeeded';
    default:
      return assertNever(status);
  }
}

// ---------------------------------------------------------------------------------------------
// Requests

export function toTokenRequest(keys: HpayKeys): HpayTokenRequest {
  return { api_key: keys.apiKey, api_public_key: keys.publicKey, api_secret_key: keys.secretKey, mode: keys.mode };
}

/**
 * Our payment reference goes at the end of `description` ("… (ref <paymentId>)"): /payment/ has
 * no merchant reference field, and the history returns `description`, so a payment whose
 * transaction_id was lost can still be found.
 */
export function referenceTag(paymentId: string): string {
  return `(ref ${paymentId})`;
}

export function toPaymentRequest(request: CreatePaymentRequest, keys: HpayKeys, token: string): HpayPaymentRequest {
  const productName = (request.description?.trim() || `Order ${request.paymentId}`).slice(0, 200);
  const description = `${request.description?.trim() ? `${request.description.trim()} ` : ''}${referenceTag(request.paymentId)}`;
  return {
    api_key: keys.apiKey,
    public_key: keys.publicKey,
    mode: keys.mode,
    amount: toMajorNumber(request.amount, request.currency),
    product_name: productName,
    description,
    // All three on the proxy: the notification is a signal, the two others bring the shopper back.
    notify_url: request.callbackUrl,
    success_url: request.returnUrls.success,
    cancel_url: request.returnUrls.fail,
    token,
  };
}

/** Filters of getPaymentHistory, in our words. Dates are yyyy-mm-dd. */
export interface HpayHistoryFilters {
  status?: HpayTransactionStatus;
  dateFrom?: string;
  dateTo?: string;
  /** Rows to skip (default 0) and to return (default 50): the document's fetch_limit "0,50". */
  offset?: number;
  limit?: number;
  transactionId?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function toHistoryRequest(filters: HpayHistoryFilters, keys: HpayKeys, token: string): HpayPaymentHistoryRequest {
  for (const [name, value] of [['dateFrom', filters.dateFrom], ['dateTo', filters.dateTo]] as const) {
    if (value !== undefined && (!DAY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))) {
      throw new ProviderError('invalid_request', `${name}: a date written yyyy-mm-dd`, HPAY_PROVIDER_ID);
    }
  }
  const offset = filters.offset ?? 0;
  const limit = filters.limit ?? 50;
  if (!Number.isSafeInteger(offset) || offset < 0) throw new ProviderError('invalid_request', 'offset: a whole number of 0 or more', HPAY_PROVIDER_ID);
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 500) throw new ProviderError('invalid_request', 'limit: a whole number from 1 to 500', HPAY_PROVIDER_ID);
  return {
    api_key: keys.apiKey,
    public_key: keys.publicKey,
    mode: keys.mode,
    statut: filters.status ?? '',
    date_from: filters.dateFrom ?? '',
    date_to: filters.dateTo ?? '',
    fetch_limit: `${offset},${limit}`,
    transaction_id: filters.transactionId ?? '',
    token,
  };
}

export function toCollectBalanceRequest(keys: HpayKeys, token: string): HpayCollectBalanceRequest {
  return { api_key: keys.apiKey, api_public_key: keys.publicKey, token };
}

// ---------------------------------------------------------------------------------------------
// Answers

/**
 * A major-unit amount (number or string) in minor units, or a ProviderError naming the field:
 * `provider_unavailable` for a read, `outcome_unknown` for the answer to a call that may have
 * created a payment.
 */
export function readAmount(value: number | string, currency: string, field: string, code: ErrorCode = 'provider_unavailable'): number {
  try {
    return toMinorUnits(typeof value === 'string' ? value.trim() : value, currency);
  } catch (error) {
    const reason = error instanceof AmountError ? error.message : String(error);
    throw new ProviderError(code, `HPAY answered an unreadable ${field} (${reason})`, HPAY_PROVIDER_ID);
  }
}

/** The document's `livetime` ("15mn", "900s", "1h") in milliseconds; the documented 15 minutes otherwise. */
export function tokenLifetimeMs(livetime: string | undefined): number {
  const match = /^\s*(\d+)\s*(mn|min|m|s|sec|h)?\s*$/i.exec(livetime ?? '');
  if (!match) return HPAY_TOKEN_LIFETIME_MS;
  const value = Number(match[1]);
  const unit = (match[2] ?? 'mn').toLowerCase();
  const ms = unit.startsWith('s') ? value * 1000 : unit === 'h' ? value * 3_600_000 : value * 60_000;
  return ms > 0 ? ms : HPAY_TOKEN_LIFETIME_MS;
}

export function paymentCreatedToState(response: HpayPaymentResponse): ProviderPaymentState {
  const currency = response.currency.trim().toUpperCase();
  return {
    status: 'pending',
    providerRef: response.transaction_id,
    action: { type: 'redirect', url: response.checkout_url },
    amount: readAmount(response.amount, currency, 'amount', 'outcome_unknown'),
    currency,
    providerStatus: 'UNPAID',
  };
}

export function historyEntryToState(entry: HpayHistoryEntry): ProviderPaymentState {
  const currency = entry.currency.trim().toUpperCase();
  const status = mapHpayStatus(entry.status);
  const state: ProviderPaymentState = {
    status,
    providerRef: entry.transaction_id,
    amount: readAmount(entry.amount, currency, 'amount'),
    currency,
    providerStatus: entry.status,
  };
  // Still payable: the shopper can be sent back to HPAY's page.
  if (status === 'pending' && entry.payment_link) state.action = { type: 'redirect', url: entry.payment_link };
  return state;
}

/** One history row, normalized, for the merchant API. */
export interface HpayTransaction {
  providerRef: string;
  status: PaymentStatus;
  providerStatus: string;
  /** Minor units of `currency`. */
  amount: number;
  fees?: number;
  profit?: number;
  currency: string;
  mode?: string;
  product?: string;
  description?: string;
  paymentUrl?: string;
  /** As HPAY writes it ("2025-11-08 14:42:34"); the document gives no time zone. */
  createdAt?: string;
}

export function historyEntryToTransaction(entry: HpayHistoryEntry): HpayTransaction {
  const currency = entry.currency.trim().toUpperCase();
  const transaction: HpayTransaction = {
    providerRef: entry.transaction_id,
    status: mapHpayStatus(entry.status),
    providerStatus: entry.status,
    amount: readAmount(entry.amount, currency, 'amount'),
    currency,
  };
  const fees = readProviderAmount(entry.fees, currency);
  if (fees !== undefined) transaction.fees = fees;
  const profit = readProviderAmount(entry.profit, currency);
  if (profit !== undefined) transaction.profit = profit;
  if (entry.mode !== undefined) transaction.mode = entry.mode;
  if (entry.product !== undefined) transaction.product = entry.product;
  if (entry.description !== undefined) transaction.description = entry.description;
  if (entry.payment_link !== undefined) transaction.paymentUrl = entry.payment_link;
  if (entry.date_generated !== undefined) transaction.createdAt = entry.date_generated;
  return transaction;
}

/** The collect balance, normalized. Amounts in minor units of `currency`. */
export interface HpayBalance {
  currency: string;
  mainBalance: number;
  profitBalance: number;
  companyName?: string;
  companyContact?: string;
}

export function collectBalanceToBalance(response: HpayCollectBalanceResponse): HpayBalance {
  const currency = response.entreprise_currency.trim().toUpperCase();
  const balance: HpayBalance = {
    currency,
    mainBalance: readAmount(response.main_balance, currency, 'main_balance'),
    profitBalance: readAmount(response.profit_balance, currency, 'profit_balance'),
  };
  if (response.entreprise_name !== undefined) balance.companyName = response.entreprise_name;
  if (response.entreprise_contact !== undefined) balance.companyContact = response.entreprise_contact;
  return balance;
}

export function hpayMethods(): PaymentMethod[] {
  return [
    {
      id: `${HPAY_PROVIDER_ID}:${HPAY_HOSTED_METHOD}`,
      provider: HPAY_PROVIDER_ID,
      name: 'HPAY',
      category: 'wallet',
      fields: [],
      // The payment is made on the checkout_url page we hand to the shopper.
      paidOnProviderPage: true,
    },
  ];
}

/**
 * The transaction id a notification names, if any. The document does not describe the
 * notification, so the usual places are read: `transaction_id` or `ref` (the checkout_url's
 * parameter), in the body or the query string. It is a signal only.
 */
export function readNotification(body: unknown, query: Record<string, unknown>): string | undefined {
  const sources = [body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {}, query];
  for (const source of sources) {
    for (const key of ['transaction_id', 'ref']) {
      const value = source[key];
      if (typeof value === 'string' && /^[A-Za-z0-9_-]{1,100}$/.test(value)) return value;
    }
  }
  return undefined;
}

const SECRET_KEYS = new Set(['api_key', 'api_public_key', 'public_key', 'api_secret_key', 'token']);

/** A copy of an HPAY payload safe to keep: keys and tokens redacted, card-like digits masked. */
export function scrubHpayPayload(value: unknown): unknown {
  return scrubPayload(value, {
    onKey: (key, item) => (SECRET_KEYS.has(key) && typeof item === 'string' ? '[redacted]' : SCRUB),
  });
}
