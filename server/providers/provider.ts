import type { PaymentStatus } from '../payments/payment-status.js';

/**
 * The seam between the proxy and a payment provider. Nothing outside `server/providers/<id>/`
 * knows a provider's field names: adapters take and return these normalized shapes only.
 */

export type ProviderId = 'milkypay' | 'paymenthub' | 'directcard' | 'hankopay' | 'hpay';

/** An extra input a method needs from the shopper (MilkyPay's service `fields`, for example). */
export interface MethodField {
  key: string;
  label: string;
  hint?: string;
  example?: string;
  /** A JavaScript regular expression source the value must match. */
  pattern?: string;
  required: boolean;
  type: 'string';
}

/** One way to pay, as the element lists it. Amount limits are in minor units of the session currency. */
export interface PaymentMethod {
  /** `<provider>:<provider's own code>`, stable for the life of the session. */
  id: string;
  provider: ProviderId;
  name: string;
  category: 'card' | 'wallet' | 'bank' | 'alternative';
  logoUrl?: string;
  iconUrl?: string;
  minAmount?: number;
  maxAmount?: number;
  fields: MethodField[];
  /** The element takes the card details (number, expiry, security code, name) for this method. */
  cardEntry?: boolean;
  /** The provider offers installments for some cards: the element asks once it knows the card's prefix. */
  installments?: boolean;
  /**
   * Money can move only once the shopper acts on the page (or details) the pay answer hands over:
   * the provider takes nothing at creation. Set by the adapter only where its document says so,
   * and on a shared payment page, where the shopper has not even chosen a method yet. It lets the
   * proxy call the provider while the new payment is flushed to disk (the answer still waits for
   * the flush). Absent: the payment is on disk before the provider is called.
   */
  paidOnProviderPage?: boolean;
}

/** What the shopper must do next. Exactly one per payment step. */
export type PaymentAction =
  | { type: 'redirect'; url: string }
  | { type: 'iframe'; url: string }
  | { type: 'form'; action: string; method: 'GET' | 'POST'; fields: Record<string, string> }
  | { type: 'html'; url: string };

export interface Customer {
  reference?: string;
  name?: string;
  email?: string;
  phone?: string;
}

export interface Address {
  country?: string;
  region?: string;
  city?: string;
  street?: string;
  postCode?: string;
  fullAddress?: string;
}

/**
 * Card data as the shopper typed it, for providers that take cards server-side (directcard).
 * It passes through memory only: never a log line, a stored row, an error message or a file.
 * What may be kept is what the provider returns masked (`ProviderPaymentState.card`).
 */
export interface CardDetails {
  /** Digits; adapters drop spaces and dashes. */
  number: string;
  /** "04" or "4". */
  expiryMonth: string;
  /** "28" or "2028". */
  expiryYear: string;
  securityCode: string;
  holderName: string;
}

/** One installment plan a provider offers for a card and an amount. Amounts are minor units. */
export interface InstallmentOption {
  /** Number of installments (2, 3, 6...). */
  count: number;
  installmentAmount: number;
  /** What the shopper pays in total, interest included. */
  totalAmount: number;
  currency: string;
  /** Total interest, in minor units, where the provider reports it. */
  interestAmount?: number;
  /** Interest rate in percent, only where the provider gives one (never derived). */
  interestRate?: number;
}

/**
 * Hosted checkout links (directcard's /api/checkout) are payments like any other: the adapter
 * creates them in `createPayment` (their own method code) and answers `pending` with a
 * `redirect` action to the provider's page; the provider's callback names the checkout, which
 * `readCallback` turns into a lookup and `getPayment` reads back. No separate
 * `createHostedCheckout`/`readHostedCheckout` pair is needed: a hosted page is exactly what
 * MilkyPay's `hpp_url` already is, so the same state machine, return route, idempotency and
 * reconciler serve it, and the element needs no new action type.
 *
 * 3-D Secure return URLs: the provider's browser post after 3-D Secure (directcard's
 * `successUrl`/`failureUrl`) goes to `challengeReturnUrls` when the caller sets it, else to
 * `returnUrls.success` / `returnUrls.fail`. Either way the URL must name our payment (the
 * post itself carries only the provider's ids), and the route behind it hands the posted form
 * fields to `completeChallenge`, which is what completes the payment, never the URL it came to.
 */
