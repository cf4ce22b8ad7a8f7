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
  refund?(lookup: PaymentLookup, amount: number, currency: string, reason: string): Promise<ProviderPaymentState>;
  capture?(lookup: PaymentLookup, amount: number, currency: string): Promise<ProviderPaymentState>;
  cancel?(lookup: PaymentLookup): Promise<ProviderPaymentState>;
}
