/**
 * The provider moved money and the database failed as the proxy recorded it (a failover, a cut
 * connection, a statement timeout). The answer must not invite the merchant or the shopper to send
 * the call again, and the payment must end up as the provider answered, or wait for a lookup,
 * instead of looking untouched: otherwise a retry moves the money twice.
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { AppError, ProviderError } from '../errors.js';
import type { PaymentMethod, ProviderPaymentState } from '../providers/provider.js';
import { openTestSession } from '../testing/open-session.js';
import { SqliteStore } from '../store/sqlite-store.js';
import type { Store } from '../store/store.js';
import { serviceFor, succeededPayment } from '../testing/payment-service-harness.js';
import { stubProvider } from '../testing/stub-provider.js';

/**
 * The store's next `times` status changes fail as an unavailable database makes them fail, once
 * the `after` before them are made (a refund's write-ahead).
 */
function failNextTransition(store: Store, times = 1, after = 0): void {
  const transition = store.transitionPayment.bind(store);
  let passing = after;
  let failing = times;
  store.transitionPayment = (...args) => {
    if (passing-- > 0 || failing-- <= 0) return transition(...args);
    return Promise.reject(new AppError('storage_unavailable', 'the payment database is unavailable right now; please try again in a moment'));
  };
}

const CARD: PaymentMethod = { id: 'milkypay:card', provider: 'milkypay', name: 'Card', category: 'card', fields: [] };

/** A card checkout whose creates at the provider are counted; `getPayment` is the provider's status lookup. */
function countedCardCheckout(answer: (count: number) => ProviderPaymentState, getPayment: () => Promise<ProviderPaymentState>) {
  const creates: string[] = [];
  const provider = stubProvider('milkypay', {
    listMethods: async () => [CARD],
    async createPayment({ paymentId }): Promise<ProviderPaymentState> {
      creates.push(paymentId);
      return answer(creates.length);
    },
    getPayment,
  });
  return { creates, ...serviceFor(provider) };
}

it('a refund the provider made but the database could not record is not made again by the merchant\'s retry', async () => {
  const refunds: number[] = [];
  const provider = stubProvider('milkypay', {
    getPayment: async () => ({ status: refunds.length > 0 ? 'refunded' : 'succeeded', refundedAmount: refunds.reduce((sum, amount) => sum + amount, 0) }),
    async refund(_lookup, amount): Promise<ProviderPaymentState> {
      refunds.push(amount);
      return { status: 'refunded', refundedAmount: refunds.reduce((sum, each) => sum + each, 0) };
    },
  });
  const { store, payments } = serviceFor(provider);
  const payment = await succeededPayment(store, 'pay_unrecorded', 'milkypay', 5000, 'USD', 'inv_1');

  // Written ahead; then down for the recording and its first retry.
  failNextTransition(store, 2, 1);
  const first = await payments.refund(payment, undefined, 'damaged').catch((error: unknown) => error);
  // Not "try again in a moment": the refund was made.
  expect(first).toMatchObject({ code: 'outcome_unknown', message: expect.stringContaining('do not send') });
  expect((await store.getPayment(payment.id))?.status).toBe('refund_pending');

  const retry = await payments.refund((await store.getPayment(payment.id))!, undefined, 'damaged').catch((error: unknown) => error);
  expect(retry).toMatchObject({ code: 'conflict' });
  expect(refunds).toEqual([5000]);
  expect(await store.getPayment(payment.id)).toMatchObject({ status: 'refunded', refundedAmount: 5000 });
  await store.close();
});

it('a 3-D Secure completion the bank accepted but the database could not record is recorded from the bank\'s answer once the database takes it', async () => {
  // directcard's card payments are known only from the answers to our own calls: no lookup can find
  // this one later, so the answer itself must be recorded, not a pending that nothing would settle.
  const provider = stubProvider('directcard', {
    completeChallenge: async () => ({ status: 'succeeded', amount: 5000, currency: 'USD', providerStatus: 'approved' }),
    hasStatusLookup: () => false,
  });
  const { store, payments } = serviceFor(provider);
  const now = new Date().toISOString();
  await store.createSession({ id: 'ses_3ds', orderId: 'order_3ds', amount: 5000, currency: 'USD', returnUrl: 'https://shop.example/r', locale: 'en', captureMethod: 'automatic', createdAt: now, expiresAt: now });
  await store.createPayment({ id: 'pay_3ds', sessionId: 'ses_3ds', orderId: 'order_3ds', provider: 'directcard', methodId: 'directcard:card', amount: 5000, currency: 'USD', status: 'requires_action', providerRef: 'dc_1', action: { type: 'html', url: 'http://127.0.0.1:9/challenge' } });

  failNextTransition(store);
  const completed = await payments.completeChallenge('pay_3ds', { paymentId: 'dc_1', securityKey: 'k' }).catch((error: unknown) => error);
  // The return page then says the payment is not confirmed yet, not that nothing changed.
  expect(completed).toMatchObject({ code: 'outcome_unknown' });
  expect((await store.getPayment('pay_3ds'))?.status).toBe('succeeded');
  await store.close();
});

