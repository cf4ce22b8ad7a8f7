/**
 * A refund is written ahead: the payment is refund_pending before the provider is asked, so that
 * nothing (a second refund, a lookup, another instance whose lock does not exclude this one's, a
 * restart after a crash) can read it as unrefunded while the refund may be on its way. (On two
 * PostgreSQL instances, with the lock's connection killed: same-work-on-two-instances.test.ts.)
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError, ProviderError } from '../errors.js';
import { createLogger } from '../logger.js';
import type { PaymentProvider, ProviderPaymentState } from '../providers/provider.js';
import { ProviderRegistry } from '../providers/registry.js';
import { KeyedMutex } from '../store/keyed-mutex.js';
import { SqliteStore } from '../store/sqlite-store.js';
import type { Store } from '../store/store.js';
import { heldRefunds } from '../testing/held-refunds.js';
import { succeededPayment } from '../testing/payment-service-harness.js';
import { stubProvider } from '../testing/stub-provider.js';
import { PaymentService, REFUND_IN_FLIGHT_MS } from './payment-service.js';
import { Reconciler } from './reconciler.js';

const logger = createLogger({ level: 'silent' });

afterEach(() => {
  vi.useRealTimers();
});

function service(store: Store, provider: PaymentProvider) {
  return new PaymentService({ store, providers: new ProviderRegistry([provider]), logger, publicUrl: 'http://127.0.0.1:9', merchantWebhooks: true });
}

/** The same store as another process sees it: the in-process lock of the first does not exclude it (a restart, a lost lock). */
function elsewhere(store: SqliteStore): Store {
  const locks = new KeyedMutex();
  return Object.assign(Object.create(store) as SqliteStore, { withLock: <T>(name: string, fn: () => Promise<T>) => locks.run(name, fn) });
}