export interface CreatePaymentRequest {
  /** Our unique payment reference; adapters send it as the provider's merchant reference. */
  paymentId: string;
  /** The provider's own method code (the part after `<provider>:`). */
  methodCode: string;
  fields: Record<string, string>;
  amount: number;
  currency: string;
  description?: string;
  customer?: Customer;
  billingAddress?: Address;
  locale: string;
  shopperIp?: string;
  /** Where the shopper's browser comes back to on the proxy, per outcome. */
  returnUrls: { success: string; fail: string; pending: string };
  /** Where the provider posts its callbacks, on the proxy. */
  callbackUrl: string;
  /** Card data, for card methods that take it server-side. Memory only (see CardDetails). */
  card?: CardDetails;
  /** Installment count the shopper chose (absent or 1: a single payment); only a count the provider offered. */
  installments?: number;
  /** `manual` is a pre-authorization, captured later with `capture`; `automatic` (the default) charges at once. */
  captureMode?: 'automatic' | 'manual';
  /** Ask for 3-D Secure (true), or a payment without it (false); absent: the adapter's default. */
  threeDSecure?: boolean;
  /** The TCP port the shopper's request came from, as the proxy saw it (directcard's requestPort). */
  shopperPort?: number;
  /**
   * Where the provider's 3-D Secure form post lands, per outcome, on the proxy. Optional: without
   * it adapters use `returnUrls.success` / `returnUrls.fail` (see the note above CreatePaymentRequest).
   */
  challengeReturnUrls?: { success: string; failure: string };
}

/**
 * A shared payment page (Payment Hub): one payment link over several methods, each with its label,
 * vendor and currency, and the amount in other currencies than the session's. Amounts: minor units.
 */
export interface SharedPaymentPage {
  options: { label: string; method?: string; vendor?: string; currency?: string }[];
  amounts: { currency: string; amount: number }[];
  guestLocation?: string;
  hotelLocation?: string;
}

/** The method code (after `<provider>:`) under which a session's shared payment page is offered. */
export const SHARED_PAGE_METHOD_CODE = 'shared-page';

/** A shared payment page to initialize: the payment's request, without a method, plus the page. */
export type SharedPaymentRequest = Omit<CreatePaymentRequest, 'methodCode' | 'fields' | 'card' | 'installments' | 'captureMode' | 'challengeReturnUrls'> & {
  orderId: string;
  page: SharedPaymentPage;
};

/** One entry of a provider's error log about a payment (Payment Hub's transaction log), scrubbed. */
export interface ProviderErrorLogEntry {
  at?: string;
  service?: string;
  action?: string;
  code?: string;
  message: string;
}

/** The provider's view of a payment, normalized. */
export interface ProviderPaymentState {
  status: PaymentStatus;
  /** The provider's id for the payment (invoice id, transaction id...). */
  providerRef?: string;
  action?: PaymentAction;
  /** The payment's amount (minor units) and currency as the provider holds them, where it reports them. */
  amount?: number;
  currency?: string;
  /** Refunded amount so far, in minor units, where the provider reports it. */
  refundedAmount?: number;
  failure?: { code: string; message: string };
  /** The provider's status words, kept in the event history for support. */
  providerStatus?: string;
  /**
   * 3-D Secure markup from the provider, to show the shopper (with status `requires_action`).
   * The proxy serves it as a page of its own origin and builds the `html` action pointing there;
   * the adapter never builds a URL for it. Not to be stored beyond the challenge's life.
   */
  challengeHtml?: string;
  /** The card as the provider returns it, masked (first six, last four), with its scheme and type. */
  card?: { mask: string; brand?: string; type?: string };
  /**
   * For a capture: the amount (minor units) the provider reports as captured, which may be less
   * than the authorized `amount`. Capture answers leave `amount` unset for that reason.
   */
  capturedAmount?: number;
}

/** The form fields a provider posted to a 3-D Secure return URL (directcard: paymentId, securityKey). */
export interface ChallengeReturnInput {
  fields: Record<string, string>;
}

/** A lookup key for a payment at the provider: its own id when we have it, else our reference. */
export interface PaymentLookup {
  paymentId: string;
  providerRef?: string;
}

export interface CallbackInput {
  /** Our payment id when the callback URL carries it. */
  paymentId?: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  query: Record<string, unknown>;
}

/**
 * One transaction in a provider's history (HankoPay's GET /transactions), normalized. Amounts are
 * minor units. `paymentId` is the provider's merchant reference, which is our payment id for
 * payments the proxy made.
 */
export interface ProviderTransactionSummary {
  providerRef: string;
  paymentId?: string;
  status: PaymentStatus;
  providerStatus?: string;
  amount?: number;
  currency?: string;
  createdAt?: string;
}

/** A page of the provider's transaction history, with its pagination as the provider reports it. */
export interface ProviderTransactionPage {
  transactions: ProviderTransactionSummary[];
  page: number;
  limit: number;
  /** Where the provider counts them (HankoPay does; HPAY's history does not). */
  total?: number;
  pages?: number;
}

/**
 * A payout from the merchant's wallet at the provider (HankoPay's POST /payouts). `amount` is in
 * minor units. The card, where given, passes through memory only, like `CardDetails`.
 */
export interface PayoutRequest {
  /** Our unique payout reference; adapters send it as the provider's order reference. */
  payoutId: string;
  amount: number;
  currency: string;
  beneficiary: { firstName: string; lastName?: string; email?: string; phone?: string; ipAddress?: string };
  billingAddress?: Address;
  /** Where the money goes, in the provider's own keys (HankoPay: `walletId`). */
  destination: Record<string, string>;
  /** The payout card fields: number and expiry only. */
  card?: { number: string; expiryMonth: string; expiryYear: string };
  /** Where the provider posts the payout's callbacks, on the proxy. */
  callbackUrl?: string;
}

