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
  /** `manual`: card payments are pre-authorized and captured later through the merchant API. */
  captureMethod: 'automatic' | 'manual';
  createdAt: string;
  expiresAt: string;
}

export interface MaskedCard {
  /** First six and last four digits, the rest masked: `411111******1111`. */
  mask: string;
  brand?: string;
}

export interface InstallmentPlan {
  count: number;
  /** Minor units of the payment's currency. */
  totalAmount: number;
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
  /** SHA-256 of the pay request (method and fields), to tell a true repeat from a reused key. */
  requestHash?: string;
  refundedAmount: number;
  /** For a captured pre-authorization: the amount captured, which may be less than `amount`. */
  capturedAmount?: number;
  card?: MaskedCard;
  /**
   * The installment plan the shopper chose, as offered: its count and the total they agreed to
   * pay, interest included (`amount` stays the order's amount).
   */
  installments?: InstallmentPlan;
  failure?: { code: string; message: string };
  createdAt: string;
  updatedAt: string;
  /** When the provider was last asked about it (poll, callback, reconciliation). */
  checkedAt?: string;
}

export type PaymentEventType =
  | 'created'
  | 'status_changed'
  | 'action_required'
  | 'provider_error'
  /** A capture was recorded before it was sent to the provider (written ahead); its outcome follows, or stays unknown. */
  | 'capture_requested'
  /** The provider reported something we refuse to apply as is (an amount or currency that differs). */
  | 'held_for_review'
  /** A second payment of an order succeeded: the merchant should refund one. */
  | 'duplicate_payment';

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

export type NewPayment = Omit<PaymentRecord, 'createdAt' | 'updatedAt' | 'checkedAt' | 'refundedAmount' | 'status'> & {
  status?: PaymentStatus;
};

/**
 * What a compare-and-set expects the payment to still be: its status, or its status and refunded
 * amount, and optionally its last change (`updatedAt`), for a move that must not apply to a later
 * stay in the same status (a refund written ahead since). A move that compares `updatedAt` records
 * a later one, even where the clock reads the same millisecond.
 */
export type TransitionFrom = PaymentStatus | { status: PaymentStatus; refundedAmount: number; updatedAt?: string };

/** Fields that may change without a status change. */
export type PaymentPatch = Partial<Pick<PaymentRecord, 'providerRef' | 'action' | 'refundedAmount' | 'capturedAmount' | 'failure' | 'card'>>;

export type NewEvent = Omit<PaymentEvent, 'id' | 'paymentId' | 'at'>;

/**
 * A message for the merchant's backend, kept until the merchant acknowledges it with a 2xx. The
 * body is fixed when the message is written, so every retry sends the same bytes (and event id).
 */
export interface OutboxMessage {
  /** The event id the merchant deduplicates by (`evt_...`). */
  id: string;
  paymentId?: string;
  /** `payment.succeeded`, `payment.failed`, ... */
  type: string;
  /** The exact JSON text posted to the merchant. */
  body: string;
  /** Delivery attempts started so far, this one included once claimed. */
  attempts: number;
  /** When the message may next be claimed: a retry's time, or the end of a claim's lease. */
  nextAttemptAt: string;
  createdAt: string;
  deliveredAt?: string;
  lastError?: string;
}

export type NewOutboxMessage = Pick<OutboxMessage, 'id' | 'type' | 'body'> & { paymentId?: string };

/** The stored result of a merchant API call made with an Idempotency-Key. */
export type IdempotentRequest =
  | { state: 'started'; requestHash: string }
  | { state: 'completed'; requestHash: string; statusCode: number; responseBody: string };

export interface Store {
  createSession(session: SessionRecord): Promise<void>;
  getSession(id: string): Promise<SessionRecord | undefined>;

  /**
   * Inserts a payment and its `created` event. When the session already has a payment under the
   * same idempotency key, nothing is inserted and that payment is returned with `created: false`.
   * Throws AppError('payment_in_progress') when another payment of the session is still being created.
   * The row survives a crash of the process; ask `durable()` when it must survive the machine's.
   */
  createPayment(payment: NewPayment): Promise<{ payment: PaymentRecord; created: boolean }>;

  /**
   * Resolves once the new payments and provider state committed before the call are on disk, so
   * that they survive a power loss. A store that commits those durably by themselves (PostgreSQL,
   * with synchronous_commit = on for them) resolves at once.
   */
  durable(): Promise<void>;
  getPayment(id: string): Promise<PaymentRecord | undefined>;
  listPaymentsByOrder(orderId: string): Promise<PaymentRecord[]>;
  listPaymentsBySession(sessionId: string): Promise<PaymentRecord[]>;

