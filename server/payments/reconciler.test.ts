import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import type { PaymentProvider, ProviderPaymentState } from '../providers/provider.js';
import { ProviderRegistry } from '../providers/registry.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { PaymentService } from './payment-service.js';
import { Reconciler } from './reconciler.js';

function providerAnswering(states: Record<string, ProviderPaymentState>): PaymentProvider & { lookups: string[] } {
  const lookups: string[] = [];
  return {
    id: 'milkypay',
    capabilities: { refund: false, capture: false, cancel: false, installments: false },
    lookups,
    listMethods: async () => [],
    createPayment: async () => ({ status: 'pending' }),
    getPayment: async ({ paymentId }) => {
      lookups.push(paymentId);
      const state = states[paymentId];
      if (!state) throw new Error('unknown');
      return state;
    },
    readCallback: () => undefined,
  };
}

describe('Reconciler', () => {
  it('settles payments that have been quiet, and leaves settled ones alone', async () => {
    const store = SqliteStore.open(':memory:');
    const now = new Date().toISOString();
    await store.createSession({ id: 's', orderId: 'o', amount: 100, currency: 'USD', returnUrl: 'https://shop.example', locale: 'en', captureMethod: 'automatic', createdAt: now, expiresAt: now });
    const base = { sessionId: 's', orderId: 'o', provider: 'milkypay' as const, methodId: 'milkypay:x', amount: 100, currency: 'USD' };
    await store.createPayment({ ...base, id: 'p_paid', idempotencyKey: '1', status: 'pending' });
    await store.createPayment({ ...base, id: 'p_open', idempotencyKey: '2', status: 'pending' });
    await store.createPayment({ ...base, id: 'p_done', idempotencyKey: '3', status: 'failed' });
    await store.createPayment({ ...base, id: 'p_broken', idempotencyKey: '4', status: 'pending' });
    const provider = providerAnswering({ p_paid: { status: 'succeeded', providerRef: 'cpi_1' }, p_open: { status: 'pending' } });
    const payments = new PaymentService({ store, providers: new ProviderRegistry([provider]), logger: createLogger({ level: 'silent' }), publicUrl: 'http://proxy' });
    const reconciler = new Reconciler({ store, payments, logger: createLogger({ level: 'silent' }) }, { intervalMs: 1000, quietForMs: -1000, batchSize: 10 });

    const [changed, concurrent] = await Promise.all([reconciler.reconcilePending(), reconciler.reconcilePending()]);
    expect(changed).toBe(1);
    expect(concurrent).toBe(1);
    expect(provider.lookups.sort()).toEqual(['p_broken', 'p_open', 'p_paid']);
    expect((await store.getPayment('p_paid'))?.status).toBe('succeeded');
    expect((await store.getPayment('p_open'))?.status).toBe('pending');
    expect((await store.getPayment('p_broken'))?.status).toBe('pending');
  });

  it('asks a provider with a batch lookup once per pass, and alone only about payments the batch left out', async () => {
    const store = SqliteStore.open(':memory:');
    const now = new Date().toISOString();
    await store.createSession({ id: 's', orderId: 'o', amount: 100, currency: 'IDR', returnUrl: 'https://shop.example', locale: 'en', captureMethod: 'automatic', createdAt: now, expiresAt: now });
    const base = { sessionId: 's', orderId: 'o', provider: 'paymenthub' as const, methodId: 'paymenthub:x', amount: 100, currency: 'IDR' };
    for (const id of ['p1', 'p2', 'p3']) await store.createPayment({ ...base, id, idempotencyKey: id, status: 'requires_action' });
    const batches: string[][] = [];
    const single: string[] = [];
    const provider: PaymentProvider = {
      id: 'paymenthub',
      capabilities: { refund: true, capture: false, cancel: true, installments: false },
      listMethods: async () => [],
      createPayment: async () => ({ status: 'pending' }),
      getPayment: async ({ paymentId }) => {
        single.push(paymentId);
        return { status: 'expired' };
      },
      getPayments: async (lookups) => {
        batches.push(lookups.map((lookup) => lookup.paymentId).sort());
        return new Map<string, ProviderPaymentState>([
          ['p1', { status: 'succeeded', amount: 100, currency: 'IDR' }],
          ['p2', { status: 'requires_action' }],
        ]);
      },
      readCallback: () => undefined,
    };
    const payments = new PaymentService({ store, providers: new ProviderRegistry([provider]), logger: createLogger({ level: 'silent' }), publicUrl: 'http://proxy' });
    const reconciler = new Reconciler({ store, payments, logger: createLogger({ level: 'silent' }) }, { intervalMs: 1000, quietForMs: -1000, batchSize: 10 });

    expect(await reconciler.reconcilePending()).toBe(2);
    expect(batches).toEqual([['p1', 'p2', 'p3']]);
    expect(single).toEqual(['p3']);
    expect((await store.getPayment('p1'))?.status).toBe('succeeded');
    expect((await store.getPayment('p2'))?.status).toBe('requires_action');
    expect((await store.getPayment('p3'))?.status).toBe('expired');
  });
  it('keeps its schedule after a pass the database failed, without an unhandled rejection that would end the process', async () => {
    const store = SqliteStore.open(':memory:');
    const now = new Date().toISOString();
    await store.createSession({ id: 's', orderId: 'o', amount: 100, currency: 'USD', returnUrl: 'https://shop.example', locale: 'en', captureMethod: 'automatic', createdAt: now, expiresAt: now });
    await store.createPayment({ sessionId: 's', orderId: 'o', provider: 'milkypay', methodId: 'milkypay:x', amount: 100, currency: 'USD', id: 'p_paid', idempotencyKey: '1', status: 'pending' });
    const claim = store.claimUnsettledPayments.bind(store);
    let outage = 2;
    // As PostgreSQL answers while it refuses connections (a restart, a failover).
    store.claimUnsettledPayments = (...args) => (outage-- > 0 ? Promise.reject(new Error('database "checkout" is not currently accepting connections')) : claim(...args));
    const provider = providerAnswering({ p_paid: { status: 'succeeded', providerRef: 'cpi_1' } });
    const logger = createLogger({ level: 'silent' });
    const payments = new PaymentService({ store, providers: new ProviderRegistry([provider]), logger, publicUrl: 'http://proxy' });
    const reconciler = new Reconciler({ store, payments, logger }, { intervalMs: 10, quietForMs: -1000, batchSize: 10 });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      reconciler.start();
      for (let waited = 0; provider.lookups.length === 0 && waited < 2_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      await reconciler.stop();
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
    expect((await store.getPayment('p_paid'))?.status).toBe('succeeded');
  });
});
