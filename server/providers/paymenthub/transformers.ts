/**
 * Pure mapping between Payment Hub's wire shapes and the normalized model. No I/O.
 *
 * Transaction status → PaymentStatus (the document's words; case, `_` and `-` are read as the
 * document's lower-case, space-separated words):
 *
 *   Payment Hub Status   PaymentStatus        note
 *   -------------------  -------------------  ------------------------------------------------
 *   initial              requires_action      with a payment_url (the create answer): the shopper must act
 *   initial              pending              without one (a status lookup carries no payment_url)
 *   initial + reason     failed               PaymentFailReason set: the vendor refused to create the invoice
 *   paid                 succeeded
 *   expired              expired              "expired or canceled": the document does not tell them apart
 *   pending refund       refund_pending
 *   partial refund       partially_refunded
 *   full refund          refunded
 *   success refund       refunded /           a refund word in `Status` (the fetch-multiple example):
 *                        partially_refunded    by the refunded total against the amount; with no
 *                                              refund amounts given, refunded in full (below)
 *   failed refund        succeeded / partially_refunded, by the refunded total (the money stays paid)
 *   anything else        pending              never read as final; the word is kept
 *
 * Refund status (a `Refunds` entry, the refund answer): pending refund → pending; success refund →
 * succeeded; failed refund → failed. The refunded total is the sum of the `success refund` stages.
 *
 * `providerStatus` is the Status as Payment Hub wrote it, with PaymentFailReason in brackets.
 *
 * "success refund" with no refund amounts (Refunds null, RefundTotal absent or 0) is a full
 * refund, with refundedAmount the transaction's Amount: the document's word for a partly refunded
 * transaction is "partial refund" ("the refund amount being less than the total transaction
 * amount"), which the same sample uses for the other record; the sample's "success refund" record
 * is ABC11111, the reference of the full-refund request example; and only "paid" or "partial
 * refund" transactions can be refunded again, so the hub would refuse any further stage anyway.
 */
import { readProviderAmount as majorToMinor } from '../../payments/money.js';
import { toMajorNumber } from '../../payments/money.js';
import type { PaymentStatus } from '../../payments/payment-status.js';
import { maskPanLike, SCRUB, scrubPayload } from '../../security/card-masking.js';
import type { CreatePaymentRequest, PaymentAction, PaymentMethod, ProviderPaymentState, SharedPaymentRequest } from '../provider.js';
import {
  PAYMENTHUB_REFUND_STATUSES,
  PAYMENTHUB_TRANSACTION_STATUSES,
  type PaymentHubPaymentGateway,
  type PaymentHubRefundData,
  type PaymentHubRefundEntry,
  type PaymentHubRefundRequest,
  type PaymentHubRefundStatus,
  type PaymentHubSharedPaymentRequest,
  type PaymentHubTransactionRecord,
  type PaymentHubTransactionRequest,
  type PaymentHubTransactionStatus,
  type PaymentHubVendor,
} from './paymenthub-types.js';

export const PAYMENTHUB_PROVIDER_ID = 'paymenthub';

// ---------------------------------------------------------------------------------------------
// Status

function assertNever(value: never): never {
  throw new Error(`unhandled Payment Hub status ${String(value)}`);
}

function known<T extends string>(list: readonly T[], word: string): word is T {
  return (list as readonly string[]).includes(word);
}

/** "PAID", "partial_refund", "Full-Refund" → the document's "paid", "partial refund", "full refund". */
export function normalizeStatusWord(word: string | null | undefined): string {
  return (word ?? '').trim().toLowerCase().replace(/[\s_-]+/g, ' ');
}

export interface PaymentHubStatusReading {
  status: PaymentStatus;
  failure?: { code: 'provider_rejected'; message: string };
}

/**
 * A transaction's Status → ours (see the table above). `refunded` and `amount` (minor units) read
 * the refund words that appear in `Status`; `hasPaymentUrl`: the shopper has a page to pay on.
 */