export interface PayoutState {
  payoutId: string;
  /** The provider's id for the payout. */
  providerRef?: string;
  status: 'pending' | 'succeeded' | 'failed';
  providerStatus?: string;
  /** A page the beneficiary must visit, where the provider gives one. */
  payoutLink?: string;
  createdAt?: string;
}

/** One wallet of the merchant at the provider; `amount` in minor units of its currency. */
export interface WalletBalance {
  walletId?: string;
  currency: string;
  amount: number;
  paymentMethod?: string;
  status?: string;
}

/** The provider's stored record of a payment, scrubbed of card data, beside its normalized state. */
export interface ProviderPaymentDetails {
  state: ProviderPaymentState;
  record: unknown;
}

export interface ProviderCapabilities {
  refund: boolean;
  capture: boolean;
  cancel: boolean;
  installments: boolean;
}

export interface PaymentProvider {
  readonly id: ProviderId;
  readonly capabilities: ProviderCapabilities;
  /** Methods for a currency, with names in (or close to) the locale. Not filtered by amount. */
  listMethods(query: { currency: string; locale: string }): Promise<PaymentMethod[]>;
  createPayment(request: CreatePaymentRequest): Promise<ProviderPaymentState>;
  /** The authoritative state, asked of the provider. */
  getPayment(lookup: PaymentLookup): Promise<ProviderPaymentState>;
  /**
   * Reads a callback as a signal only: returns which payment it is about. The caller then
   * asks `getPayment`; a callback's own status words are never trusted.
   */
  readCallback(input: CallbackInput): PaymentLookup | undefined;
  /**
   * One cheap call that needs the credentials (readiness): rejects with ProviderError
   * `authentication_failed` when the provider refuses them. Absent: nothing cheap can tell.
   */
  checkCredentials?(): Promise<void>;
  refund?(lookup: PaymentLookup, amount: number, currency: string, reason: string): Promise<ProviderPaymentState>;
  capture?(lookup: PaymentLookup, amount: number, currency: string): Promise<ProviderPaymentState>;
  cancel?(lookup: PaymentLookup): Promise<ProviderPaymentState>;
  /** Installment plans the provider offers for a card (its first digits) and an amount in minor units. */
  installmentOptions?(query: { bin: string; amount: number; currency: string }): Promise<InstallmentOption[]>;
  /**
   * Completes 3-D Secure from the provider's form post to a challenge return URL, and returns the
   * payment's state after it. A post that names another payment, lacks its key, or that the
   * provider refuses (wrong key, a second use) raises a ProviderError and changes nothing.
   */
  completeChallenge?(lookup: PaymentLookup, input: ChallengeReturnInput): Promise<ProviderPaymentState>;
  /**
   * Whether `getPayment` can ask the provider about this payment. Absent means always. directcard
   * documents a lookup for hosted checkouts only: its card payments are known from the answers to
   * create, capture and 3-D Secure completion, so polling them is pointless.
   */
  hasStatusLookup?(lookup: PaymentLookup): boolean;
  /**
   * The provider's record of a payment (scrubbed) with its state: the merchant API's "details".
   * Optional: HankoPay documents GET /transactions/:id.
   */
  paymentDetails?(lookup: PaymentLookup): Promise<ProviderPaymentDetails>;
  /** A page of the merchant's transaction history at the provider, newest first where it says so (HankoPay). */
  listTransactions?(query: { page: number; limit: number }): Promise<ProviderTransactionPage>;
  /**
   * Sends a payout from the merchant's wallet (HankoPay). A wallet short in that currency is
   * refused with a ProviderError naming the balance and the amount; nothing is sent then.
   */
  createPayout?(request: PayoutRequest): Promise<PayoutState>;
  /** The merchant's wallet balances at the provider (HankoPay). */
  walletBalances?(): Promise<WalletBalance[]>;
  /**
   * The states of several payments in one call (Payment Hub's fetch-multiple), for reconciliation.
   * Payments the provider does not know are absent from the answer.
   */
  getPayments?(lookups: readonly PaymentLookup[]): Promise<Map<string, ProviderPaymentState>>;
  /** The provider's error log entries about a payment (Payment Hub), for a failed payment's view. */
  errorLog?(lookup: PaymentLookup): Promise<ProviderErrorLogEntry[]>;
  /** Whether the provider's credentials work, for the health check (Payment Hub: a refused refresh token). */
  credentialsStatus?(): { ok: boolean; message?: string };
  /** Initializes a shared payment page over several methods (Payment Hub); answers its link as the action. */
  createSharedPayment?(request: SharedPaymentRequest): Promise<ProviderPaymentState>;
}