  /** Updates fields and appends an event, in one transaction. */
  updatePayment(id: string, patch: PaymentPatch, event?: NewEvent): Promise<PaymentRecord>;

  /**
   * Moves a payment from `from` to `to` only if it is still in `from` (compare-and-set), with the
   * patch and the event in the same transaction. Returns undefined when another writer won.
   * `from` may also name the refunded amount the payment must still have: a refund settling
   * without a change of status (a second partial refund) is then recorded once. And the time of
   * its last change: a move judged on one refund_pending then never applies to a newer one.
   */
  transitionPayment(
    id: string,
    from: TransitionFrom,
    to: PaymentStatus,
    patch: PaymentPatch,
    event: NewEvent,
    /** Written in the same transaction as the move, and only when the move happens. */
    outbox?: NewOutboxMessage,
  ): Promise<PaymentRecord | undefined>;

  /** Appends an event without changing the payment. */
  appendEvent(paymentId: string, event: NewEvent): Promise<void>;
  listEvents(paymentId: string): Promise<PaymentEvent[]>;

  /** Records that the provider was just asked about the payment, whatever it answered. */
  markChecked(id: string, at: string): Promise<void>;

  /**
   * Claims payments still waiting on the provider and not asked about since `checkedBefore`, the
   * longest unasked first, so every one gets its turn however many stay pending. Claiming marks
   * them checked at `claimedAt` in the same step, so no other reconciler (of this or another
   * instance) picks them again before `checkedBefore` passes `claimedAt`.
   */
  claimUnsettledPayments(checkedBefore: string, limit: number, claimedAt: string): Promise<PaymentRecord[]>;

  /** Resolves when the database answers a trivial query; rejects otherwise (readiness). */
  ping(): Promise<void>;

  /**
   * A provider's own small state under a key of its choosing (Payment Hub's rotating token pair).
   * Undefined when nothing was saved under the key.
   */
  getProviderState(key: string): Promise<string | undefined>;

  /** Inserts or replaces the value under `key`; it is durable (on disk) when this resolves. */
  saveProviderState(key: string, value: string): Promise<void>;

  /**
   * Runs `fn` while holding the lock `name`: callers with the same name run one after another.
   * SQLite (one process) holds an in-process mutex per name; PostgreSQL an advisory lock, so that
   * several proxy processes use a rotating credential once. `fn` may take other locks inside, never
   * its own again (it would wait for itself). PostgreSQL runs `fn`'s queries on the lock's own
   * connection, so a lock's release waits for the locks taken inside it, even those `fn` did not
   * wait for.
   */
  withLock<T>(name: string, fn: () => Promise<T>): Promise<T>;

  /**
   * Claims up to `limit` undelivered messages due at `now` (ISO), oldest due first, and leases them
   * for `leaseMs`: their `nextAttemptAt` becomes now + leaseMs and `attempts` grows by one, so a
   * dispatcher that dies mid-delivery leaves them to be claimed again when the lease ends.
   * PostgreSQL: UPDATE ... WHERE id IN (SELECT id ... FOR UPDATE SKIP LOCKED) RETURNING *.
   */
  claimOutbox(now: string, limit: number, leaseMs: number): Promise<OutboxMessage[]>;
  /** The merchant acknowledged the message: it is never sent again. */
  markOutboxDelivered(id: string, at: string): Promise<void>;
  /** A delivery failed: try again at `nextAttemptAt`. */
  markOutboxFailed(id: string, error: string, nextAttemptAt: string): Promise<void>;
  getOutboxMessage(id: string): Promise<OutboxMessage | undefined>;
  listOutboxByPayment(paymentId: string): Promise<OutboxMessage[]>;

  /**
   * Starts a merchant API call under an Idempotency-Key (scoped, e.g. by merchant). Returns
   * undefined when the key is new (it is now `started`), else what is stored under it: a repeat
   * must be answered from it and never executed again.
   */
  beginIdempotentRequest(scope: string, key: string, requestHash: string, at: string): Promise<IdempotentRequest | undefined>;
  /** Records the answer of a started call, to be replayed to every repeat. */
  completeIdempotentRequest(scope: string, key: string, statusCode: number, responseBody: string, at: string): Promise<void>;
  /**
   * Frees the key of a started call that did nothing to be kept (the database was unavailable): its
   * repeat runs. Only the start made at `startedAt` (beginIdempotentRequest's `at`) is freed: a free
   * retried after an outage must not free a repeat that has started since.
   */
  abandonIdempotentRequest(scope: string, key: string, startedAt: string): Promise<void>;

  close(): Promise<void>;
}
