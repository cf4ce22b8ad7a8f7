/**
 * A new payment's row must outlive a power loss before money can move without it. By default the
 * flush comes before the provider is called. Methods whose adapter says money moves only on the
 * page we hand over overlap the flush with the provider call, but no page of theirs goes out (in
 * the pay answer, a poll or after a callback) before the flush, and none at all if it failed.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { createLogger } from '../logger.js';
import type { PaymentMethod, PaymentProvider, ProviderPaymentState } from '../providers/provider.js';
import { ProviderRegistry } from '../providers/registry.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { openTestSession } from '../testing/open-session.js';
import { PaymentService } from './payment-service.js';

const HOSTED: PaymentMethod = { id: 'milkypay:hosted', provider: 'milkypay', name: 'Hosted page', category: 'card', fields: [], paidOnProviderPage: true };
const UNDECLARED: PaymentMethod = { id: 'milkypay:other', provider: 'milkypay', name: 'Other', category: 'alternative', fields: [] };
const WITH_FIELDS: PaymentMethod = {
  id: 'milkypay:wallet',
  provider: 'milkypay',
  name: 'Wallet',
  category: 'wallet',
  fields: [{ key: 'phone', label: 'Phone', required: true, type: 'string' }],
};
const PAGE: ProviderPaymentState = { status: 'requires_action', providerRef: 'inv_1', action: { type: 'redirect', url: 'https://milkypay.example/pay/inv_1' } };

/**
 * An in-memory store whose flushes finish only when the test says so; a failed flush stays failed,
 * as the SQLite store's does. `log` records the order of events.
 */
function storeWithHeldFlushes() {
  const store = SqliteStore.open(':memory:');
  const log: string[] = [];
  let pending: { resolve: () => void; reject: (error: Error) => void }[] = [];
  let failure: Error | undefined;
  store.durable = () => {
    if (failure) return Promise.reject(failure);
    log.push('flush started');
    return new Promise<void>((resolve, reject) => pending.push({ resolve, reject }));
  };
  const settle = (outcome: (waiter: (typeof pending)[number]) => void) => {
    const waiters = pending;
    pending = [];
    waiters.forEach(outcome);
  };
  return {
    store,
    log,
    finishFlush: () => {
      log.push('flush done');
      settle((waiter) => waiter.resolve());
    },
    failFlush: (error: Error) => {
      failure = error;
      settle((waiter) => waiter.reject(error));
    },
  };
}

