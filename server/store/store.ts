import type { PaymentStatus } from '../payments/payment-status.js';
import type { Address, Customer, PaymentAction, ProviderId } from '../providers/provider.js';

/**
 * The storage interface. Every method is async so that a PostgreSQL implementation can
 * satisfy it without touching callers. Amounts are integer minor units; timestamps are
 * ISO-8601 strings in UTC. Card data never reaches this layer except masked.
 */

export interface SessionRecord {
  id: string;
  orderId: string;
  amount: number;
  currency: string;
  provider?: ProviderId;
  description?: string;
  customer?: Customer;
  billingAddress?: Address;
  returnUrl: string;
  locale: string;
  createdAt: string;
  expiresAt: string;
}

export interface MaskedCard {
  /** First six and last four digits, the rest masked: `411111******1111`. */
  mask: string;
  brand?: string;
}

export interface PaymentRecord {
  id: string;
  sessionId: string;
  orderId: string;
  provider: ProviderId;
  methodId: string;
  amount: number;
  currency: string;
  status: PaymentStatus;
  providerRef?: string;
  action?: PaymentAction;
  idempotencyKey?: string;
  refundedAmount: number;
  card?: MaskedCard;
  failure?: { code: string; message: string };
  createdAt: string;
  updatedAt: string;
}

export type PaymentEventType = 'created' | 'status_changed' | 'action_required' | 'provider_error';

export interface PaymentEvent {
  id: number;
  paymentId: string;
  type: PaymentEventType;
  fromStatus?: PaymentStatus;
  toStatus?: PaymentStatus;
  /** Where the change came from: `pay`, `callback`, `return`, `poll`, `reconcile`, `merchant`. */
  source: string;
  detail?: Record<string, unknown>;
  at: string;
}

export type NewPayment = Omit<PaymentRecord, 'createdAt' | 'updatedAt' | 'refundedAmount' | 'status'> & {
  status?: PaymentStatus;
};

/** Fields that may change without a status change. */
export type PaymentPatch = Partial<Pick<PaymentRecord, 'providerRef' | 'action' | 'refundedAmount' | 'failure' | 'card'>>;

export type NewEvent = Omit<PaymentEvent, 'id' | 'paymentId' | 'at'>;

export interface Store {
  createSession(session: SessionRecord): Promise<void>;
  getSession(id: string): Promise<SessionRecord | undefined>;

  /**
   * Inserts a payment and its `created` event. When the session already has a payment under the
   * same idempotency key, nothing is inserted and that payment is returned with `created: false`.
   */
  createPayment(payment: NewPayment): Promise<{ payment: PaymentRecord; created: boolean }>;
  getPayment(id: string): Promise<PaymentRecord | undefined>;
  listPaymentsByOrder(orderId: string): Promise<PaymentRecord[]>;
  listPaymentsBySession(sessionId: string): Promise<PaymentRecord[]>;

  /** Updates fields and appends an event, in one transaction. */
  updatePayment(id: string, patch: PaymentPatch, event?: NewEvent): Promise<PaymentRecord>;

  /**
   * Moves a payment from `from` to `to` only if it is still in `from` (compare-and-set), with the
   * patch and the event in the same transaction. Returns undefined when another writer won.
   */
  transitionPayment(
    id: string,
    from: PaymentStatus,
    to: PaymentStatus,
    patch: PaymentPatch,
    event: NewEvent,
  ): Promise<PaymentRecord | undefined>;

  listEvents(paymentId: string): Promise<PaymentEvent[]>;

  /** Payments still waiting on the provider, least recently touched first, for reconciliation. */
  listUnsettledPayments(updatedBefore: string, limit: number): Promise<PaymentRecord[]>;

  close(): Promise<void>;
}