export function mapPaymentHubTransactionStatus(
  word: string | null | undefined,
  context: { failReason?: string | null; refunded?: number; amount?: number; hasPaymentUrl?: boolean } = {},
): PaymentHubStatusReading {
  const status = normalizeStatusWord(word);
  if (known<PaymentHubTransactionStatus>(PAYMENTHUB_TRANSACTION_STATUSES, status)) {
    switch (status) {
      case 'initial': {
        const reason = (context.failReason ?? '').trim();
        if (reason) return { status: 'failed', failure: { code: 'provider_rejected', message: `The payment page could not be created: ${maskPanLike(reason).slice(0, 200)}` } };
        return { status: context.hasPaymentUrl ? 'requires_action' : 'pending' };
      }
      case 'paid':
        return { status: 'succeeded' };
      case 'expired':
        return { status: 'expired' };
      case 'pending refund':
        return { status: 'refund_pending' };
      case 'partial refund':
        return { status: 'partially_refunded' };
      case 'full refund':
        return { status: 'refunded' };
      default:
        return assertNever(status);
    }
  }
  if (known<PaymentHubRefundStatus>(PAYMENTHUB_REFUND_STATUSES, status)) {
    const refunded = context.refunded ?? 0;
    const whole = context.amount !== undefined && refunded >= context.amount;
    switch (status) {
      case 'pending refund':
        return { status: 'refund_pending' };
      case 'success refund':
        // No refunded amount given: a full refund (see the header).
        return { status: whole || context.refunded === undefined ? 'refunded' : 'partially_refunded' };
      case 'failed refund':
        return { status: refunded > 0 ? (whole ? 'refunded' : 'partially_refunded') : 'succeeded' };
      default:
        return assertNever(status);
    }
  }
  return { status: 'pending' };
}

export type RefundOutcome = 'pending' | 'succeeded' | 'failed';

/** A refund's status word → ours; an unknown word is `pending` (never read as final). */
export function mapPaymentHubRefundStatus(word: string | null | undefined): RefundOutcome {
  const status = normalizeStatusWord(word);
  if (!known<PaymentHubRefundStatus>(PAYMENTHUB_REFUND_STATUSES, status)) return 'pending';
  switch (status) {
    case 'pending refund':
      return 'pending';
    case 'success refund':
      return 'succeeded';
    case 'failed refund':
      return 'failed';
    default:
      return assertNever(status);
  }
}

// ---------------------------------------------------------------------------------------------
// Money


/** What the refund stages add up to, in minor units, by outcome. */
export function refundTotals(refunds: readonly PaymentHubRefundEntry[], currency: string): { succeeded: number; pending: number } {
  let succeeded = 0;
  let pending = 0;
  for (const refund of refunds) {
    const amount = majorToMinor(refund.Amount, currency) ?? 0;
    const outcome = mapPaymentHubRefundStatus(refund.Status);
    if (outcome === 'succeeded') succeeded += amount;
    else if (outcome === 'pending') pending += amount;
  }
  return { succeeded, pending };
}

// ---------------------------------------------------------------------------------------------
// Transactions → state

/**
 * A transaction record → our state. `fallbackCurrency` serves when the record leaves Currency
 * out; `paymentUrl`/`vendorName` rebuild the action while the transaction is still `initial`.
 */
export function transactionToState(
  record: PaymentHubTransactionRecord,
  options: { fallbackCurrency?: string; paymentUrl?: string; vendorName?: string } = {},
): ProviderPaymentState {
  const currency = (record.Currency ?? '').trim().toUpperCase() || options.fallbackCurrency;
  const amount = currency ? majorToMinor(record.Amount, currency) : undefined;
  const given = currency
    ? record.Refunds.length > 0
      ? refundTotals(record.Refunds, currency).succeeded
      : majorToMinor(record.RefundTotal, currency)
    : undefined;
  // "success refund" with no refund amounts is a full refund (see the header).
  const refunded = normalizeStatusWord(record.Status) === 'success refund' && record.Refunds.length === 0 && !given ? amount : given;
  const reading = mapPaymentHubTransactionStatus(record.Status, {
    failReason: record.PaymentFailReason,
    refunded,
    amount,
    hasPaymentUrl: options.paymentUrl !== undefined,
  });
  const state: ProviderPaymentState = { status: reading.status, providerStatus: statusWords(record.Status, record.PaymentFailReason) };
  if (record.ID) state.providerRef = record.ID;
  if (amount !== undefined) state.amount = amount;
  if (currency) state.currency = currency;
  if (refunded !== undefined && refunded > 0) state.refundedAmount = refunded;
  if (reading.failure) state.failure = reading.failure;
  if (reading.status === 'requires_action' && options.paymentUrl) state.action = paymentUrlAction(options.paymentUrl, options.vendorName);
  return state;
}

