import { createHash, randomUUID } from 'node:crypto';
import type { MethodView, PaymentView } from '../api/widget-api.js';
import { TtlCache } from '../cache/ttl-cache.js';
import { AppError, asRefusal, isStorageUnavailable, ProviderError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { SHARED_PAGE_METHOD_CODE, type CallbackInput, type CardDetails, type InstallmentOption, type PaymentLookup, type PaymentMethod, type ProviderErrorLogEntry, type ProviderId, type ProviderPaymentState, type SharedPaymentPage } from '../providers/provider.js';
import { retryWhileUnavailable } from '../store/retry-while-unavailable.js';
import type { InstallmentPlan, NewEvent, NewOutboxMessage, PaymentEvent, PaymentPatch, PaymentRecord, SessionRecord, Store, TransitionFrom } from '../store/store.js';
import { forgetCardEcho, stateWithoutCardEcho } from '../security/card-echo.js';
import { isWebhookStatus, paymentEventMessage } from '../webhooks/merchant-event.js';
import { ChallengePages } from './challenge-pages.js';
import { CoalescedLookups } from './coalesced-lookups.js';
import { retryRead } from './retry-read.js';
import { toMajorString } from './money.js';
import { isShopperFinal, type PaymentStatus } from './payment-status.js';
import { isTerminal, judgeTransition } from './state-machine.js';

/** A shopper's poll asks the provider at most this often per payment. */
const REFRESH_INTERVAL_MS = 3_000;
/** Statuses in which an order may not be paid again: money has moved. */
const PAID_STATUSES: ReadonlySet<PaymentStatus> = new Set(['authorized', 'succeeded', 'refund_pending', 'partially_refunded', 'refunded']);
/** How long a repeated pay call waits for the first one, still creating, to finish. */
const REPEAT_WAIT_MS = 10_000;
/**
 * How long a create may still reach the provider after its payment was recorded: longer than any
 * provider client's timeout (30 s at most). Until then a lookup that finds nothing proves nothing.
 */
const CREATE_IN_FLIGHT_MS = 40_000;
/**
 * How long a refund written ahead (refund_pending before the provider is asked) may still reach
 * the provider: the longest refund call an adapter makes (30 s; or 20 s twice, with a token reset
 * between) after the reads it makes first (a token, the transaction's id, a lookup of a pending
 * refund: 10 s each), with room for clocks that differ between instances. Until then
 * a lookup that shows no refund may simply have come before it, and must not read the payment
 * back to unrefunded: a second refund would follow.
 */
export const REFUND_IN_FLIGHT_MS = 120_000;
/** Statuses from which a refund may be asked. */
const REFUNDABLE_STATUSES: ReadonlySet<PaymentStatus> = new Set(['succeeded', 'partially_refunded']);

/** What the shopper sent to pay: a method, its extra fields and, for card methods, the card. */
export interface PayInput {
  methodId: string;
  fields: Record<string, string>;
  card?: CardDetails;
  installments?: number;
}

export interface PaymentServiceDeps {
  store: Store;
  providers: ProviderRegistry;
  logger: Logger;
  publicUrl: string;
  /** Whether final status changes are written to the outbox for MERCHANT_WEBHOOK_URL. */
  merchantWebhooks?: boolean;
}

/** One pay request on its way to the provider, once its payment row exists. */
interface CreateAttempt {
  session: SessionRecord;
  method: PaymentMethod;
  payment: PaymentRecord;
  request: PayInput;
  fields: Record<string, string>;
  shopper: { ip?: string; port?: number };
}

/**
 * Orchestrates one payment's life: creating it at the provider, learning its state (from the
 * provider, never from the browser or a callback body), and moving it along the state machine once.
 */
export class PaymentService {
  /**
   * 3-D Secure pages live in this process's memory only (they may hold card data), so with several
   * instances the challenge page request must reach the instance that answered the pay call.
   */
  private readonly challengePages = new ChallengePages();
  /** Callback-triggered lookups, coalesced per payment. */
  private readonly callbackLookups = new CoalescedLookups<PaymentRecord>();
  /** Creates under way at a provider in this process, by payment id: a callback about one waits for its answer. */
  private readonly creating = new Map<string, Promise<PaymentRecord>>();
  /** Each session's shared payment page, or null for none. */
  private readonly sharedPages = new TtlCache<SharedPaymentPage | null>(10 * 60_000, Date.now, 10_000);

  constructor(private readonly deps: PaymentServiceDeps) {}

  /**
   * The methods a session can pay with: its provider's (or every configured one's), within amount
   * limits, named in the shopper's language where the provider has it.
   */
  async listMethods(session: SessionRecord, locale = session.locale): Promise<PaymentMethod[]> {
    // A session with a shared payment page offers that page only: its methods are chosen on it.
    if (session.provider && (await this.sharedPaymentPage(session))) return [sharedPageMethod(session.provider)];
    const providerIds = session.provider ? [session.provider] : this.deps.providers.ids;
    const lists = await Promise.all(
      providerIds.map(async (id) => {
        try {
          // Adapters cache what is the same for every shopper (MilkyPay's pre-request per currency).
          return await this.deps.providers.get(id).listMethods({ currency: session.currency, locale });
        } catch (error) {
          // One provider being down must not hide the others' methods.
          this.deps.logger.warn({ provider: id, err: error }, 'listing methods failed');
          if (providerIds.length === 1) throw error;
          return [];
        }
      }),
    );
    return lists
      .flat()
      .filter((method) => (method.minAmount ?? 0) <= session.amount && session.amount <= (method.maxAmount ?? Infinity));
  }

  async pay(
    session: SessionRecord,
    request: PayInput,
    idempotencyKey: string,
    shopper: { ip?: string; port?: number },
  ): Promise<PaymentRecord> {
    const requestHash = hashPayRequest(request);
    const sessionPayments = await this.deps.store.listPaymentsBySession(session.id);
    const repeat = sessionPayments.find((payment) => payment.idempotencyKey === idempotencyKey);
    if (repeat) {
      if (repeat.requestHash !== requestHash) {
        throw new AppError('conflict', 'this Idempotency-Key was already used for a different payment request');
      }
      return this.awaitCreated(repeat);
    }
    if (Date.parse(session.expiresAt) <= Date.now()) throw new AppError('session_expired', 'the checkout session has expired');
    await this.refuseIfPaid(session);

    const method = (await this.listMethods(session)).find((candidate) => candidate.id === request.methodId);
    if (!method) throw new AppError('invalid_request', `methodId: ${request.methodId} is not available for this session`);
    const fields = checkMethodFields(method, request.fields);
    const installments = await this.checkCardInput(session, method, request);

    const { payment, created } = await this.deps.store.createPayment({
      id: `pay_${randomUUID().replaceAll('-', '')}`,
      sessionId: session.id,
      orderId: session.orderId,
      provider: method.provider,
      methodId: method.id,
      amount: session.amount,
      currency: session.currency,
      idempotencyKey,
      requestHash,
      ...(installments ? { installments } : {}),
    });
    if (!created) return this.awaitCreated(payment);

    const creation = this.createAtProvider({ session, method, payment, request, fields, shopper });
    this.creating.set(payment.id, creation);
    try {
      return await creation;
    } finally {
      this.creating.delete(payment.id);
    }
  }

  private async createAtProvider(attempt: CreateAttempt): Promise<PaymentRecord> {
    const { method, payment } = attempt;
    // The row must outlive a power loss before money can move without it, or we could not find the
    // invoice afterwards. Where money moves only once the shopper acts on the page we hand over (the
    // adapter says so), the flush runs alongside the provider call and the answer waits for it.
    const durable = this.deps.store.durable();
    if (!method.paidOnProviderPage) {
      try {
        await durable;
      } catch (error) {
        throw await this.refuseUnflushed(payment, error, async () => {
          // Nothing was sent to the provider: the attempt is over.
          const failure = { code: 'storage_unavailable', message: 'the payment could not be recorded; nothing was charged' };
          await this.deps.store.transitionPayment(payment.id, 'created', 'failed', { failure }, { type: 'status_changed', source: 'pay', detail: { failure } }, this.webhookFor(payment, 'failed', { failure }));
        });
      }
    } else {
      durable.catch(() => undefined);
    }
    // Settled rather than awaited: whatever the provider said must be recorded even if the flush fails.
    const [created] = await Promise.allSettled([this.callProviderForgettingCard(attempt)]);
    try {
      await durable;
    } catch (error) {
      throw await this.refuseUnflushed(payment, error, async () => {
        // The provider's reference (never its page) lets the reconciler find the invoice after a restart.
        if (created.status === 'rejected') await this.recordCreateFailure(payment, created.reason).catch(() => undefined);
        else if (created.value.providerRef) await this.deps.store.updatePayment(payment.id, { providerRef: created.value.providerRef });
      });
    }
    if (created.status === 'rejected') return this.recordCreateFailure(payment, created.reason);
    const state = isSharedPage(method) ? created.value : this.withChallengePage(payment, created.value);
    // "Try again", or a new session for the order, would pay a second time.
    return this.applyAnswer(payment, state, 'pay', 'the payment was sent to the provider, but it could not be recorded: do not pay again; the shop will confirm it');
  }

  /** The provider's answer to the create, with any quote of the card taken out of its words (card-echo.ts). */
  private async callProviderForgettingCard(attempt: CreateAttempt): Promise<ProviderPaymentState> {
    const card = attempt.request.card;
    if (!card) return this.callProvider(attempt);
    try {
      return stateWithoutCardEcho(await this.callProvider(attempt), card);
    } catch (error) {
      forgetCardEcho(error, card);
      throw error;
    }
  }

  /** The one call that creates the payment at the provider: a shared page or the method's own invoice. */
  private async callProvider({ session, method, payment, request, fields, shopper }: CreateAttempt): Promise<ProviderPaymentState> {
    if (isSharedPage(method)) return this.createSharedPayment(session, payment);
    return this.deps.providers.get(method.provider).createPayment({
      ...this.orderOf(session, payment),
      methodCode: method.id.slice(method.provider.length + 1),
      fields,
      shopperIp: shopper.ip,
      shopperPort: shopper.port,
      card: request.card,
      installments: request.installments,
      captureMode: session.captureMethod,
      challengeReturnUrls: {
        success: `${this.deps.publicUrl}/api/checkout/3ds/${payment.id}?outcome=success`,
        failure: `${this.deps.publicUrl}/api/checkout/3ds/${payment.id}?outcome=failure`,
      },
    });
  }

  /**
   * The new payment could not be flushed to disk: the shopper gets no page and no charge, and the
   * store takes no payment until a restart. `record` keeps what can still help, at best effort.
   */
  private async refuseUnflushed(payment: PaymentRecord, error: unknown, record: () => Promise<void>): Promise<AppError> {
    this.deps.logger.error({ paymentId: payment.id, err: error }, 'a new payment could not be flushed to disk; no payment is taken until the proxy restarts on a working disk');
    await record().catch(() => undefined);
    return new AppError('storage_unavailable', 'the payment could not be recorded safely; nothing was charged, please try again later');
  }

  /** The shared payment page the merchant asked for at session creation, if any. */
  async sharedPaymentPage(session: SessionRecord): Promise<SharedPaymentPage | undefined> {
    // Written before the session's token exists and never changed, so a copy is always current.
    const page = await this.sharedPages.get(session.id, async () => {
      const text = await this.deps.store.getProviderState(sharedPageStateKey(session.id));
      return text === undefined ? null : (JSON.parse(text) as SharedPaymentPage);
    });
    return page ?? undefined;
  }

  /** Keeps a session's shared payment page, before its token is handed out. */
  async saveSharedPaymentPage(sessionId: string, page: SharedPaymentPage): Promise<void> {
    await this.deps.store.saveProviderState(sharedPageStateKey(sessionId), JSON.stringify(page));
  }

  private async createSharedPayment(session: SessionRecord, payment: PaymentRecord): Promise<ProviderPaymentState> {
    const provider = this.deps.providers.get(payment.provider);
    const page = await this.sharedPaymentPage(session);
    if (!provider.createSharedPayment || !page) throw new AppError('not_supported', `${payment.provider} offers no shared payment page`);
    return provider.createSharedPayment({ ...this.orderOf(session, payment), orderId: session.orderId, page });
  }

  /** What every creation at a provider says of the order, and where the shopper and the provider come back to. */
  private orderOf(session: SessionRecord, payment: PaymentRecord) {
    return {
      paymentId: payment.id,
      amount: session.amount,
      currency: session.currency,
      description: session.description,
      customer: session.customer,
      billingAddress: session.billingAddress,
      locale: session.locale,
      returnUrls: { success: this.returnUrl(payment.id, 'success'), fail: this.returnUrl(payment.id, 'fail'), pending: this.returnUrl(payment.id, 'pending') },
      callbackUrl: `${this.deps.publicUrl}/api/callbacks/${payment.provider}/${payment.id}`,
    };
  }

  /** Installment counts above one that the provider offers for a card's prefix, at the session's amount. */
  async installmentOptions(session: SessionRecord, methodId: string, bin: string): Promise<InstallmentOption[]> {
    const method = (await this.listMethods(session)).find((candidate) => candidate.id === methodId);
    if (!method) throw new AppError('invalid_request', `methodId: ${methodId} is not available for this session`);
    const provider = this.deps.providers.get(method.provider);
    // Installments are a charge's; a pre-authorization is captured later in one amount.
    if (!method.installments || !provider.installmentOptions || session.captureMethod === 'manual') return [];
    const options = await provider.installmentOptions({ bin, amount: session.amount, currency: session.currency });
    return options
      .filter((option) => option.count > 1)
      .sort((a, b) => a.count - b.count)
      .map((option) => ({ ...option, interestRate: option.interestRate ?? impliedInterestRate(option.totalAmount, session.amount) }));
  }

  /**
   * Completes 3-D Secure with the fields the gateway posted back (directcard: paymentId and
   * securityKey). Only a payment waiting for its challenge can be completed, and only by the
   * provider's answer: a forged or replayed post is refused by the provider and changes nothing.
   */
  async completeChallenge(paymentId: string, fields: Record<string, string>): Promise<PaymentRecord> {
    const payment = await this.deps.store.getPayment(paymentId);
    if (!payment) throw new AppError('not_found', 'this payment is unknown');
    if (payment.status !== 'requires_action' || payment.action?.type !== 'html') {
      throw new AppError('conflict', `this verification is already over: the payment is ${payment.status}`);
    }
    const provider = this.deps.providers.get(payment.provider);
    if (!provider.completeChallenge) throw new AppError('not_supported', `${payment.provider} has no 3-D Secure completion`);
    const complete = provider.completeChallenge.bind(provider);
    return this.oneAtATime(payment, async () => {
      let state: ProviderPaymentState;
      try {
        state = await complete({ paymentId: payment.id, providerRef: payment.providerRef }, { fields });
      } catch (error) {
        if (error instanceof ProviderError && (error.code === 'outcome_unknown' || error.code === 'provider_unavailable')) {
          // The gateway may have charged the card: never let the shopper pay again until someone knows.
          await this.awaitConfirmation(payment, error, '3ds');
          throw new AppError('outcome_unknown', "the bank's answer did not reach us; do not pay again: the shop will confirm the payment");
        }
        this.deps.logger.warn({ paymentId, err: error }, '3-D Secure completion refused; nothing changed');
        await this.deps.store.appendEvent(payment.id, { type: 'provider_error', source: '3ds', detail: { refused: (error as Error).message } });
        throw error;
      }
      // As with a lost answer, the shopper must not pay again; the challenge is over either way.
      const updated = await this.applyAnswer(payment, state, '3ds', "the bank's answer could not be recorded; do not pay again: the shop will confirm the payment", () =>
        this.challengePages.endChallenge(payment.id),
      );
      if (updated.status !== 'requires_action') this.challengePages.endChallenge(payment.id);
      return updated;
    });
  }

  /** The gateway's 3-D Secure page for the challenge page route, while the challenge lasts. */
  challengePage(id: string): { paymentId: string; html: string } | undefined {
    return this.challengePages.get(id);
  }

  /** Asks the provider for the payment's state and applies it. */
  async refresh(payment: PaymentRecord, source: string): Promise<PaymentRecord> {
    await this.deps.store.markChecked(payment.id, new Date().toISOString());
    const provider = this.deps.providers.get(payment.provider);
    const lookup = { paymentId: payment.id, providerRef: payment.providerRef };
    // Some payments can only be learnt from the answers to our own calls (directcard's card payments).
    if (provider.hasStatusLookup?.(lookup) === false) return payment;
    try {
      const state = await retryRead(() => provider.getPayment(lookup));
      return await this.applyLookedUp(payment, state, source);
    } catch (error) {
      const neverCreated = (payment.status === 'pending' || payment.status === 'created') && !payment.providerRef;
      if (error instanceof ProviderError && error.code === 'not_found' && neverCreated) {
        // A create still under way (on this instance or another) may yet land: it is not over.
        if (payment.status === 'created' && Date.now() - Date.parse(payment.createdAt) < CREATE_IN_FLIGHT_MS) return (await this.deps.store.getPayment(payment.id)) ?? payment;
        return this.failNeverCreated(payment, source);
      }
      throw error;
    }
  }

  /**
   * Applies what a status lookup found. A payment still `created` may not be on disk yet (its flush
   * runs alongside the create): no page of it goes out before it is, and none at all once flushing
   * has failed.
   */
  private async applyLookedUp(payment: PaymentRecord, state: ProviderPaymentState, source: string): Promise<PaymentRecord> {
    if (payment.status === 'created') await this.deps.store.durable();
    return this.applyState(payment, state, source);
  }

  /**
   * The create's answer never came and the provider has no trace of it: nothing was charged. That
   * holds for the payment as read before the lookup only. If meanwhile the create answered or
   * another lookup found the invoice, that record wins as it is: re-judging "no trace" against it
   * would fail a payment whose page the shopper may still pay.
   */
  private async failNeverCreated(payment: PaymentRecord, source: string): Promise<PaymentRecord> {
    const current = await this.deps.store.getPayment(payment.id);
    if (!current || current.status !== payment.status || current.providerRef) return current ?? payment;
    const failure = { code: 'provider_unavailable', message: 'the provider did not create the payment; please try again' };
    const moved = await this.deps.store.transitionPayment(
      payment.id,
      payment.status,
      'failed',
      { failure },
      { type: 'status_changed', source, detail: { failure } },
      this.webhookFor(current, 'failed', { failure }),
    );
    if (!moved) return (await this.deps.store.getPayment(payment.id)) ?? current;
    this.deps.logger.info({ paymentId: moved.id, from: payment.status, to: 'failed', source }, 'payment status changed');
    return moved;
  }

  /** Whether the provider can be asked about many payments in one call (Payment Hub's fetch-multiple). */
  canRefreshInBatch(providerId: ProviderId): boolean {
    return this.deps.providers.has(providerId) && this.deps.providers.get(providerId).getPayments !== undefined;
  }

  /**
   * Asks the provider about several of its payments in one call and applies each answer. A payment
   * the answer leaves out is asked about alone (a create whose answer was lost, a shared page not
   * chosen yet). Returns the payments after it, in the order given.
   */
  async refreshBatch(payments: readonly PaymentRecord[], source: string): Promise<PaymentRecord[]> {
    const providerId = payments[0]?.provider;
    if (!providerId) return [];
    const provider = this.deps.providers.get(providerId);
    if (!provider.getPayments || payments.some((payment) => payment.provider !== providerId)) {
      throw new AppError('internal', 'refreshBatch: one provider with a batch lookup at a time');
    }
    const checkedAt = new Date().toISOString();
    await Promise.all(payments.map((payment) => this.deps.store.markChecked(payment.id, checkedAt)));
    const lookups: PaymentLookup[] = payments.map((payment) => ({ paymentId: payment.id, ...(payment.providerRef ? { providerRef: payment.providerRef } : {}) }));
    const states = await provider.getPayments(lookups);
    const updated: PaymentRecord[] = [];
    for (const payment of payments) {
      const state = states.get(payment.id);
      updated.push(state ? await this.applyLookedUp(payment, state, source) : await this.refresh(payment, source));
    }
    return updated;
  }

  /** The provider's error log entries about a failed payment, where the provider keeps one. */
  async providerErrors(payment: PaymentRecord): Promise<ProviderErrorLogEntry[] | undefined> {
    if (payment.status !== 'failed') return undefined;
    const provider = this.deps.providers.has(payment.provider) ? this.deps.providers.get(payment.provider) : undefined;
    if (!provider?.errorLog) return undefined;
    try {
      return await provider.errorLog({ paymentId: payment.id, ...(payment.providerRef ? { providerRef: payment.providerRef } : {}) });
    } catch (error) {
      this.deps.logger.warn({ paymentId: payment.id, err: error }, 'provider error log could not be read');
      return undefined;
    }
  }

  /**
   * Refreshes an unsettled payment when a shopper polls, at most every few seconds. The last check
   * is the stored one, so polls spread over several instances still ask the provider that seldom.
   */
  async refreshIfStale(payment: PaymentRecord): Promise<PaymentRecord> {
    if (isShopperFinal(payment.status)) return payment;
    // Our own create's answer is on its way, and its page may not go out before the row is on disk.
    if (this.creating.has(payment.id)) return payment;
    if (Date.now() - Date.parse(payment.checkedAt ?? '1970-01-01T00:00:00Z') < REFRESH_INTERVAL_MS) return payment;
    try {
      return await this.refresh(payment, 'poll');
    } catch (error) {
      this.deps.logger.warn({ paymentId: payment.id, err: error }, 'status lookup failed; the shopper keeps waiting');
      return payment;
    }
  }

  /**
   * A provider callback is a signal only: find the payment it names, then ask the provider.
   * Returns the payment, or undefined for a callback about a payment we do not know.
   */
  async handleCallback(providerId: ProviderId, input: CallbackInput): Promise<PaymentRecord | undefined> {
    const provider = this.deps.providers.get(providerId);
    const lookup = provider.readCallback(input);
    if (!lookup) return undefined;
    const payment = await this.deps.store.getPayment(lookup.paymentId);
    if (!payment || payment.provider !== providerId) return undefined;
    if (lookup.providerRef && payment.providerRef && lookup.providerRef !== payment.providerRef) {
      this.deps.logger.warn({ paymentId: payment.id }, 'callback names another provider reference; ignored');
      return undefined;
    }
    // Some providers call back as soon as the invoice exists, before our create has its
    // answer: looking up then would race that answer and delay the shopper's. The provider is
    // answered at once (it may wait for us before answering the create), and the lookup is made
    // once the create has answered; the reconciler is there if it fails.
    const creation = this.creating.get(payment.id);
    if (creation) {
      void creation
        .catch(() => undefined)
        .then(() => new Promise((resolve) => setImmediate(resolve)))
        .then(() => this.lookUpAfterCallback(payment))
        .catch((error: unknown) => this.deps.logger.warn({ paymentId: payment.id, err: error }, 'status lookup after a callback failed; the reconciler retries it'));
      return payment;
    }
    return this.lookUpAfterCallback(payment);
  }

  private lookUpAfterCallback(payment: PaymentRecord): Promise<PaymentRecord> {
    // The payment is read again when its lookup starts: a coalesced one may start after another moved it.
    return this.callbackLookups.run(payment.id, async () => this.refresh((await this.deps.store.getPayment(payment.id)) ?? payment, 'callback'));
  }

  /**
   * Moves the payment to the provider's state once. A repeated state is a no-op; an illegal move is
   * logged and refused; a lost compare-and-set race is re-judged against the winner's state; a
   * refund that may still be on its way is not undone (undoesRefundInFlight). `previousStatus` is
   * what the merchant's webhook names as the status before, when the payment's own was never told
   * (a refund written ahead).
   */
  async applyState(payment: PaymentRecord, state: ProviderPaymentState, source: string, previousStatus?: PaymentStatus): Promise<PaymentRecord> {
    let current = payment;
    const target: PaymentStatus = state.status === 'pending' && state.action ? 'requires_action' : state.status;
    if (PAID_STATUSES.has(target) && !matchesPayment(current, state)) {
      // Money moved, but not the amount we asked for: never call that paid; a person decides.
      const detail = { expected: { amount: current.amount, currency: current.currency }, reported: { amount: state.amount, currency: state.currency }, providerStatus: state.providerStatus };
      this.deps.logger.error({ paymentId: current.id, source, ...detail }, 'provider reported a different amount or currency; payment held for review');
      await this.deps.store.appendEvent(current.id, { type: 'held_for_review', source, detail });
      return current;
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await this.undoesRefundInFlight(current, target, state)) {
        this.deps.logger.info({ paymentId: current.id, to: target, source }, 'the provider shows no refund yet, but one may still be on its way; the payment stays refund_pending');
        return current;
      }
      const verdict = judgeTransition(current.status, target);
      const patch = statePatch(current, state, target);
      if (verdict.kind === 'noop') {
        if (patch.refundedAmount === undefined) return Object.keys(patch).length > 0 ? this.deps.store.updatePayment(current.id, patch) : current;
        const settled = await this.recordRefundSettled(current, patch, state, source);
        if (settled) return settled;
      } else if (verdict.kind === 'illegal') {
        this.deps.logger.warn({ paymentId: current.id, from: current.status, to: target, source }, verdict.reason);
        return current;
      } else {
        const moved = await this.deps.store.transitionPayment(
          current.id,
          // A lookup under way while the payment left refund_pending and a new refund was written ahead must not move that one.
          current.status === 'refund_pending' ? { status: current.status, refundedAmount: current.refundedAmount, updatedAt: current.updatedAt } : current.status,
          target,
          patch,
          {
            type: target === 'requires_action' ? 'action_required' : 'status_changed',
            source,
            detail: {
              providerStatus: state.providerStatus,
              ...(state.failure ? { failure: state.failure } : {}),
              ...(state.capturedAmount !== undefined ? { capturedAmount: state.capturedAmount } : {}),
            },
          },
          this.webhookFor(current, target, patch, current.status === payment.status ? previousStatus : undefined),
        );
        if (moved) {
          this.deps.logger.info({ paymentId: moved.id, from: current.status, to: target, source }, 'payment status changed');
          if (PAID_STATUSES.has(target) && !PAID_STATUSES.has(current.status)) await this.flagDuplicate(moved, source);
          return moved;
        }
      }
      const reloaded = await this.deps.store.getPayment(current.id);
      if (!reloaded) throw new AppError('not_found', `payment ${current.id} does not exist`);
      current = reloaded;
    }
    return current;
  }

  /**
   * Whether moving a refund_pending payment to `target` would read its refund back to less refunded
   * while the refund may still be on its way to the provider: a lookup that shows no refund may
   * have come before it. That holds for REFUND_IN_FLIGHT_MS after the payment last changed (its
   * write-ahead, or the record of an unknown outcome), unless the provider has since answered the
   * refund as pending: then it has it, and a state without it means that it failed. A state that
   * shows more refunded settles the payment at any time.
   */
  private async undoesRefundInFlight(current: PaymentRecord, target: PaymentStatus, state: ProviderPaymentState): Promise<boolean> {
    if (current.status !== 'refund_pending') return false;
    const undone = target === 'succeeded' || (target === 'partially_refunded' && (state.refundedAmount ?? 0) <= current.refundedAmount);
    if (!undone || Date.now() - Date.parse(current.updatedAt) >= REFUND_IN_FLIGHT_MS) return false;
    const events = await this.deps.store.listEvents(current.id);
    const writtenAhead = events.findLastIndex((event) => event.toStatus === 'refund_pending' && event.fromStatus !== 'refund_pending');
    return !events.slice(writtenAhead + 1).some(isRefundPendingAnswer);
  }

  /**
   * A refund settled without a change of status (a second partial refund): money moved, so it is
   * recorded and told to the merchant, once, however many lookups saw it settle. Undefined when
   * another writer changed the payment first.
   */
  private recordRefundSettled(current: PaymentRecord, patch: PaymentPatch, state: ProviderPaymentState, source: string): Promise<PaymentRecord | undefined> {
    return this.deps.store.transitionPayment(
      current.id,
      { status: current.status, refundedAmount: current.refundedAmount },
      current.status,
      patch,
      { type: 'status_changed', source, detail: { providerStatus: state.providerStatus, refundedAmount: patch.refundedAmount } },
      this.webhookFor(current, current.status, patch),
    );
  }

  /**
   * A payment of the session's order, for the session's amount. Not of the session alone: a
   * renewal (a new session for the same order) must be able to follow a payment started under the
   * session it replaces, whose token expires a minute later. The amount and currency keep another
   * shop's order of the same id out.
   */
  async getPaymentInSession(session: SessionRecord, paymentId: string): Promise<PaymentRecord> {
    const payment = await this.deps.store.getPayment(paymentId);
    const sameOrder = payment?.orderId === session.orderId && payment.amount === session.amount && payment.currency === session.currency;
    if (!payment || !sameOrder) throw new AppError('not_found', 'no such payment in this checkout');
    return payment;
  }

  /**
   * A merchant's refund, capture or cancel, for providers that support it. A refund is written
   * ahead: the payment is refund_pending before the provider is asked, so that neither a second
   * refund (on any instance, even one whose lock no longer excludes this one's) nor a restart after
   * a crash can read it as unrefunded while this one may be on its way.
   */
  async refund(payment: PaymentRecord, amount: number | undefined, reason: string): Promise<PaymentRecord> {
    const provider = this.deps.providers.get(payment.provider);
    if (!provider.refund) throw new AppError('not_supported', `${payment.provider} payments cannot be refunded through the API`);
    // A pending refund may have settled since: ask before refusing the next stage.
    if (payment.status === 'refund_pending') payment = await this.refresh(payment, 'merchant').catch(() => payment);
    if (payment.status === 'refund_pending') throw refundStillPending();
    if (!REFUNDABLE_STATUSES.has(payment.status)) throw new AppError('conflict', `a ${payment.status} payment cannot be refunded`);
    const refund = provider.refund.bind(provider);
    // One refund of a payment at a time, across instances: a second one reads what the first left.
    return this.oneAtATime(
      payment,
      async (current) => {
        const refundable = current.amount - current.refundedAmount;
        const value = amount ?? refundable;
        if (value > refundable) throw new AppError('invalid_request', `amount: at most ${toMajorString(refundable, current.currency)} ${current.currency} can still be refunded`);
        // An unavailable database fails this before anything is sent: a 503, as for any call.
        const pending = await this.writeRefundAhead(current, value);
        // A power loss must not forget a refund that went out: if it cannot be on disk first, it is not sent.
        await this.durableOrElse(() =>
          this.undoRefundAhead(pending, current.status, value, { code: 'storage_unavailable', message: 'the refund was not sent: it could not be recorded on disk first' }, 'a refund not sent'),
        );
        let state: ProviderPaymentState;
        try {
          state = await refund({ paymentId: current.id, providerRef: current.providerRef }, value, current.currency, reason);
        } catch (error) {
          throw await this.recordRefundError(pending, current.status, value, error);
        }
        return this.recordRefundAnswer(pending, current.status, state);
      },
      (moved) => (moved?.status === 'refund_pending' ? refundStillPending() : undefined),
    );
  }

  /**
   * Moves the payment to refund_pending before its refund is sent, by compare-and-set on what was
   * read under the lock. No webhook: the merchant hears how the refund ended, not that it started.
   */
  private async writeRefundAhead(current: PaymentRecord, amount: number): Promise<PaymentRecord> {
    const pending = await this.deps.store.transitionPayment(
      current.id,
      { status: current.status, refundedAmount: current.refundedAmount },
      'refund_pending',
      {},
      { type: 'status_changed', source: 'merchant', detail: { refundAmount: amount } },
    );
    if (pending) return pending;
    const moved = await this.deps.store.getPayment(current.id);
    throw moved?.status === 'refund_pending' ? refundStillPending() : new AppError('conflict', `this payment was processed meanwhile: it is ${moved?.status ?? 'gone'}`);
  }

  /** Moves a refund written ahead back to the status it had: nothing was refunded. No webhook: the merchant has the error. */
  private undoRefundAhead(pending: PaymentRecord, before: PaymentStatus, amount: number, failure: { code: string; message: string }, what: string): Promise<void> {
    return this.recordInTheEnd(
      pending,
      () => this.deps.store.transitionPayment(pending.id, writtenAhead(pending), before, {}, { type: 'provider_error', source: 'merchant', detail: { failure, refundAmount: amount } }),
      what,
    );
  }

  /**
   * Records the provider's answer to a refund written ahead: settled, or still pending at the
   * provider. The merchant's webhook names the status the refund started from, as it did before
   * refunds were written ahead. If the database fails, the answer is recorded once it is back: the
   * payment stays refund_pending meanwhile, so a retry is refused.
   */
  private async recordRefundAnswer(pending: PaymentRecord, before: PaymentStatus, state: ProviderPaymentState): Promise<PaymentRecord> {
    const record = () =>
      state.status === 'refund_pending'
        ? this.keepRefundPending(pending, before, statePatch(pending, state, 'refund_pending'), { type: 'status_changed', source: 'merchant', detail: { providerStatus: state.providerStatus } })
        : this.applyState(pending, state, 'merchant', before);
    return record().catch(async (error: unknown) => {
      if (!isStorageUnavailable(error)) throw error;
      await this.recordInTheEnd(pending, record, `the provider's answer to a refund (${state.status})`);
      throw new AppError(
        'outcome_unknown',
        'the provider took the refund, but it could not be recorded (the database is unavailable): do not send the refund again; the payment shows it once the database is back',
      );
    });
  }

  /**
   * A refund call that failed. Refused by the provider (or the adapter, before sending), an error
   * asRefusal reads as one: nothing was refunded, so the payment goes back to the status it had,
   * without a webhook (the merchant has the error), and the error is returned. Otherwise it may
   * have been made (no answer, or an adapter that met the database after sending): the payment
   * stays refund_pending until a lookup tells, the merchant hears refund_pending, and the answer
   * says not to send it again.
   */
  private async recordRefundError(pending: PaymentRecord, before: PaymentStatus, amount: number, error: unknown): Promise<unknown> {
    const refused = asRefusal(error);
    if (refused) {
      await this.undoRefundAhead(pending, before, amount, { code: refused.code, message: refused.message }, 'a refund the provider refused');
      return error;
    }
    const unknown = error instanceof ProviderError && error.code === 'outcome_unknown' ? error : new ProviderError('outcome_unknown', mayHaveMovedMessage(error, 'refund'), pending.provider);
    const failure = { code: unknown.code, message: unknown.message };
    // Best effort: with the database down too, the answer must still say the refund may be made.
    await this.recordInTheEnd(pending, () => this.keepRefundPending(pending, before, {}, { type: 'provider_error', source: 'merchant', detail: { failure, refundAmount: amount } }), 'a refund that may have been made');
    this.deps.logger.error({ paymentId: pending.id, amount, code: unknown.code, err: error }, 'refund outcome unknown; the payment is refund_pending until the provider is asked');
    return new ProviderError('outcome_unknown', `${unknown.message}; the payment is refund_pending until the provider confirms the outcome: do not send the refund again`, unknown.provider, unknown.httpStatus, unknown.raw);
  }

  /**
   * A refund written ahead stays refund_pending (settled later by the provider, or its outcome
   * unknown): the event says why, and the merchant hears refund_pending from the status the refund
   * started from. A lookup that settled it meanwhile wins.
   */
  private async keepRefundPending(pending: PaymentRecord, before: PaymentStatus, patch: PaymentPatch, event: NewEvent): Promise<PaymentRecord> {
    const kept = await this.deps.store.transitionPayment(
      pending.id,
      writtenAhead(pending),
      'refund_pending',
      patch,
      event,
      this.webhookFor(pending, 'refund_pending', patch, before),
    );
    return kept ?? (await this.deps.store.getPayment(pending.id)) ?? pending;
  }

  /**
   * A merchant's capture of a pre-authorization, written ahead as a refund is: the attempt is on
   * record (capture_requested) before the provider is asked. There is no status for a capture under
   * way, so the write-ahead is a compare-and-set on the payment's last change. An attempt that no
   * answer ended (a lost answer, a lost lock, a process that died during the call) refuses every
   * further capture of the payment: a provider may have no lookup for it, and may not say whether a
   * pre-authorization can be captured twice, so only a person, at the provider, can tell. A refusal
   * ends the attempt.
   */
  async capture(payment: PaymentRecord, amount: number | undefined): Promise<PaymentRecord> {
    const provider = this.deps.providers.get(payment.provider);
    if (!provider.capture) throw new AppError('not_supported', `${payment.provider} payments have no separate capture`);
    if (payment.status !== 'authorized') throw new AppError('conflict', `a ${payment.status} payment cannot be captured`);
    if (amount !== undefined && amount > payment.amount) throw new AppError('invalid_request', `amount: at most ${payment.amount} minor units were authorized`);
    const capture = provider.capture.bind(provider);
    return this.oneAtATime(payment, async (current) => {
      const value = amount ?? current.amount;
      // An unavailable database fails this before anything is sent: a 503, as for any call.
      const requested = await this.writeCaptureAhead(current, value);
      let state: ProviderPaymentState;
      try {
        state = await capture({ paymentId: current.id, providerRef: current.providerRef }, value, current.currency);
      } catch (error) {
        throw await this.recordCaptureError(requested, value, error);
      }
      // An authorized payment is never looked up (and some providers have no lookup at all): only the
      // provider's answer itself can record the capture.
      return this.applyAnswer(requested, state, 'merchant', 'the provider made the capture, but it could not be recorded (the database is unavailable): do not send the capture again');
    });
  }

  /**
   * Records a capture before it is sent, by compare-and-set on the payment as read under the lock,
   * so that of two instances that read it alike (a lost lock) one sends it. Refused while an earlier
   * capture's outcome is unknown.
   */
  private async writeCaptureAhead(current: PaymentRecord, amount: number): Promise<PaymentRecord> {
    // The store records this change later than the one compared, even on a clock that reads the
    // same millisecond (change-time.ts): of two write-aheads judged on one read, one passes.
    await this.refuseIfCaptureUnknown(current);
    const requested = await this.deps.store.transitionPayment(
      current.id,
      { status: current.status, refundedAmount: current.refundedAmount, updatedAt: current.updatedAt },
      current.status,
      {},
      { type: 'capture_requested', source: 'merchant', detail: { captureAmount: amount } },
    );
    if (requested) {
      // A power loss must not forget a capture that went out. One not sent is closed as a refusal
      // would be, so that it does not read as unknown.
      const failure = { code: 'storage_unavailable', message: 'the capture was not sent: it could not be recorded on disk first' };
      await this.durableOrElse(() => this.recordCaptureEnd(requested, amount, failure, 'a capture not sent'));
      return requested;
    }
    const moved = await this.deps.store.getPayment(current.id);
    if (moved?.status === current.status) await this.refuseIfCaptureUnknown(moved);
    throw new AppError('conflict', `this payment was processed meanwhile: it is ${moved?.status ?? 'gone'}`);
  }

  /**
   * Puts a write-ahead on disk before its call is sent, as a new payment is before its provider is
   * called (SQLite's flush; a PostgreSQL commit already is). If it cannot be, `undo` records that
   * nothing was sent, and the store's error is thrown.
   */
  private async durableOrElse(undo: () => Promise<void>): Promise<void> {
    try {
      await this.deps.store.durable();
    } catch (error) {
      await undo();
      throw error;
    }
  }

  /** Ends a capture attempt written ahead, on record: refused, not sent, or of unknown outcome (failure.code outcome_unknown). */
  private recordCaptureEnd(requested: PaymentRecord, amount: number, failure: { code: string; message: string }, what: string): Promise<void> {
    return this.recordInTheEnd(requested, () => this.deps.store.appendEvent(requested.id, { type: 'provider_error', source: 'merchant', detail: { captureAmount: amount, failure } }), what);
  }

  private async refuseIfCaptureUnknown(payment: PaymentRecord): Promise<void> {
    const events = await this.deps.store.listEvents(payment.id);
    const requested = events.findLastIndex((event) => event.type === 'capture_requested');
    if (requested >= 0 && !events.slice(requested + 1).some(isCaptureRefusal)) {
      throw new AppError(
        'conflict',
        `the outcome of the last capture of this payment is unknown (it got no answer, or it is still on its way): check the payment in ${payment.provider}'s dashboard before capturing again, and capture it there if it was not captured; no further capture of it is sent from here`,
      );
    }
  }

  /**
   * A capture call that failed. Refused by the provider (or the adapter, before sending), an error
   * asRefusal reads as one: the refusal ends the attempt, and a new capture may follow. Otherwise
   * it may have been made: the attempt stays open, so every further capture is refused, and the
   * answer says not to send it again. The payment stays authorized either way, without a webhook
   * (the merchant has the error).
   */
  private async recordCaptureError(requested: PaymentRecord, amount: number, error: unknown): Promise<unknown> {
    const refused = asRefusal(error);
    if (refused) {
      // Until this lands the attempt counts as unknown: a retry is refused rather than risked.
      await this.recordCaptureEnd(requested, amount, { code: refused.code, message: refused.message }, 'a capture the provider refused');
      return error;
    }
    const message = mayHaveMovedMessage(error, 'capture');
    await this.recordCaptureEnd(requested, amount, { code: 'outcome_unknown', message }, 'a capture that may have been made');
    this.deps.logger.error({ paymentId: requested.id, amount, err: error }, 'capture outcome unknown; no further capture of the payment is sent until someone checks it at the provider');
    const answered = error instanceof ProviderError ? error : undefined;
    return new ProviderError(
      'outcome_unknown',
      `${message}; the capture may have been made: do not send the capture again. Check the payment in ${requested.provider}'s dashboard: the proxy refuses any further capture of it`,
      requested.provider,
      answered?.httpStatus,
      answered?.raw,
    );
  }

  /**
   * A merchant's cancel of a payment not paid yet. Not written ahead as a capture or a refund is: it
   * moves no money, and a second one changes nothing (a provider cancels only what is not paid yet),
   * so a cancel whose answer was lost may simply be sent again.
   */
  async cancel(payment: PaymentRecord): Promise<PaymentRecord> {
    const provider = this.deps.providers.get(payment.provider);
    if (!provider.cancel) throw new AppError('not_supported', `${payment.provider} payments cannot be canceled through the API`);
    if (isTerminal(payment.status) || payment.status === 'succeeded') throw new AppError('conflict', `a ${payment.status} payment cannot be canceled`);
    const state = await provider.cancel({ paymentId: payment.id, providerRef: payment.providerRef });
    // Unrecorded, the payment would look open meanwhile, and "try again" would send the cancel again.
    return this.applyAnswer(payment, state, 'merchant', 'the provider answered the cancel, but it could not be recorded (the database is unavailable): do not send the cancel again; the payment shows it once the database is back');
  }

  /** The merchant webhook of a move to a final status, written with the move itself. */
  private webhookFor(current: PaymentRecord, target: PaymentStatus, patch: PaymentPatch, previousStatus = current.status): NewOutboxMessage | undefined {
    if (!this.deps.merchantWebhooks || !isWebhookStatus(target)) return undefined;
    return paymentEventMessage({ ...current, ...patch, status: target }, previousStatus);
  }

  /**
   * Runs a provider call that moves money for a payment under the payment's lock, held across every
   * instance. The payment is read again once the lock is held: a second call that waited behind
   * the first finds it moved on and is refused, so the money moves once.
   */
  private async oneAtATime<T>(
    payment: PaymentRecord,
    call: (current: PaymentRecord) => Promise<T>,
    /** A more telling refusal of a payment found moved on, where the caller has one. */
    refusal: (moved: PaymentRecord | undefined) => AppError | undefined = () => undefined,
  ): Promise<T> {
    return this.deps.store.withLock(`payment:${payment.id}`, async () => {
      const current = await this.deps.store.getPayment(payment.id);
      if (!current || current.status !== payment.status) {
        throw refusal(current) ?? new AppError('conflict', `this payment was processed meanwhile: it is ${current?.status ?? 'gone'}`);
      }
      return call(current);
    });
  }

  /** A call that may have moved money got no answer: the payment waits, its challenge is over. */
  private async awaitConfirmation(payment: PaymentRecord, error: ProviderError, source: string): Promise<void> {
    const failure = { code: error.code, message: error.message };
    this.challengePages.endChallenge(payment.id);
    await this.deps.store.transitionPayment(payment.id, payment.status, 'pending', {}, { type: 'provider_error', source, detail: { failure } });
    this.deps.logger.error({ paymentId: payment.id, code: error.code }, 'payment outcome unknown after a call that may have charged; check with the provider');
  }

  /**
   * Applies a provider's answer to a call that moved money (or may have). If the database cannot
   * take it, "try again" would move the money a second time: the answer is recorded once the
   * database is back (recordInTheEnd), and the caller gets outcome_unknown with `unrecorded`.
   * `onUnrecorded` runs first, for what ends with the call either way.
   */
  private applyAnswer(payment: PaymentRecord, state: ProviderPaymentState, source: string, unrecorded: string, onUnrecorded?: () => void): Promise<PaymentRecord> {
    return this.applyState(payment, state, source).catch(async (error: unknown) => {
      if (!isStorageUnavailable(error)) throw error;
      onUnrecorded?.();
      await this.recordInTheEnd(payment, () => this.applyState(payment, state, source), `the provider's answer (${state.status})`);
      throw new AppError('outcome_unknown', unrecorded);
    });
  }

  /**
   * Makes a write about money a provider may have moved now and, while the database is
   * unavailable, again in the background (retryWhileUnavailable). Never rejects; the log names the
   * payment if the write never lands, so that someone checks it at the provider.
   */
  private recordInTheEnd(payment: PaymentRecord, write: () => Promise<unknown>, what: string): Promise<void> {
    return retryWhileUnavailable(write, (failure) =>
      this.deps.logger.error({ paymentId: payment.id, err: failure }, `${what} could not be recorded; check the payment at the provider`),
    );
  }

  /**
   * Card details go with card-entry methods only; installments only as the provider offers them for
   * the card. Returns the chosen plan as offered, whose total is what the shopper agreed to pay.
   */
  private async checkCardInput(session: SessionRecord, method: PaymentMethod, request: PayInput): Promise<InstallmentPlan | undefined> {
    if (method.cardEntry && !request.card) throw new AppError('invalid_request', 'card: this method needs the card details');
    if (!method.cardEntry && request.card) throw new AppError('invalid_request', 'card: this method takes no card details');
    if (!request.installments || request.installments === 1) return undefined;
    if (!method.installments || !request.card) throw new AppError('invalid_request', 'installments: this method offers no installments');
    if (session.captureMethod === 'manual') throw new AppError('invalid_request', 'installments: a pre-authorization is captured in one amount');
    const offered = await this.installmentOptions(session, method.id, request.card.number.slice(0, 8));
    const plan = offered.find((option) => option.count === request.installments);
    if (!plan) throw new AppError('invalid_request', `installments: ${request.installments} is not offered for this card and amount`);
    return { count: plan.count, totalAmount: plan.totalAmount };
  }

  /** Turns the provider's 3-D Secure markup into a page of the proxy's own origin and an `html` action. */
  private withChallengePage(payment: PaymentRecord, state: ProviderPaymentState): ProviderPaymentState {
    if (!state.challengeHtml) return state;
    const { challengeHtml, ...rest } = state;
    const id = this.challengePages.add(payment.id, challengeHtml);
    return { ...rest, status: 'requires_action', action: { type: 'html', url: `${this.deps.publicUrl}/api/checkout/challenge/${id}` } };
  }

  /**
   * Refuses a new payment when the order is already paid. Unsettled payments of the order, from any
   * of its sessions (the shop renews a session for the same order), are asked about first, so one
   * completed on an abandoned provider page, or taken while the database failed, is found before
   * another starts.
   */
  private async refuseIfPaid(session: SessionRecord): Promise<void> {
    const before = await this.deps.store.listPaymentsByOrder(session.orderId);
    const unsettled = before.filter((payment) => payment.status === 'pending' || payment.status === 'requires_action');
    await Promise.all(
      unsettled.map((payment) =>
        this.refresh(payment, 'pay').catch((error: unknown) => {
          this.deps.logger.warn({ paymentId: payment.id, err: error }, 'status lookup before a new attempt failed');
        }),
      ),
    );
    // Read again only if a lookup may have moved one: a pay reads the order's payments once otherwise, as before.
    const orderPayments = unsettled.length > 0 ? await this.deps.store.listPaymentsByOrder(session.orderId) : before;
    const paid = orderPayments.find((payment) => PAID_STATUSES.has(payment.status));
    if (paid) throw new AppError('conflict', `this order is already paid (payment ${paid.id} is ${paid.status})`);
    // Another session's create of this order is under way, or its answer waits to be recorded after a database outage.
    const creating = orderPayments.find((payment) => payment.status === 'created' && payment.sessionId !== session.id);
    if (creating) throw new AppError('payment_in_progress', `payment ${creating.id} of this order is being created; try again in a moment`);
    // A payment whose outcome is unknown and that no lookup can settle may have been charged.
    const unconfirmed = orderPayments.find(
      (payment) => payment.status === 'pending' && this.deps.providers.get(payment.provider).hasStatusLookup?.({ paymentId: payment.id, providerRef: payment.providerRef }) === false,
    );
    if (unconfirmed) throw new AppError('conflict', `payment ${unconfirmed.id} of this order is still being confirmed; the shop will settle it`);
    // A call whose answer never came (or could not be recorded) and that no lookup has settled yet may still have charged.
    for (const payment of orderPayments.filter((candidate) => candidate.status === 'pending')) {
      const events = await this.deps.store.listEvents(payment.id);
      if (events.some((event) => event.type === 'provider_error' && event.toStatus === 'pending')) {
        throw new AppError('payment_in_progress', `the outcome of payment ${payment.id} of this order is not known yet; it is being checked with the provider, try again in a moment`);
      }
    }
  }

  /** A repeated pay call returns the first call's payment, once that call has finished creating it. */
  private async awaitCreated(payment: PaymentRecord): Promise<PaymentRecord> {
    const deadline = Date.now() + REPEAT_WAIT_MS;
    let current = payment;
    while (current.status === 'created' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      current = (await this.deps.store.getPayment(current.id)) ?? current;
    }
    if (current.status === 'created') throw new AppError('payment_in_progress', 'this payment is still being created; try again in a moment');
    return current;
  }

  /** A second paid payment of one order: the shopper paid twice (two tabs, two sessions). Tell the merchant. */
  private async flagDuplicate(payment: PaymentRecord, source: string): Promise<void> {
    const others = (await this.deps.store.listPaymentsByOrder(payment.orderId)).filter(
      (other) => other.id !== payment.id && PAID_STATUSES.has(other.status),
    );
    if (others.length === 0) return;
    const detail = { paidAlso: others.map((other) => other.id) };
    this.deps.logger.error({ paymentId: payment.id, orderId: payment.orderId, ...detail }, 'order paid more than once; refund one payment');
    await this.deps.store.appendEvent(payment.id, { type: 'duplicate_payment', source, detail });
  }

  private returnUrl(paymentId: string, outcome: 'success' | 'fail' | 'pending'): string {
    return `${this.deps.publicUrl}/api/checkout/return/${paymentId}?outcome=${outcome}`;
  }

  private async recordCreateFailure(payment: PaymentRecord, error: unknown): Promise<PaymentRecord> {
    const providerError = error instanceof ProviderError ? error : undefined;
    const appError = error instanceof AppError ? error : undefined;
    const code = appError?.code ?? 'internal';
    const failure = { code, message: appError?.message ?? 'the payment could not be created' };
    // An unavailable database met inside the adapter may have come after the create was sent.
    if (code === 'outcome_unknown' || code === 'provider_unavailable' || code === 'storage_unavailable') {
      // The provider may have created it: wait for a status lookup by our reference, never re-create blindly.
      await this.recordInTheEnd(
        payment,
        () => this.deps.store.transitionPayment(payment.id, payment.status, 'pending', {}, { type: 'provider_error', source: 'pay', detail: { failure } }),
        'a payment whose outcome is unknown',
      );
      this.deps.logger.warn({ paymentId: payment.id, code }, 'payment outcome unknown; waiting for a status lookup');
      // "Try again in a moment" would be wrong here: the card may be charged, and a new attempt is refused until a lookup tells.
      if (code === 'storage_unavailable') throw new AppError('outcome_unknown', 'the payment may have been made, but it could not be recorded: do not pay again; the shop will confirm it');
      throw error;
    }
    await this.deps.store.transitionPayment(
      payment.id,
      payment.status,
      'failed',
      { failure },
      { type: 'provider_error', source: 'pay', detail: { failure } },
      this.webhookFor(payment, 'failed', { failure }),
    );
    throw error;
  }
}