async function until(condition: () => Promise<boolean>): Promise<void> {
  for (let waited = 0; !(await condition()) && waited < 2_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
}

async function effects(store: SqliteStore, id: string) {
  const moves = (await store.listEvents(id)).filter((event) => event.type !== 'created' && event.toStatus).map((event) => `${event.fromStatus}>${event.toStatus}`);
  const webhooks = (await store.listOutboxByPayment(id)).map((message) => {
    const body = JSON.parse(message.body) as { data: { previousStatus: string } };
    return `${body.data.previousStatus}>${message.type}`;
  });
  return { moves, webhooks };
}

describe('a refund on its way to the provider', () => {
  it('shows the payment refund_pending, refuses a second refund as still pending, and no lookup reads it back to succeeded', async () => {
    const store = SqliteStore.open(':memory:');
    const { provider, refunds, calls, answerAll } = heldRefunds();
    const payments = service(store, provider);
    const paid = await succeededPayment(store, 'pay_flight', 'milkypay', 5000, 'USD', 'inv_1');

    const first = payments.refund(paid, undefined, 'damaged');
    await until(async () => calls() === 1);
    // What GET /api/payments/:id shows while the provider is asked.
    const read = (await store.getPayment(paid.id))!;
    expect(read.status).toBe('refund_pending');

    // The merchant's retry (another Idempotency-Key) asks the provider first, which shows no refund yet.
    await expect(payments.refund(read, undefined, 'damaged')).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('still pending') });
    // Nor does a callback's lookup, or the reconciler's, move it back.
    await payments.handleCallback('milkypay', { paymentId: paid.id, headers: {}, body: {}, query: {} });
    await new Reconciler({ store, payments, logger }, { intervalMs: 60_000, quietForMs: -1_000, batchSize: 10 }).reconcilePending();
    expect((await store.getPayment(paid.id))?.status).toBe('refund_pending');
    await expect(payments.refund((await store.getPayment(paid.id))!, undefined, 'damaged')).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('still pending') });
    expect(calls()).toBe(1);

    answerAll();
    await expect(first).resolves.toMatchObject({ status: 'refunded', refundedAmount: 5000 });
    expect(refunds).toEqual([5000]);
    // The merchant hears of the refund once it has landed, as before the write-ahead: not of the write-ahead itself.
    expect(await effects(store, paid.id)).toEqual({ moves: ['succeeded>refund_pending', 'refund_pending>refunded'], webhooks: ['succeeded>payment.refunded'] });
    await store.close();
  });

  it('is sent once when another instance, whose lock does not exclude this one, refunds the payment as it read it before', async () => {
    const store = SqliteStore.open(':memory:');
    const { provider, refunds, calls, answerAll } = heldRefunds();
    const paid = await succeededPayment(store, 'pay_lost_lock', 'milkypay', 5000, 'USD', 'inv_2');

    const first = service(store, provider).refund(paid, undefined, 'damaged');
    await until(async () => calls() === 1);
    // The other instance holds the lock as well (the first one's was lost) and reads the payment again under it.
    let answered = false;
    const second = service(elsewhere(store), provider)
      .refund(paid, undefined, 'damaged')
      .catch((error: unknown) => error)
      .finally(() => (answered = true));
    await until(async () => answered || calls() === 2);
    answerAll();
    expect(await second).toMatchObject({ code: 'conflict', message: expect.stringContaining('still pending') });
    await expect(first).resolves.toMatchObject({ status: 'refunded' });
    expect(refunds).toEqual([5000]);
    await store.close();
  });

  it('left refund_pending by a process that died is settled by the reconciler once no refund can still be on its way, and only then refunded anew', async () => {
    const store = SqliteStore.open(':memory:');
    const refunds: number[] = [];
    let asked = false;
    const paid = await succeededPayment(store, 'pay_crash', 'milkypay', 5000, 'USD', 'inv_3');
    // The process dies while its refund is on its way, before it reached the provider: nothing answers it, ever.
    const dying = stubProvider('milkypay', {
      refund: () => {
        asked = true;
        return new Promise<ProviderPaymentState>(() => undefined);
      },
    });
    void service(store, dying).refund(paid, undefined, 'damaged');
    await until(async () => asked);

    // After the restart: a fresh process, a fresh lock, the same store and provider, which shows no refund.
    const provider = stubProvider('milkypay', {
      getPayment: async () => ({ status: refunds.length > 0 ? 'refunded' : 'succeeded', refundedAmount: refunds.reduce((sum, amount) => sum + amount, 0) }),
      async refund(_lookup, amount): Promise<ProviderPaymentState> {
        refunds.push(amount);
        return { status: 'refunded', refundedAmount: amount };
      },
    });
    vi.useFakeTimers({ toFake: ['Date'] });
    const restarted = service(elsewhere(store), provider);
    const reconciler = new Reconciler({ store, payments: restarted, logger }, { intervalMs: 60_000, quietForMs: -1_000, batchSize: 10 });
    await reconciler.reconcilePending();
    expect((await store.getPayment(paid.id))?.status).toBe('refund_pending');
    await expect(restarted.refund((await store.getPayment(paid.id))!, undefined, 'damaged')).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('still pending') });
    expect(refunds).toEqual([]);

    vi.setSystemTime(Date.now() + REFUND_IN_FLIGHT_MS + 1_000);
    await reconciler.reconcilePending();
    // The provider shows no refund: the payment is paid and unrefunded again, and the merchant, whose call got no answer, is told.
    expect((await store.getPayment(paid.id))?.status).toBe('succeeded');
    expect((await effects(store, paid.id)).webhooks).toEqual(['refund_pending>payment.succeeded']);
    await expect(restarted.refund((await store.getPayment(paid.id))!, undefined, 'damaged')).resolves.toMatchObject({ status: 'refunded' });
    expect(refunds).toEqual([5000]);
    await store.close();
  });

  it('left refund_pending by a process that died after the refund reached the provider is settled as refunded', async () => {
    const store = SqliteStore.open(':memory:');
    const refunds: number[] = [];
    const provider = stubProvider('milkypay', {
      getPayment: async () => ({ status: refunds.length > 0 ? 'refunded' : 'succeeded', refundedAmount: refunds.reduce((sum, amount) => sum + amount, 0) }),
      refund(_lookup, amount): Promise<ProviderPaymentState> {
        refunds.push(amount);
        // The refund is made; the process dies before its answer is read.
        return new Promise<ProviderPaymentState>(() => undefined);
      },
    });
    const paid = await succeededPayment(store, 'pay_crash_made', 'milkypay', 5000, 'USD', 'inv_4');
    void service(store, provider).refund(paid, undefined, 'damaged');
    await until(async () => refunds.length === 1);

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + REFUND_IN_FLIGHT_MS + 1_000);
    const restarted = service(elsewhere(store), provider);
    await new Reconciler({ store, payments: restarted, logger }, { intervalMs: 60_000, quietForMs: -1_000, batchSize: 10 }).reconcilePending();
    expect(await store.getPayment(paid.id)).toMatchObject({ status: 'refunded', refundedAmount: 5000 });
    await expect(restarted.refund((await store.getPayment(paid.id))!, undefined, 'damaged')).rejects.toMatchObject({ code: 'conflict' });
    expect(refunds).toEqual([5000]);
    expect((await effects(store, paid.id)).webhooks).toEqual(['refund_pending>payment.refunded']);
    await store.close();
  });

  it('of the rest of a partly refunded payment is not undone by a lookup that shows the earlier refund only', async () => {
    const store = SqliteStore.open(':memory:');
    let answer!: () => void;
    let refunded = 1000;
    const provider = stubProvider('milkypay', {
      getPayment: async () => ({ status: refunded >= 5000 ? 'refunded' : 'partially_refunded', refundedAmount: refunded }),
      async refund(_lookup, amount): Promise<ProviderPaymentState> {
        await new Promise<void>((resolve) => (answer = resolve));
        refunded += amount;
        return { status: 'partially_refunded', refundedAmount: refunded };
      },
      readCallback: (input) => (input.paymentId ? { paymentId: input.paymentId } : undefined),
    });
    const payments = service(store, provider);
    const paid = await succeededPayment(store, 'pay_partly', 'milkypay', 5000, 'USD', 'inv_8');
    const partly = (await store.transitionPayment(paid.id, 'succeeded', 'partially_refunded', { refundedAmount: 1000 }, { type: 'status_changed', source: 'merchant' }))!;

    const second = payments.refund(partly, 1000, 'another item');
    await until(async () => answer !== undefined);
    await payments.handleCallback('milkypay', { paymentId: paid.id, headers: {}, body: {}, query: {} });
    expect(await store.getPayment(paid.id)).toMatchObject({ status: 'refund_pending', refundedAmount: 1000 });
    answer();
    await expect(second).resolves.toMatchObject({ status: 'partially_refunded', refundedAmount: 2000 });
    expect((await effects(store, paid.id)).webhooks).toEqual(['partially_refunded>payment.partially_refunded']);
    await store.close();
  });

  it('is not undone by a lookup that read an older refund_pending of the payment before it was written ahead', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const store = SqliteStore.open(':memory:');
    const { provider, refunds, calls, answerAll } = heldRefunds();
    const payments = service(store, provider);
    const paid = await succeededPayment(store, 'pay_aba', 'milkypay', 5000, 'USD', 'inv_7');
    // An earlier refund whose outcome stayed unknown, long enough ago that a lookup may settle it.
    await store.transitionPayment(paid.id, 'succeeded', 'refund_pending', {}, { type: 'provider_error', source: 'merchant', detail: { refundAmount: 5000 } });
    vi.setSystemTime(Date.now() + REFUND_IN_FLIGHT_MS + 1_000);
    const stale = (await store.getPayment(paid.id))!;

    // While the reconciler's lookup of it is under way, a callback's lookup finds no refund and a new refund is written ahead.
    const lookUp = provider.getPayment.bind(provider);
    let meanwhile: (() => Promise<void>) | undefined = async () => {
      await payments.handleCallback('milkypay', { paymentId: paid.id, headers: {}, body: {}, query: {} });
      void payments.refund((await store.getPayment(paid.id))!, undefined, 'damaged');
      await until(async () => calls() === 1);
    };
    provider.getPayment = async (lookup) => {
      const hook = meanwhile;
      meanwhile = undefined;
      const state = await lookUp(lookup);
      await hook?.();
      return state;
    };
    await payments.refresh(stale, 'reconcile');
    expect((await store.getPayment(paid.id))?.status).toBe('refund_pending');
    answerAll();
    await until(async () => (await store.getPayment(paid.id))?.status === 'refunded');
    expect(refunds).toEqual([5000]);
    await store.close();
  });
});