/** The create answer → our state: the shopper pays on `payment_url`. */
export function transactionCreatedToState(paymentUrl: string, request: { amount: number; currency: string }, vendorName?: string): ProviderPaymentState {
  return {
    status: 'requires_action',
    action: paymentUrlAction(paymentUrl, vendorName),
    amount: request.amount,
    currency: request.currency,
    providerStatus: 'initial',
  };
}

function statusWords(status: string | null | undefined, reason: string | null | undefined): string {
  const head = (status ?? '-').trim() || '-';
  const words = (reason ?? '').trim();
  return words ? `${head} (${maskPanLike(words).slice(0, 200)})` : head;
}

/** Stripe's page must open top-level (the document); every other vendor's page may be framed. */
export function isTopLevelVendor(vendorName: string | null | undefined): boolean {
  return /stripe/i.test(vendorName ?? '');
}

export function paymentUrlAction(paymentUrl: string, vendorName: string | null | undefined): PaymentAction {
  return isTopLevelVendor(vendorName) ? { type: 'redirect', url: paymentUrl } : { type: 'iframe', url: paymentUrl };
}

// ---------------------------------------------------------------------------------------------
// Methods

/**
 * Our method code: `<gateway ID>` for a vendor page with all its methods, `<gateway ID>.<METHOD>`
 * for one method. Gateway IDs are hex ObjectIds and method codes never hold a dot.
 */
export function methodCodeOf(gatewayId: string, paymentMethod?: string): string {
  return paymentMethod ? `${gatewayId}.${paymentMethod}` : gatewayId;
}

export function parseMethodCode(code: string): { gatewayId: string; paymentMethod?: string } {
  const dot = code.indexOf('.');
  if (dot < 0) return { gatewayId: code };
  return { gatewayId: code.slice(0, dot), paymentMethod: code.slice(dot + 1) || undefined };
}

const METHOD_NAMES: Record<string, string> = {
  CREDIT_CARD: 'Credit card',
  CC: 'Credit card',
  ALL: 'All payment methods',
  QRIS: 'QRIS',
  OVO: 'OVO',
  DANA: 'DANA',
  SHOPEEPAY: 'ShopeePay',
  LINKAJA: 'LinkAja',
  JENIUSPAY: 'Jenius Pay',
  GCASH: 'GCash',
  PAYMAYA: 'Maya',
  GRABPAY: 'GrabPay',
  PROMPTPAY: 'PromptPay',
  ALFAMART: 'Alfamart',
  INDOMARET: 'Indomaret',
  '7ELEVEN': '7-Eleven',
  KREDIVO: 'Kredivo',
  AKULAKU: 'Akulaku',
  ATOME: 'Atome',
  UANGME: 'UangMe',
  BILLEASE: 'BillEase',
  CASHALO: 'Cashalo',
  CEBUANA: 'Cebuana Lhuillier',
  BCA: 'BCA virtual account',
  BNI: 'BNI virtual account',
  BSI: 'BSI virtual account',
  BRI: 'BRI virtual account',
  MANDIRI: 'Mandiri virtual account',
  PERMATA: 'Permata virtual account',
  SAHABAT_SAMPOERNA: 'Bank Sahabat Sampoerna virtual account',
  BNC: 'BNC virtual account',
  DD_BRI: 'BRI direct debit',
  DD_BCA_KLIKPAY: 'BCA KlikPay',
  DD_BPI: 'BPI direct debit',
  DD_UBP: 'UnionBank direct debit',
  DD_RCBC: 'RCBC direct debit',
  DD_BDO_EPAY: 'BDO ePay',
  DP_MLHUILLIER: 'M Lhuillier',
  DP_PALAWAN: 'Palawan Express',
  DP_ECPAY_LOAN: 'ECPay',
  PAYPAL: 'PayPal',
  ALIPAY: 'Alipay',
  TENPAY: 'Tenpay',
  AMEX: 'American Express',
  MASTER: 'Mastercard',
  VISA: 'Visa',
  JCB: 'JCB',
  DINERS: 'Diners Club',
  UPOP: 'UnionPay',
  UNIONPAY: 'UnionPay',
  M2U: 'Maybank2u',
  CIMBCLICK: 'CIMB Clicks',
  OCTOPUS: 'Octopus',
  IBANKING: 'Internet banking',
  WECHATPAY: 'WeChat Pay',
  PAYPAY: 'PayPay',
  LINEPAY: 'LINE Pay',
  KAKAOPAY: 'KakaoPay',
  NAVERPAY: 'Naver Pay',
  KONBINI: 'Konbini',
  BANK_TRANSFER: 'Bank transfer',
  PAY_EASY: 'Pay-easy',
  ALIPAY_HK: 'AlipayHK',
  TNG: "Touch 'n Go",
  AMAZON_PAY: 'Amazon Pay',
  CREDIT_CARD_KOREA: 'Credit card (Korea)',
  CREDIT_CARD_BRAZIL: 'Credit card (Brazil)',
};