/**
 * What a record of a refund's outcome expects: still its own write-ahead. A record retried once the
 * database is back may come after a lookup settled that refund and a newer one was written ahead,
 * which it must neither move back nor mark as answered by the provider.
 */
function writtenAhead(pending: PaymentRecord): TransitionFrom {
  return { status: 'refund_pending', refundedAmount: pending.refundedAmount, updatedAt: pending.updatedAt };
}

/** The refusal of a refund while the previous one may still move money. */
function refundStillPending(): AppError {
  return new AppError('conflict', 'a refund of this payment is still pending; a new one can be asked once it has settled');
}

/** Why a failed `call` may have moved money: the provider client's own words, or what failed. */
function mayHaveMovedMessage(error: unknown, call: 'refund' | 'capture'): string {
  if (error instanceof ProviderError && error.code === 'outcome_unknown') return error.message;
  return isStorageUnavailable(error) ? `the ${call} may have been sent; the database failed while it was recorded` : `the ${call} call failed unexpectedly and may have been sent`;
}

/** The record of a capture the provider (or the adapter, before sending) refused: it ends the attempt written ahead. */
function isCaptureRefusal(event: PaymentEvent): boolean {
  const detail = event.detail as { captureAmount?: unknown; failure?: { code?: unknown } } | undefined;
  return event.type === 'provider_error' && detail?.captureAmount !== undefined && detail.failure?.code !== 'outcome_unknown';
}