describe('a refund whose record waited for the database', () => {
  /** This instance's view of the store: its writes of a move fail while `down` says so; another instance's do not. */
  function cutOff(store: SqliteStore, down: () => boolean): Store {
    const view = elsewhere(store);
    const transition = store.transitionPayment.bind(store);
    view.transitionPayment = (...args) => (down() ? Promise.reject(new AppError('storage_unavailable', 'the payment database is unavailable right now')) : transition(...args));
    return view;
  }

  it('that was recorded although the database answered with an error is not recorded, nor told the merchant, twice', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const store = SqliteStore.open(':memory:');
    const paid = await succeededPayment(store, 'pay_lost_commit', 'milkypay', 5000, 'USD', 'inv_10');
    // The answer's record commits, and the connection drops before the commit is acknowledged.
    const transition = store.transitionPayment.bind(store);
    let writes = 0;
    const view = elsewhere(store);
    view.transitionPayment = async (...args) => {
      const moved = await transition(...args);
      if (++writes === 2) throw new AppError('storage_unavailable', 'Connection terminated unexpectedly');
      return moved;
    };
    const provider = stubProvider('milkypay', {
      refund: async () => {
        // The call takes a while: its record's time is not the write-ahead's.
        vi.setSystemTime(Date.now() + 1_000);
        return { status: 'refund_pending', providerStatus: 'pending refund' };
      },
    });
    await expect(service(view, provider).refund(paid, undefined, 'damaged')).rejects.toMatchObject({ code: 'outcome_unknown' });
    // The background retry (1 s) finds it recorded.
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    expect(await effects(store, paid.id)).toEqual({ moves: ['succeeded>refund_pending', 'refund_pending>refund_pending'], webhooks: ['succeeded>payment.refund_pending'] });
    await store.close();
  });

  for (const [what, answer] of [
    ['refused', () => Promise.reject(new ProviderError('provider_rejected', 'MilkyPay refused the refund', 'milkypay', 422))],
    ['taken as pending', async (): Promise<ProviderPaymentState> => ({ status: 'refund_pending', providerStatus: 'pending refund' })],
  ] as const) {
    it(`(${what}) is not recorded onto a newer refund written ahead after a lookup settled the first one`, async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      const store = SqliteStore.open(':memory:');
      const paid = await succeededPayment(store, 'pay_late_record', 'milkypay', 5000, 'USD', 'inv_9');
      // Instance A sends the first refund; the provider answers, and A cannot record the answer.
      let down = false;
      const first = stubProvider('milkypay', {
        refund: () => {
          down = true;
          return answer();
        },
      });
      await service(cutOff(store, () => down), first)
        .refund(paid, undefined, 'damaged')
        .catch(() => undefined);
      expect((await store.getPayment(paid.id))?.status).toBe('refund_pending');

      // Instance B, once the refund can no longer be on its way, finds no refund and settles the payment; then a new refund is sent through B.
      const { provider, calls, answerAll } = heldRefunds();
      const other = service(elsewhere(store), provider);
      vi.setSystemTime(Date.now() + REFUND_IN_FLIGHT_MS + 1_000);
      await other.refresh((await store.getPayment(paid.id))!, 'reconcile');
      expect((await store.getPayment(paid.id))?.status).toBe('succeeded');
      const second = other.refund((await store.getPayment(paid.id))!, undefined, 'damaged');
      await until(async () => calls() === 1);

      // A's database is back: its background retry (1 s) must leave the second refund as it is.
      down = false;
      await new Promise((resolve) => setTimeout(resolve, 1_300));
      await other.refresh((await store.getPayment(paid.id))!, 'reconcile');
      expect((await store.getPayment(paid.id))?.status).toBe('refund_pending');
      await expect(other.refund((await store.getPayment(paid.id))!, undefined, 'damaged')).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('still pending') });
      expect(calls()).toBe(1);
      answerAll();
      await expect(second).resolves.toMatchObject({ status: 'refunded' });
      await store.close();
    });
  }
});