/** A readable name for a vendor's method code: the table above, else the code in words. */
export function paymentMethodName(code: string): string {
  const named = METHOD_NAMES[code.toUpperCase()];
  if (named) return named;
  const words = code
    .split(/[_\s]+/)
    .filter(Boolean)
    .map((word) => (word.length <= 3 || (/^[A-Z0-9]+$/.test(word) && word.length <= 4) ? word.toUpperCase() : word[0]!.toUpperCase() + word.slice(1).toLowerCase()));
  return words.join(' ') || code;
}

const CARD_CODES = /^(CREDIT_CARD.*|CC|VISA|MASTER|JCB|AMEX|DINERS|UPOP|UNIONPAY|ALL)$/i;
const WALLET_CODES =
  /^(OVO|DANA|SHOPEEPAY|LINKAJA|JENIUSPAY|GCASH|PAYMAYA|GRABPAY|GRABPAYOTP|PAYPAL|ALIPAY.*|TENPAY|WECHATPAY|PAYPAY|LINEPAY|KAKAOPAY|NAVERPAY|MERPAY|RAKUTENPAY|TNG|TRUEMONEY|AMAZON_PAY|DOKU_WALLET|OCTOPUS|PAYCO|TOSS)$/i;
const BANK_CODES =
  /^(BCA|BNI|BSI|BRI|MANDIRI|PERMATA|SAHABAT_SAMPOERNA|BNC|DD_.*|BANK_TRANSFER|IBANKING|M2U|CIMBCLICK|SCB|KTB|UOB|KRUNGSRIONLINE|TMB|FPX|IDEAL|GIROPAY|EPS|SOFORTBANKING|PRZELEWY24|BLIK|MYBANK|POLI|PAY_EASY|PROMPTPAY|QRIS|PIX)$/i;

export function paymentMethodCategory(code: string | undefined): PaymentMethod['category'] {
  if (!code) return 'alternative';
  if (CARD_CODES.test(code)) return 'card';
  if (WALLET_CODES.test(code)) return 'wallet';
  if (BANK_CODES.test(code)) return 'bank';
  return 'alternative';
}

/**
 * Methods that exist in one country's currency only. The vendor list gives a vendor's methods and
 * its currencies but not which method takes which currency, so Xendit's Philippine wallets would
 * be offered for rupiah. Only methods known to be local are filtered; any other is kept.
 */