/** The record of a provider's answer that a refund is pending at its end (keepRefundPending, or a lookup's recordRefundSettled). */
function isRefundPendingAnswer(event: PaymentEvent): boolean {
  return event.type === 'status_changed' && event.fromStatus === 'refund_pending' && event.toStatus === 'refund_pending';
}

function sharedPageStateKey(sessionId: string): string {
  return `session:${sessionId}:shared-payment-page`;
}

function isSharedPage(method: PaymentMethod): boolean {
  return method.id === `${method.provider}:${SHARED_PAGE_METHOD_CODE}`;
}

/** The one method of a session with a shared payment page. */
function sharedPageMethod(provider: ProviderId): PaymentMethod {
  // The shopper chooses the method on the page itself: nothing can be taken before they have.
  return { id: `${provider}:${SHARED_PAGE_METHOD_CODE}`, provider, name: 'Choose on the payment page', category: 'alternative', fields: [], paidOnProviderPage: true };
}

/** The widget's view of a payment. */
export function toPaymentView(payment: PaymentRecord): PaymentView {
  return {
    id: payment.id,
    status: payment.status,
    amount: payment.amount,
    currency: payment.currency,
    ...(payment.action && payment.status === 'requires_action' ? { action: payment.action } : {}),
    ...(payment.failure ? { failure: payment.failure } : {}),
    ...(payment.card ? { card: payment.card } : {}),
    ...(payment.installments ? { installments: payment.installments } : {}),
  };
}