/** A provider that refunds a payment of 5000 in full at once; `onSend` hears each refund sent. */
function refundingInFull(onSend: () => unknown): PaymentProvider {
  return stubProvider('milkypay', {
    refund: async () => {
      onSend();
      return { status: 'refunded', refundedAmount: 5000 };
    },
  });
}

const unavailable = () => Promise.reject(new AppError('storage_unavailable', 'the payment database is unavailable right now; please try again in a moment'));

describe('what the merchant hears of a refund', () => {
  async function refundWith(answer: () => Promise<ProviderPaymentState>, amount?: number) {
    const store = SqliteStore.open(':memory:');
    let sent = 0;
    const provider = stubProvider('milkypay', {
      getPayment: async () => ({ status: 'succeeded' }),
      refund: () => {
        sent += 1;
        return answer();
      },
    });
    const payments = service(store, provider);
    const paid = await succeededPayment(store, 'pay_told', 'milkypay', 5000, 'USD', 'inv_5');
    const outcome = await payments.refund(paid, amount, 'damaged').catch((error: unknown) => error);
    return { store, payments, paid, outcome, sent: () => sent, ...(await effects(store, paid.id)) };
  }

  it('a partial refund: payment.partially_refunded, from succeeded, as before the write-ahead', async () => {
    const { store, outcome, moves, webhooks } = await refundWith(async () => ({ status: 'partially_refunded', refundedAmount: 1000 }), 1000);
    expect(outcome).toMatchObject({ status: 'partially_refunded', refundedAmount: 1000 });
    expect(moves).toEqual(['succeeded>refund_pending', 'refund_pending>partially_refunded']);
    expect(webhooks).toEqual(['succeeded>payment.partially_refunded']);
    await store.close();
  });

  it('a refund the provider settles later: payment.refund_pending, from succeeded, as before', async () => {
    const { store, outcome, webhooks } = await refundWith(async () => ({ status: 'refund_pending', providerStatus: 'pending refund' }));
    expect(outcome).toMatchObject({ status: 'refund_pending' });
    expect(webhooks).toEqual(['succeeded>payment.refund_pending']);
    await store.close();
  });

  it('a refund whose answer was lost: payment.refund_pending, from succeeded, and the event says why', async () => {
    const { store, paid, outcome, webhooks } = await refundWith(() => Promise.reject(new ProviderError('outcome_unknown', 'MilkyPay did not answer the refund within 10000 ms', 'milkypay')));
    expect(outcome).toMatchObject({ code: 'outcome_unknown', message: expect.stringContaining('do not send the refund again') });
    expect((await store.getPayment(paid.id))?.status).toBe('refund_pending');
    expect(webhooks).toEqual(['succeeded>payment.refund_pending']);
    expect((await store.listEvents(paid.id)).at(-1)).toMatchObject({ type: 'provider_error', toStatus: 'refund_pending', detail: { refundAmount: 5000 } });
    await store.close();
  });

  it('a refund call that failed in a way no adapter reports a refusal (a bug after sending, say): outcome_unknown, and the payment stays refund_pending', async () => {
    const { store, payments, paid, outcome, sent } = await refundWith(() => Promise.reject(new TypeError("Cannot read properties of undefined (reading 'refundId')")));
    expect(outcome).toMatchObject({ code: 'outcome_unknown', message: expect.stringContaining('do not send the refund again') });
    expect((await store.getPayment(paid.id))?.status).toBe('refund_pending');
    await expect(payments.refund((await store.getPayment(paid.id))!, undefined, 'damaged')).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('still pending') });
    expect(sent()).toBe(1);
    await store.close();
  });

  it('a refund the provider refused: its error, the payment succeeded again at once, and no webhook for a refund that never happened', async () => {
    const { store, payments, paid, outcome, moves, webhooks, sent } = await refundWith(() => Promise.reject(new ProviderError('provider_rejected', 'MilkyPay refused the refund', 'milkypay', 422)));
    expect(outcome).toMatchObject({ code: 'provider_rejected', message: 'MilkyPay refused the refund' });
    expect(await store.getPayment(paid.id)).toMatchObject({ status: 'succeeded', refundedAmount: 0 });
    expect(moves).toEqual(['succeeded>refund_pending', 'refund_pending>succeeded']);
    expect(webhooks).toEqual([]);
    expect((await store.listEvents(paid.id)).at(-1)).toMatchObject({ type: 'provider_error', detail: { failure: { code: 'provider_rejected' }, refundAmount: 5000 } });
    // A corrected refund may be asked at once.
    await expect(payments.refund((await store.getPayment(paid.id))!, undefined, 'damaged')).rejects.toMatchObject({ code: 'provider_rejected' });
    expect(sent()).toBe(2);
    await store.close();
  });

  it('a refund the provider took as pending and then failed: a lookup reads the payment back at once, since the provider had it', async () => {
    const { store, payments, paid, outcome } = await refundWith(async () => ({ status: 'refund_pending', providerStatus: 'pending refund' }));
    expect(outcome).toMatchObject({ status: 'refund_pending' });
    // The lookup (succeeded, nothing refunded) is the stub's from here on.
    await expect(payments.refresh((await store.getPayment(paid.id))!, 'reconcile')).resolves.toMatchObject({ status: 'succeeded', refundedAmount: 0 });
    expect((await effects(store, paid.id)).webhooks).toEqual(['succeeded>payment.refund_pending', 'refund_pending>payment.succeeded']);
    await store.close();
  });

  it('a refund that could not be written ahead: 503 storage_unavailable, and the provider is not asked', async () => {
    const store = SqliteStore.open(':memory:');
    let sent = 0;
    const provider = refundingInFull(() => (sent += 1));
    const payments = service(store, provider);
    const paid = await succeededPayment(store, 'pay_unwritten', 'milkypay', 5000, 'USD', 'inv_6');
    store.transitionPayment = unavailable;
    await expect(payments.refund(paid, undefined, 'damaged')).rejects.toMatchObject({ code: 'storage_unavailable' });
    expect(sent).toBe(0);
    expect((await store.getPayment(paid.id))?.status).toBe('succeeded');
    await store.close();
  });

  it('a refund written ahead is on disk before it is sent: a power loss cannot forget a refund that went out', async () => {
    const store = SqliteStore.open(':memory:');
    const order: string[] = [];
    const flush = store.durable.bind(store);
    store.durable = async () => {
      await flush();
      order.push(`flushed ${(await store.getPayment('pay_durable'))?.status}`);
    };
    const provider = refundingInFull(() => order.push('sent'));
    const paid = await succeededPayment(store, 'pay_durable', 'milkypay', 5000, 'USD', 'inv_7');
    await service(store, provider).refund(paid, undefined, 'damaged');
    expect(order).toEqual(['flushed refund_pending', 'sent']);
    await store.close();
  });

  it('a refund written ahead that could not be put on disk: 503, not sent, and the payment is as it was, without a webhook', async () => {
    const store = SqliteStore.open(':memory:');
    let sent = 0;
    const provider = refundingInFull(() => (sent += 1));
    const paid = await succeededPayment(store, 'pay_unflushed', 'milkypay', 5000, 'USD', 'inv_8');
    store.durable = unavailable;
    await expect(service(store, provider).refund(paid, undefined, 'damaged')).rejects.toMatchObject({ code: 'storage_unavailable' });
    expect(sent).toBe(0);
    expect(await store.getPayment(paid.id)).toMatchObject({ status: 'succeeded', refundedAmount: 0 });
    expect(await effects(store, paid.id)).toEqual({ moves: ['succeeded>refund_pending', 'refund_pending>succeeded'], webhooks: [] });
    await store.close();
  });
});