const LOCAL_METHOD_CURRENCY: Record<string, string> = Object.fromEntries([
  ...['BCA', 'BNI', 'BSI', 'BRI', 'MANDIRI', 'PERMATA', 'SAHABAT_SAMPOERNA', 'BNC', 'ALFAMART', 'INDOMARET', 'OVO', 'DANA', 'LINKAJA', 'JENIUSPAY', 'DD_BRI', 'DD_BCA_KLIKPAY', 'KREDIVO', 'AKULAKU', 'UANGME', 'QRIS'].map((code) => [code, 'IDR']),
  ...['7ELEVEN', 'CEBUANA', 'DD_BPI', 'DD_UBP', 'DD_RCBC', 'DD_BDO_EPAY', 'DP_MLHUILLIER', 'DP_PALAWAN', 'DP_ECPAY_LOAN', 'PAYMAYA', 'GCASH', 'BILLEASE', 'CASHALO'].map((code) => [code, 'PHP']),
  ['PROMPTPAY', 'THB'],
]);

/** Whether a vendor's method may take the currency: yes unless it is known to be another country's. */
export function payableIn(method: string, currency: string): boolean {
  const local = LOCAL_METHOD_CURRENCY[method.toUpperCase()];
  return local === undefined || local === currency.toUpperCase();
}

/** A gateway's vendor: its own `vendor_payment_gateway`, else the vendor list's entry of that name. */
export function vendorOfGateway(gateway: PaymentHubPaymentGateway, vendors: readonly PaymentHubVendor[]): PaymentHubVendor | undefined {
  const own = gateway.vendor_payment_gateway;
  const listed = own ? vendors.find((vendor) => vendor.Name.toLowerCase() === own.Name.toLowerCase()) : undefined;
  if (own && (own.Currency.length > 0 || own.PaymentMethod.length > 0 || !listed)) return own;
  return listed ?? own ?? undefined;
}

/**
 * The client's gateways → methods for a currency. A vendor whose `Currency` does not list the
 * currency is left out (an empty list too: Reddot's, which says nothing). A vendor with methods
 * gives one method each (repeats dropped); one without (Stripe, Omise...) gives one method: its
 * page with everything it offers, named after the vendor. When two vendors offer the same method,
 * each name says which vendor.
 */