export function toMethodView(method: PaymentMethod): MethodView {
  const { id, name, category, logoUrl, iconUrl, fields, cardEntry, installments } = method;
  return { id, name, category, logoUrl, iconUrl, fields, ...(cardEntry ? { cardEntry } : {}), ...(installments ? { installments } : {}) };
}

function statePatch(current: PaymentRecord, state: ProviderPaymentState, target: PaymentStatus): PaymentPatch {
  const patch: PaymentPatch = {};
  if (state.providerRef && state.providerRef !== current.providerRef) patch.providerRef = state.providerRef;
  if (state.refundedAmount !== undefined && state.refundedAmount !== current.refundedAmount) patch.refundedAmount = state.refundedAmount;
  // While a payment stays in requires_action its action is kept: a later lookup may describe the
  // same page differently (MilkyPay: hpp_url on create, a form on lookup). A new step brings a new one.
  if (target === 'requires_action' && state.action && (!current.action || current.status !== 'requires_action')) patch.action = state.action;
  if (state.capturedAmount !== undefined && state.capturedAmount !== current.capturedAmount) patch.capturedAmount = state.capturedAmount;
  if (state.card && !current.card) patch.card = { mask: state.card.mask, ...(state.card.brand ? { brand: state.card.brand } : {}) };
  // Why a payment ended without money moving: declined, canceled by the shopper, expired.
  const ended = target === 'failed' || target === 'canceled' || target === 'expired';
  if (state.failure && ended && JSON.stringify(state.failure) !== JSON.stringify(current.failure)) patch.failure = state.failure;
  return patch;
}