it('a create whose adapter met an unavailable database after sending it waits for a lookup instead of failing', async () => {
  // As HankoPay's adapter: the card is charged, then its confirming lookup reads the refunds it keeps in the store.
  const HANKOPAY_CARD: PaymentMethod = { id: 'hankopay:card', provider: 'hankopay', name: 'Card', category: 'card', fields: [] };
  const provider = stubProvider('hankopay', {
    listMethods: async () => [HANKOPAY_CARD],
    createPayment: () => Promise.reject(new AppError('storage_unavailable', 'the payment database is unavailable right now; please try again in a moment')),
  });
  const { store, payments } = serviceFor(provider);
  const session = await openTestSession(store);
  // Not "try again in a moment": the card may be charged.
  await expect(payments.pay(session, { methodId: HANKOPAY_CARD.id, fields: {} }, 'k1', {})).rejects.toMatchObject({ code: 'outcome_unknown' });
  const [payment] = await store.listPaymentsBySession(session.id);
  // Failed, it would never be looked up again, and a charged card would count as unpaid.
  expect(payment?.status).toBe('pending');
  await store.close();
});

it('a refund whose adapter met an unavailable database may have been sent: the payment waits in refund_pending', async () => {
  // As HankoPay's adapter: it writes the refund ahead, sends it, then records HankoPay's answer in the store.
  let sent = 0;
  const provider = stubProvider('hankopay', {
    getPayment: async () => ({ status: 'partially_refunded', refundedAmount: 1000 }),
    async refund(): Promise<ProviderPaymentState> {
      sent += 1;
      throw new AppError('storage_unavailable', 'the payment database is unavailable right now; please try again in a moment');
    },
  });
  const { store, payments } = serviceFor(provider);
  const payment = await succeededPayment(store, 'pay_adapter_store', 'hankopay', 5000, 'USD', 'tx_1');
  const first = await payments.refund(payment, 1000, 'one item').catch((error: unknown) => error);
  expect(first).toMatchObject({ code: 'outcome_unknown', message: expect.stringContaining('do not send') });
  expect((await store.getPayment(payment.id))?.status).toBe('refund_pending');
  // The reconciler's lookup then records the refund the provider made.
  expect(await payments.refresh((await store.getPayment(payment.id))!, 'reconcile')).toMatchObject({ status: 'partially_refunded', refundedAmount: 1000 });
  expect(sent).toBe(1);
  await store.close();
});

it('a capture the provider made but the database could not record is not answered with an invitation to try again', async () => {
  // As directcard, the one provider that captures: its card payments have no status lookup.
  const captures: number[] = [];
  const provider = stubProvider('directcard', {
    async capture(_lookup, amount): Promise<ProviderPaymentState> {
      captures.push(amount);
      return { status: 'succeeded', capturedAmount: amount };
    },
    hasStatusLookup: () => false,
  });
  const { store, payments } = serviceFor(provider);
  const now = new Date().toISOString();
  await store.createSession({ id: 'ses_cap', orderId: 'order_cap', amount: 5000, currency: 'USD', returnUrl: 'https://shop.example/r', locale: 'en', captureMethod: 'manual', createdAt: now, expiresAt: now });
  const { payment } = await store.createPayment({ id: 'pay_cap', sessionId: 'ses_cap', orderId: 'order_cap', provider: 'directcard', methodId: 'directcard:card', amount: 5000, currency: 'USD', status: 'authorized', providerRef: 'auth_1' });
  // Written ahead; then down for the recording of the capture.
  failNextTransition(store, 1, 1);
  await expect(payments.capture(payment, undefined)).rejects.toMatchObject({ code: 'outcome_unknown', message: expect.stringContaining('do not send') });
  // Left authorized, no lookup would ever visit it and a second capture would go through.
  const recorded = (await store.getPayment('pay_cap'))!;
  expect(recorded.status).toBe('succeeded');
  await expect(payments.capture(recorded, undefined)).rejects.toMatchObject({ code: 'conflict' });
  expect(captures).toEqual([5000]);
  await store.close();
});