async function setUp() {
  const held = storeWithHeldFlushes();
  const session = await openTestSession(held.store);
  const provider: PaymentProvider = {
    id: 'milkypay',
    capabilities: { refund: false, capture: false, cancel: false, installments: false },
    listMethods: async () => [HOSTED, UNDECLARED, WITH_FIELDS],
    createPayment: async () => {
      held.log.push('provider called');
      return PAGE;
    },
    createSharedPayment: async () => {
      held.log.push('shared page created');
      return PAGE;
    },
    getPayment: async () => {
      held.log.push('lookup');
      return PAGE;
    },
    getPayments: async (lookups) => {
      held.log.push('batch lookup');
      return new Map(lookups.map((lookup) => [lookup.paymentId, PAGE]));
    },
    readCallback: (input) => (input.paymentId ? { paymentId: input.paymentId } : undefined),
  };
  const service = new PaymentService({ store: held.store, providers: new ProviderRegistry([provider]), logger: createLogger({ level: 'silent' }), publicUrl: 'http://proxy' });
  return { ...held, service, session };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('a new payment is on disk before money can move without it', () => {
  it('calls the provider for a method with shopper fields only after the flush', async () => {
    const { service, session, log, finishFlush } = await setUp();
    const paying = service.pay(session, { methodId: WITH_FIELDS.id, fields: { phone: '+15550100' } }, 'k1', {});
    await tick();
    expect(log).toEqual(['flush started']);
    finishFlush();
    await expect(paying).resolves.toMatchObject({ status: 'requires_action' });
    expect(log).toEqual(['flush started', 'flush done', 'provider called']);
  });

  it('flushes first for a method whose adapter does not say money waits for the shopper', async () => {
    const { service, session, log, finishFlush } = await setUp();
    const paying = service.pay(session, { methodId: UNDECLARED.id, fields: {} }, 'k1b', {});
    await tick();
    expect(log).toEqual(['flush started']);
    finishFlush();
    await paying;
    expect(log).toEqual(['flush started', 'flush done', 'provider called']);
  });

  it('calls the provider for a hosted page during the flush, but answers with the page only after it', async () => {
    const { service, session, log, finishFlush } = await setUp();
    let answered = false;
    const paying = service.pay(session, { methodId: HOSTED.id, fields: {} }, 'k2', {}).finally(() => (answered = true));
    await tick();
    expect(log).toEqual(['flush started', 'provider called']);
    expect(answered).toBe(false);
    finishFlush();
    await expect(paying).resolves.toMatchObject({ status: 'requires_action', action: { type: 'redirect' } });
    expect(log).toEqual(['flush started', 'provider called', 'flush done']);
  });

  it('creates a shared payment page during the flush: the shopper chooses what to pay with on it', async () => {
    const { service, store, log, finishFlush } = await setUp();
    const shared = await openTestSession(store, { id: 's-shared', provider: 'milkypay' });
    const saving = service.saveSharedPaymentPage(shared.id, { options: [{ label: 'Any card', vendor: 'cards' }], amounts: [] });
    await tick();
    finishFlush();
    await saving;
    log.length = 0;
    const [method] = await service.listMethods(shared);
    let answered = false;
    const paying = service.pay(shared, { methodId: method!.id, fields: {} }, 'k-shared', {}).finally(() => (answered = true));
    await tick();
    expect(log).toEqual(['flush started', 'shared page created']);
    expect(answered).toBe(false);
    finishFlush();
    await expect(paying).resolves.toMatchObject({ status: 'requires_action', action: { type: 'redirect' } });
  });

  it('gives a poll during the flush no page: the payment is shown as it is, unasked', async () => {
    const { store, service, session, log, finishFlush } = await setUp();
    const paying = service.pay(session, { methodId: HOSTED.id, fields: {} }, 'k3', {});
    await tick();
    const [created] = await store.listPaymentsBySession('s');
    const polled = await service.refreshIfStale(created!);
    expect(polled).toMatchObject({ status: 'created' });
    expect(polled.action).toBeUndefined();
    expect(log).not.toContain('lookup');
    finishFlush();
    await paying;
  });

  it('refuses the payment when the flush fails: no page in the answer, after a callback or on a poll', async () => {
    const { store, service, session, log, failFlush } = await setUp();
    const paying = service.pay(session, { methodId: HOSTED.id, fields: {} }, 'k4', {});
    await tick();
    failFlush(new Error('EIO: i/o error, fdatasync'));
    const refused = await paying.catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'storage_unavailable', status: 503 });
    // The row keeps the invoice's reference, for the reconciler after a restart, but no page.
    const [payment] = await store.listPaymentsBySession('s');
    expect(payment).toMatchObject({ status: 'created', providerRef: 'inv_1' });
    expect(payment?.action).toBeUndefined();
    // MilkyPay's "invoice created" callback, and the shopper polling, get no page out of it either.
    await service.handleCallback('milkypay', { paymentId: payment!.id, headers: {}, body: {}, query: {} }).catch(() => undefined);
    await tick();
    await service.refreshIfStale(payment!).catch(() => undefined);
    expect(log.filter((entry) => entry === 'lookup').length).toBeGreaterThan(0);
    expect((await store.getPayment(payment!.id))?.action).toBeUndefined();
  });

  it("gives the reconciler's batch lookup no page before the flush either", async () => {
    const { store, service, session, log, finishFlush } = await setUp();
    const paying = service.pay(session, { methodId: HOSTED.id, fields: {} }, 'k6', {});
    await tick();
    const [created] = await store.listPaymentsBySession('s');
    let reconciled = false;
    const batch = service.refreshBatch([created!], 'reconcile').finally(() => (reconciled = true));
    await tick();
    expect(log).toContain('batch lookup');
    expect(reconciled).toBe(false);
    expect((await store.getPayment(created!.id))?.action).toBeUndefined();
    finishFlush();
    await paying;
    await expect(batch).resolves.toEqual([expect.objectContaining({ status: 'requires_action' })]);
  });

  it('fails the payment without calling the provider when a flush that comes first fails', async () => {
    const { store, service, session, log, failFlush } = await setUp();
    const paying = service.pay(session, { methodId: WITH_FIELDS.id, fields: { phone: '+15550100' } }, 'k5', {});
    await tick();
    failFlush(new Error('EIO: i/o error, fdatasync'));
    await expect(paying).rejects.toMatchObject({ code: 'storage_unavailable' });
    expect(log).not.toContain('provider called');
    const [payment] = await store.listPaymentsBySession('s');
    expect(payment).toMatchObject({ status: 'failed', failure: { code: 'storage_unavailable' } });
  });
});