/**
 * A fingerprint of the pay request, to tell a repeat from a reused key. Of the card it takes only
 * what may be kept (last four digits and expiry): a hash of a whole card number can be reversed.
 */
function hashPayRequest(request: PayInput): string {
  const fields = Object.entries(request.fields).sort(([a], [b]) => a.localeCompare(b));
  const card = request.card && [request.card.number.slice(-4), request.card.expiryMonth, request.card.expiryYear];
  return createHash('sha256').update(JSON.stringify([request.methodId, fields, card ?? null, request.installments ?? 1])).digest('hex');
}

/** The interest a plan's total implies, in percent with two decimals, for providers that give amounts only. */
function impliedInterestRate(total: number, amount: number): number | undefined {
  return total > amount ? Math.round(((total - amount) / amount) * 10_000) / 100 : undefined;
}

/** Whether the provider's amount and currency, where it reports them, are the payment's own. */
function matchesPayment(payment: PaymentRecord, state: ProviderPaymentState): boolean {
  // In installments a provider may report the order amount or the plan's total with interest,
  // both of which the shopper agreed to.
  const agreed = [payment.amount, ...(payment.installments ? [payment.installments.totalAmount] : [])];
  if (state.amount !== undefined && !agreed.includes(state.amount)) return false;
  if (state.currency !== undefined && state.currency !== payment.currency) return false;
  return true;
}

/** Checks the extra fields a method requires, by their patterns; a bad one is a 400 naming the field. */
function checkMethodFields(method: PaymentMethod, given: Record<string, string>): Record<string, string> {
  const fields: Record<string, string> = {};
  const problems: { path: string; message: string }[] = [];
  for (const field of method.fields) {
    const value = given[field.key]?.trim() ?? '';
    if (value === '') {
      if (field.required) problems.push({ path: `fields.${field.key}`, message: `${field.label} is required` });
      continue;
    }
    if (field.pattern && !safeRegExp(field.pattern)?.test(value)) {
      problems.push({ path: `fields.${field.key}`, message: `${field.label} has an invalid format` });
      continue;
    }
    fields[field.key] = value;
  }
  if (problems.length > 0) {
    throw new AppError('invalid_request', problems.map((p) => `${p.path}: ${p.message}`).join('; '), { fields: problems });
  }
  return fields;
}

function safeRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern);
  } catch {
    return undefined;
  }
}