it('a capture the provider made while another process held the SQLite write lock is recorded once the lock is released, not invited again', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'pay-checkout-busy-')), 'checkout.db');
  // As an operator's sqlite3 shell, or a backup tool, holding the lock for longer than busy_timeout.
  const operator = new Database(path);
  const captures: number[] = [];
  const provider = stubProvider('directcard', {
    async capture(_lookup, amount): Promise<ProviderPaymentState> {
      captures.push(amount);
      operator.exec('BEGIN IMMEDIATE');
      return { status: 'succeeded', capturedAmount: amount };
    },
    hasStatusLookup: () => false,
  });
  const { store, payments } = serviceFor(provider, SqliteStore.open(path, { busyTimeoutMs: 50 }));
  const now = new Date().toISOString();
  await store.createSession({ id: 'ses_busy', orderId: 'order_busy', amount: 5000, currency: 'USD', returnUrl: 'https://shop.example/r', locale: 'en', captureMethod: 'manual', createdAt: now, expiresAt: now });
  const { payment } = await store.createPayment({ id: 'pay_busy', sessionId: 'ses_busy', orderId: 'order_busy', provider: 'directcard', methodId: 'directcard:card', amount: 5000, currency: 'USD', status: 'authorized', providerRef: 'auth_busy' });

  await expect(payments.capture(payment, undefined)).rejects.toMatchObject({ code: 'outcome_unknown', message: expect.stringContaining('do not send') });
  expect((await store.getPayment('pay_busy'))?.status).toBe('authorized');
  operator.exec('ROLLBACK');
  for (let waited = 0; (await store.getPayment('pay_busy'))?.status === 'authorized' && waited < 3_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
  const recorded = (await store.getPayment('pay_busy'))!;
  expect(recorded.status).toBe('succeeded');
  await expect(payments.capture(recorded, undefined)).rejects.toMatchObject({ code: 'conflict' });
  expect(captures).toEqual([5000]);
  operator.close();
  await store.close();
});

it('a payment the provider took but the database could not record is not paid again from a new session of the order', async () => {
  const { creates, store, payments } = countedCardCheckout(
    (count) => ({ status: 'succeeded', providerRef: `inv_${count}`, amount: 4800, currency: 'USD' }),
    async () => ({ status: 'succeeded', providerRef: 'inv_1', amount: 4800, currency: 'USD' }),
  );
  const first = await openTestSession(store, { id: 's1' });

  failNextTransition(store);
  await expect(payments.pay(first, { methodId: CARD.id, fields: {} }, 'k1', {})).rejects.toMatchObject({ code: 'outcome_unknown', message: expect.stringContaining('do not pay again') });
  const [recorded] = await store.listPaymentsBySession(first.id);
  expect(recorded).toMatchObject({ status: 'succeeded', providerRef: 'inv_1' });

  // The shop opens a new session for the same order (the checkout's renewal): no second charge.
  const second = await openTestSession(store, { id: 's2' });
  await expect(payments.pay(second, { methodId: CARD.id, fields: {} }, 'k2', {})).rejects.toMatchObject({ code: 'conflict' });
  expect(creates).toHaveLength(1);
  await store.close();
});