export function gatewaysToPaymentMethods(input: {
  gateways: readonly PaymentHubPaymentGateway[];
  vendors: readonly PaymentHubVendor[];
  currency: string;
  /** PAYMENTHUB_PAYMENT_VENDOR: only this gateway when set. */
  onlyGatewayId?: string;
}): PaymentMethod[] {
  const currency = input.currency.toUpperCase();
  const entries: { code: string; method?: string; vendor: string }[] = [];
  const seen = new Set<string>();
  for (const gateway of input.gateways) {
    if (input.onlyGatewayId && gateway.ID !== input.onlyGatewayId) continue;
    const vendor = vendorOfGateway(gateway, input.vendors);
    if (!vendor || !vendor.Currency.some((code) => code.toUpperCase() === currency)) continue;
    const forCurrency = vendor.PaymentMethod.filter((method) => payableIn(method, currency));
    const methods = vendor.PaymentMethod.length > 0 ? forCurrency : [undefined];
    for (const method of methods) {
      const code = methodCodeOf(gateway.ID, method);
      if (seen.has(code)) continue;
      seen.add(code);
      entries.push({ code, method, vendor: vendor.Name });
    }
  }
  const names = entries.map((entry) => (entry.method ? paymentMethodName(entry.method) : entry.vendor));
  return entries.map((entry, index) => {
    const name = names[index]!;
    const shared = names.filter((other) => other === name).length > 1;
    return {
      id: `${PAYMENTHUB_PROVIDER_ID}:${entry.code}`,
      provider: PAYMENTHUB_PROVIDER_ID,
      name: shared && entry.method ? `${name} (${entry.vendor})` : name,
      category: paymentMethodCategory(entry.method),
      fields: [],
      // A new transaction is `initial`: "just been created and the payment process has not yet been
      // carried out". The shopper pays on the vendor's page at its payment_url.
      paidOnProviderPage: true,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Locale

function localeParts(locale: string): { language: string; rest: string[] } {
  const parts = locale.trim().toLowerCase().replace(/_/g, '-').split('-').filter(Boolean);
  return { language: parts[0] ?? '', rest: parts.slice(1) };
}

// Chinese regions and scripts that mean the same written form.
const TRADITIONAL = new Set(['hant', 'tw', 'hk', 'mo']);
const SIMPLIFIED = new Set(['hans', 'cn', 'sg', 'my']);

/**
 * The vendor's `Lang` entry closest to the shopper's locale, as the vendor spells it: the same
 * locale; else the same language with a matching region or script (zh-TW ↔ zh-hant / zh_TW);
 * else the same language alone ("en" for "en-AU"); else the same language in any region; else
 * English; else undefined (Payment Hub's default, English).
 */
export function closestVendorLang(vendorLangs: readonly string[], shopperLocale: string): string | undefined {
  const shopper = localeParts(shopperLocale);
  const candidates = vendorLangs.map((lang) => ({ lang, ...localeParts(lang) }));
  const sameLanguage = candidates.filter((candidate) => candidate.language === shopper.language);
  const exact = sameLanguage.find((candidate) => candidate.rest.join('-') === shopper.rest.join('-'));
  if (exact) return exact.lang;
  const family = (rest: string[]) => (rest.some((part) => TRADITIONAL.has(part)) ? 'hant' : rest.some((part) => SIMPLIFIED.has(part)) ? 'hans' : undefined);
  const shopperRegion = shopper.rest.find((part) => part.length === 2);
  const byRegion = sameLanguage.find((candidate) => shopperRegion !== undefined && candidate.rest.includes(shopperRegion));
  if (byRegion) return byRegion.lang;
  const shopperFamily = family(shopper.rest);
  const byFamily = shopperFamily ? sameLanguage.find((candidate) => family(candidate.rest) === shopperFamily) : undefined;
  if (byFamily) return byFamily.lang;
  const bare = sameLanguage.find((candidate) => candidate.rest.length === 0);
  if (bare) return bare.lang;
  if (sameLanguage[0]) return sameLanguage[0].lang;
  if (shopper.language !== 'en') return closestVendorLang(vendorLangs, 'en');
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Requests

export interface TransactionRequestOptions {
  /** The gateway's `ID` (payment_vendor) and, unless the vendor page offers all, one method. */
  gatewayId: string;
  paymentMethod?: string;
  /** The vendor's `Lang` list, to pick `lang` from. */
  vendorLangs: readonly string[];
  /** The proxy's webhook URL for this payment (Payment Hub calls it with GET, as a signal). */
  webhookUrl: string;
  /** How long the transaction, and its link, may be paid; 60 minutes by default. */
  expiresInMinutes?: number;
  linkExpiresInMinutes?: number;
}

/** A name in two parts: the last word is the last name. */
export function splitName(name: string | undefined): { first?: string; last?: string } {
  const words = (name ?? '').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return {};
  if (words.length === 1) return { first: words[0] };
  return { first: words.slice(0, -1).join(' '), last: words[words.length - 1] };
}

/**
 * POST /api/v1/transactions. `amount` is what the shopper pays, so `service_charge` is 0 (it is
 * mandatory, and Payment Hub adds it to the total). The cancel URL is our fail return: the status
 * lookup after it tells what happened.
 */
export function toTransactionRequest(request: CreatePaymentRequest, options: TransactionRequestOptions): PaymentHubTransactionRequest {
  const name = splitName(request.customer?.name);
  const lang = closestVendorLang(options.vendorLangs, request.locale);
  const body: PaymentHubTransactionRequest = {
    merchant_ref_code: request.paymentId,
    amount: toMajorNumber(request.amount, request.currency),
    service_charge: 0,
    description: request.description?.trim() || `Payment ${request.paymentId}`,
    currency: request.currency,
    payment_vendor: options.gatewayId,
    send_email: false,
    enable_3d_secure: request.threeDSecure ?? true,
    payment_link_type: 'direct',
    webhook_url: options.webhookUrl,
    success_redirect_url: request.returnUrls.success,
    failed_redirect_url: request.returnUrls.fail,
    cancel_redirect_url: request.returnUrls.fail,
    expires_in_minutes: Math.max(1, Math.round(options.expiresInMinutes ?? 60)),
    link_expires_in_minutes: Math.max(1, Math.round(options.linkExpiresInMinutes ?? options.expiresInMinutes ?? 60)),
  };
  if (name.first) body.first_name = name.first;
  if (name.last) body.last_name = name.last;
  if (request.customer?.phone) body.mobile = request.customer.phone;
  if (request.customer?.email) body.email = request.customer.email;
  if (options.paymentMethod) body.payment_method = [options.paymentMethod];
  if (lang) body.lang = lang;
  return body;
}

/**
 * POST /api/v1/shared-payment/initialize: the options (already resolved to the client's gateway
 * ids) and the payment's details. The session's amount is the founding one; `amounts` are the
 * multi-currency values (`mcp_rate`), sent with `mcp` true when there are any.
 */
export function toSharedPaymentRequest(
  request: SharedPaymentRequest,
  options: { paymentMethod: PaymentHubSharedPaymentRequest['payment_method']; vendorLangs: readonly string[]; expiresInMinutes?: number },
): PaymentHubSharedPaymentRequest {
  const name = splitName(request.customer?.name);
  const lang = closestVendorLang(options.vendorLangs, request.locale);
  const detail: PaymentHubSharedPaymentRequest['payment_detail'] = {
    merchant_ref_code: request.paymentId,
    external_id: request.orderId,
    source_request: 'pay-checkout',
    amount: {
      mcp: request.page.amounts.length > 0,
      founding_currency: request.currency,
      value: toMajorNumber(request.amount, request.currency),
      mcp_rate: request.page.amounts.map((entry) => ({ currency: entry.currency, value: toMajorNumber(entry.amount, entry.currency) })),
    },
    description: request.description?.trim() || `Payment ${request.paymentId}`,
    webhook_url: request.callbackUrl,
    success_redirect_url: request.returnUrls.success,
    failed_redirect_url: request.returnUrls.fail,
    cancel_redirect_url: request.returnUrls.fail,
    expires_in_minutes: Math.max(1, Math.round(options.expiresInMinutes ?? 60)),
  };
  if (request.page.guestLocation) detail.guest_location = request.page.guestLocation;
  if (request.page.hotelLocation) detail.hotel_location = request.page.hotelLocation;
  if (name.first) detail.first_name = name.first;
  if (name.last) detail.last_name = name.last;
  if (request.customer?.phone) detail.mobile = request.customer.phone;
  if (request.customer?.email) detail.email = request.customer.email;
  if (lang) detail.lang = lang;
  return { payment_method: options.paymentMethod, payment_detail: detail };
}

/** POST /api/v1/transactions/refund. Without an amount, a full refund of what remains. */
export function toRefundRequest(paymentId: string, reason: string, amount?: { minor: number; currency: string }): PaymentHubRefundRequest {
  const body: PaymentHubRefundRequest = { merchant_ref_code: paymentId, reason: reason.trim() || 'Refund' };
  if (amount) body.amount = toMajorNumber(amount.minor, amount.currency);
  return body;
}

/** The refund answer: its outcome and amount (minor units). */
export function readRefundAnswer(data: PaymentHubRefundData, currency: string): { outcome: RefundOutcome; amount?: number } {
  const amount = majorToMinor(data.amount, currency);
  return amount === undefined ? { outcome: mapPaymentHubRefundStatus(data.status) } : { outcome: mapPaymentHubRefundStatus(data.status), amount };
}

// ---------------------------------------------------------------------------------------------
// Scrubbing

const SECRET_KEY = /^(token|refreshtoken|refresh_token|access_token|authorization|credential|credentials|merchant_key|secret_key|public_key|publishable_key|merchant_api_password|password|access_key|cub_key|channel_secret)$/i;

/** A copy of a Payment Hub payload safe to keep: tokens and vendor credentials redacted, card-like digits masked. */
export function scrubPaymentHubPayload(value: unknown): unknown {
  return scrubPayload(value, {
    onKey(key, item) {
      if (SECRET_KEY.test(key)) return item == null || item === '' ? item : '[redacted]';
      return SCRUB;
    },
  });
}
