/**
 * Two proxy instances on one PostgreSQL doing the same work at the same moment, as behind a load
 * balancer: the merchant's retry of a refund lands on the other instance, the provider's callback
 * is delivered to both, both reconcilers wake together. The provider is one stub shared by both, so
 * every call that reached it is counted here; each piece of work must have exactly one effect.
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import type { PaymentProvider, ProviderPaymentState } from '../providers/provider.js';
import { ProviderRegistry } from '../providers/registry.js';
import { PostgresStore } from '../store/postgres-store.js';
import { createTestDatabase } from '../testing/postgres-cluster.js';
import { testPostgres } from '../testing/postgres-database.js';
import { heldRefunds } from '../testing/held-refunds.js';
import { stubProvider } from '../testing/stub-provider.js';
import { PaymentService } from './payment-service.js';
import { Reconciler } from './reconciler.js';

const { url: serverUrl, problem } = testPostgres();
const logger = createLogger({ level: 'silent' });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

if (!serverUrl) {
  it('runs two instances on one PostgreSQL', () => {
    throw new Error(problem);
  });
} else {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  /** The provider both instances talk to: refunds and lookups take a while, and are counted. */
  function sharedProvider(states: Map<string, ProviderPaymentState>) {
    const refunds: { paymentId: string; amount: number }[] = [];
    const lookups: string[] = [];
    const provider = stubProvider('milkypay', {
      async getPayment({ paymentId }) {
        lookups.push(paymentId);
        await pause(30);
        return states.get(paymentId) ?? { status: 'pending' };
      },
      async refund({ paymentId }, amount): Promise<ProviderPaymentState> {
        refunds.push({ paymentId, amount });
        await pause(50);
        const refunded = refunds.filter((refund) => refund.paymentId === paymentId).reduce((sum, refund) => sum + refund.amount, 0);
        return { status: refunded >= 5000 ? 'refunded' : 'partially_refunded', refundedAmount: refunded };
      },
      readCallback: (input) => (input.paymentId ? { paymentId: input.paymentId } : undefined),
    });
    return { provider, refunds, lookups };
  }

  async function twoInstances<Shared extends { provider: PaymentProvider }>(shared: Shared) {
    const database = await createTestDatabase(serverUrl!);
    cleanups.push(() => database.drop());
    const stores = await Promise.all([1, 2].map(() => PostgresStore.open(database.url)));
    cleanups.push(...stores.map((store) => () => store.close()));
    const services = stores.map(
      (store) => new PaymentService({ store, providers: new ProviderRegistry([shared.provider]), logger, publicUrl: 'http://127.0.0.1:9', merchantWebhooks: true }),
    );
    return { url: database.url, stores, services, store: stores[0]!, ...shared };
  }

  async function payment(store: PostgresStore, id: string, status: 'succeeded' | 'pending') {
    const now = new Date(Date.now() - 120_000).toISOString();
    await store.createSession({ id: `ses_${id}`, orderId: `order_${id}`, amount: 5000, currency: 'USD', returnUrl: 'https://shop.example/r', locale: 'en', captureMethod: 'automatic', createdAt: now, expiresAt: now });
    const { payment } = await store.createPayment({ id, sessionId: `ses_${id}`, orderId: `order_${id}`, provider: 'milkypay', methodId: 'milkypay:card', amount: 5000, currency: 'USD', status, providerRef: `ref_${id}` });
    return payment;
  }

  /** Status changes recorded for a payment, and the merchant webhooks written with them. */
  async function effects(store: PostgresStore, id: string) {
    const moves = (await store.listEvents(id)).filter((event) => event.type !== 'created' && event.toStatus).map((event) => `${event.fromStatus}>${event.toStatus}`);
    const webhooks = (await store.listOutboxByPayment(id)).map((message) => message.type);
    return { moves, webhooks };
  }

  describe('two instances on one PostgreSQL doing the same work at once', () => {
    it('refunds a payment once when both instances are asked to refund it in full', async () => {
      const { services, store, refunds } = await twoInstances(sharedProvider(new Map()));
      const paid = await payment(store, 'pay_full', 'succeeded');
      const results = await Promise.allSettled(services.map((service) => service.refund(paid, undefined, 'customer asked twice')));
      expect(refunds).toEqual([{ paymentId: 'pay_full', amount: 5000 }]);
      expect(results.map((result) => (result.status === 'fulfilled' ? result.value.status : (result.reason as { code: string }).code)).sort()).toEqual(['conflict', 'refunded']);
      // Written ahead, then settled; the merchant hears of the refund once, as before the write-ahead.
      expect(await effects(store, 'pay_full')).toEqual({ moves: ['succeeded>refund_pending', 'refund_pending>refunded'], webhooks: ['payment.refunded'] });
    });

    it('never refunds more than was paid when both instances take a partial refund at once', async () => {
      const { services, store, refunds } = await twoInstances(sharedProvider(new Map()));
      const paid = await payment(store, 'pay_partial', 'succeeded');
      const results = await Promise.allSettled(services.map((service) => service.refund(paid, 3000, 'two partial refunds')));
      expect(refunds.map((refund) => refund.amount)).toEqual([3000]);
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      expect(await store.getPayment('pay_partial')).toMatchObject({ status: 'partially_refunded', refundedAmount: 3000 });
      expect((await effects(store, 'pay_partial')).moves).toEqual(['succeeded>refund_pending', 'refund_pending>partially_refunded']);
    });

    it('refuses a refund on the other instance while the first is on its way, as still pending', async () => {
      const { services, stores, store, refunds, calls, firstReached, answerAll } = await twoInstances(heldRefunds());
      const paid = await payment(store, 'pay_in_flight', 'succeeded');
      const first = services[0]!.refund(paid, undefined, 'customer asked');
      await firstReached;
      // The merchant's retry reaches the other instance and reads the payment as GET shows it.
      const read = (await stores[1]!.getPayment('pay_in_flight'))!;
      expect(read.status).toBe('refund_pending');
      await expect(services[1]!.refund(read, undefined, 'customer asked')).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('still pending') });
      expect(calls()).toBe(1);
      answerAll();
      await expect(first).resolves.toMatchObject({ status: 'refunded' });
      expect(refunds).toEqual([5000]);
    });

    it('refunds once when the first instance loses its lock with its connection while the provider is asked', async () => {
      const { url, services, store, refunds, calls, firstReached, answerAll } = await twoInstances(heldRefunds());
      const paid = await payment(store, 'pay_lost_lock', 'succeeded');
      const first = services[0]!.refund(paid, undefined, 'customer asked');
      await firstReached;
      // The lock holder's backend is killed (a restart, an operator): PostgreSQL frees its advisory lock.
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      cleanups.push(() => admin.end());
      const { rowCount } = await admin.query("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND pid <> pg_backend_pid()");
      expect(rowCount).toBe(1);
      // The other instance takes the lock at once, with the payment as the merchant read it before the first refund.
      let answered = false;
      const second = services[1]!
        .refund(paid, undefined, 'customer asked')
        .catch((error: unknown) => error)
        .finally(() => (answered = true));
      for (let waited = 0; !answered && calls() < 2 && waited < 3_000; waited += 20) await pause(20);
      answerAll();
      expect(await second).toMatchObject({ code: 'conflict', message: expect.stringContaining('still pending') });
      // The first instance records the provider's answer on another connection.
      await expect(first).resolves.toMatchObject({ status: 'refunded' });
      expect(refunds).toEqual([5000]);
      expect(await effects(store, 'pay_lost_lock')).toEqual({ moves: ['succeeded>refund_pending', 'refund_pending>refunded'], webhooks: ['payment.refunded'] });
    });

    it('moves a payment once when the same callback reaches both instances, however often', async () => {
      const states = new Map<string, ProviderPaymentState>([['pay_callback', { status: 'succeeded', amount: 5000, currency: 'USD' }]]);
      const { services, store } = await twoInstances(sharedProvider(states));
      await payment(store, 'pay_callback', 'pending');
      const callback = { paymentId: 'pay_callback', headers: {}, body: {}, query: {} };
      await Promise.all([...services, ...services, ...services].map((service) => service.handleCallback('milkypay', callback)));
      expect(await effects(store, 'pay_callback')).toEqual({ moves: ['pending>succeeded'], webhooks: ['payment.succeeded'] });
    });

    it('looks each quiet payment up once and moves it once when both reconcilers run together', async () => {
      const ids = Array.from({ length: 12 }, (_, i) => `pay_quiet_${i}`);
      const states = new Map<string, ProviderPaymentState>(ids.map((id) => [id, { status: 'succeeded', amount: 5000, currency: 'USD' }]));
      const { services, stores, store, lookups } = await twoInstances(sharedProvider(states));
      for (const id of ids) await payment(store, id, 'pending');
      // Quiet for a second: the reconcilers' threshold, here and in the claims they make.
      await pause(1_100);
      const reconcilers = stores.map((each, i) => new Reconciler({ store: each, payments: services[i]!, logger }, { intervalMs: 60_000, quietForMs: 1_000, batchSize: 8 }));
      // Two passes each, both instances at once: a payment claimed by one is not claimed again by the other.
      for (let pass = 0; pass < 2; pass++) await Promise.all(reconcilers.map((reconciler) => reconciler.reconcilePending()));
      expect([...lookups].sort()).toEqual([...ids].sort());
      for (const id of ids) expect(await effects(store, id)).toEqual({ moves: ['pending>succeeded'], webhooks: ['payment.succeeded'] });
    });
  });
}