it('a refund the provider made while the database was down is recorded from its answer once the database is back', async () => {
  // The provider has no lookup of it here: only its answer can tell.
  const refunds: number[] = [];
  const provider = stubProvider('milkypay', {
    async refund(_lookup, amount): Promise<ProviderPaymentState> {
      refunds.push(amount);
      return { status: 'refunded', refundedAmount: amount };
    },
    hasStatusLookup: () => false,
  });
  const { store, payments } = serviceFor(provider);
  const payment = await succeededPayment(store, 'pay_outage', 'milkypay', 5000, 'USD', 'inv_2');
  // Written ahead; then down for the recording and for its first retry; back a moment later.
  failNextTransition(store, 2, 1);
  await expect(payments.refund(payment, undefined, 'damaged')).rejects.toMatchObject({ code: 'outcome_unknown' });
  // Meanwhile it is refund_pending, and a retry is refused.
  expect((await store.getPayment(payment.id))?.status).toBe('refund_pending');
  await expect(payments.refund((await store.getPayment(payment.id))!, undefined, 'damaged')).rejects.toMatchObject({ code: 'conflict' });
  for (let waited = 0; (await store.getPayment(payment.id))?.status === 'refund_pending' && waited < 3_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(await store.getPayment(payment.id)).toMatchObject({ status: 'refunded', refundedAmount: 5000 });
  expect(refunds).toEqual([5000]);
  await store.close();
});

it('a cancel the provider made but the database could not record is recorded from its answer, not answered with an invitation to try again', async () => {
  const cancels: string[] = [];
  const provider = stubProvider('paymenthub', {
    async cancel({ paymentId }): Promise<ProviderPaymentState> {
      cancels.push(paymentId);
      return { status: 'canceled', failure: { code: 'canceled', message: 'canceled by the merchant' } };
    },
  });
  const { store, payments } = serviceFor(provider);
  const now = new Date().toISOString();
  await store.createSession({ id: 'ses_cancel', orderId: 'order_cancel', amount: 5000, currency: 'USD', returnUrl: 'https://shop.example/r', locale: 'en', captureMethod: 'automatic', createdAt: now, expiresAt: now });
  const { payment } = await store.createPayment({ id: 'pay_cancel', sessionId: 'ses_cancel', orderId: 'order_cancel', provider: 'paymenthub', methodId: 'paymenthub:x', amount: 5000, currency: 'USD', status: 'requires_action', providerRef: 'ph_1', action: { type: 'redirect', url: 'https://hub.example/pay' } });
  failNextTransition(store);
  await expect(payments.cancel(payment)).rejects.toMatchObject({ code: 'outcome_unknown', message: expect.stringContaining('do not send') });
  const recorded = (await store.getPayment('pay_cancel'))!;
  expect(recorded.status).toBe('canceled');
  await expect(payments.cancel(recorded)).rejects.toMatchObject({ code: 'conflict' });
  expect(cancels).toEqual(['pay_cancel']);
  await store.close();
});

it('a payment of the order whose outcome is unknown stops a new one from another session while the provider cannot be asked', async () => {
  const { creates, store, payments } = countedCardCheckout(
    (count) => ({ status: 'pending', providerRef: `inv_${count}` }),
    () => Promise.reject(new ProviderError('provider_unavailable', 'MilkyPay did not answer', 'milkypay')),
  );
  // A payment with the provider's reference whose last call's outcome is unknown (as a lost 3-D Secure answer leaves it).
  const first = await openTestSession(store, { id: 's1' });
  await store.createPayment({ id: 'pay_unknown', sessionId: first.id, orderId: first.orderId, provider: 'milkypay', methodId: CARD.id, amount: 4800, currency: 'USD', status: 'requires_action', providerRef: 'inv_0' });
  await store.transitionPayment('pay_unknown', 'requires_action', 'pending', {}, { type: 'provider_error', source: '3ds', detail: { failure: { code: 'outcome_unknown', message: 'no answer' } } });

  const second = await openTestSession(store, { id: 's2' });
  await expect(payments.pay(second, { methodId: CARD.id, fields: {} }, 'k2', {})).rejects.toMatchObject({ code: 'payment_in_progress' });
  expect(creates).toEqual([]);
  await store.close();
});

it('while a payment\'s answer waits to be recorded after an outage, a new session of the order cannot pay', async () => {
  const { creates, store, payments } = countedCardCheckout(
    (count) => ({ status: 'succeeded', providerRef: `inv_${count}`, amount: 4800, currency: 'USD' }),
    async () => ({ status: 'succeeded', providerRef: 'inv_1', amount: 4800, currency: 'USD' }),
  );
  const first = await openTestSession(store, { id: 's1' });
  // Down for the recording and for the first retry: the payment is still `created`, without the provider's reference.
  failNextTransition(store, 2);
  await expect(payments.pay(first, { methodId: CARD.id, fields: {} }, 'k1', {})).rejects.toMatchObject({ code: 'outcome_unknown' });
  expect((await store.listPaymentsBySession(first.id))[0]).toMatchObject({ status: 'created' });

  const second = await openTestSession(store, { id: 's2' });
  await expect(payments.pay(second, { methodId: CARD.id, fields: {} }, 'k2', {})).rejects.toMatchObject({ code: 'payment_in_progress', message: expect.stringContaining('being created') });
  expect(creates).toHaveLength(1);
  // The retry then records the provider's answer.
  for (let waited = 0; (await store.listPaymentsBySession(first.id))[0]?.status === 'created' && waited < 3_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
  expect((await store.listPaymentsBySession(first.id))[0]).toMatchObject({ status: 'succeeded', providerRef: 'inv_1' });
  await store.close();
});
