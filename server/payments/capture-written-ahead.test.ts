/**
 * A capture is written ahead: its attempt is recorded before the provider is asked, so that a
 * capture whose outcome is unknown (no answer, a lost lock, a process that died during the call)
 * is never sent again. directcard, the one provider that captures, has no lookup for card payments
 * and does not say whether a pre-authorization can be captured twice: only a person can settle it.
 */
import { describe, expect, it, vi } from 'vitest';
import { AppError, ProviderError } from '../errors.js';
import { createLogger } from '../logger.js';
import type { PaymentProvider, ProviderPaymentState } from '../providers/provider.js';
import { ProviderRegistry } from '../providers/registry.js';
import { KeyedMutex } from '../store/keyed-mutex.js';
import { SqliteStore } from '../store/sqlite-store.js';
import type { PaymentRecord, Store } from '../store/store.js';
import { stubProvider } from '../testing/stub-provider.js';
import { PaymentService } from './payment-service.js';

const logger = createLogger({ level: 'silent' });

function service(store: Store, provider: PaymentProvider) {
  return new PaymentService({ store, providers: new ProviderRegistry([provider]), logger, publicUrl: 'http://127.0.0.1:9', merchantWebhooks: true });
}

/** The same store as another process sees it: the in-process lock of the first does not exclude it (a restart, a lost lock). */
function elsewhere(store: SqliteStore): Store {
  const locks = new KeyedMutex();
  return Object.assign(Object.create(store) as SqliteStore, { withLock: <T>(name: string, fn: () => Promise<T>) => locks.run(name, fn) });
}

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition() && waited < 2_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** A directcard pre-authorization of 5000 minor units, as the provider authorized it. */
async function authorizedPayment(store: SqliteStore, id: string): Promise<PaymentRecord> {
  const now = new Date().toISOString();
  await store.createSession({ id: `ses_${id}`, orderId: `order_${id}`, amount: 5000, currency: 'USD', returnUrl: 'https://shop.example/r', locale: 'en', captureMethod: 'manual', createdAt: now, expiresAt: now });
  const { payment } = await store.createPayment({ id, sessionId: `ses_${id}`, orderId: `order_${id}`, provider: 'directcard', methodId: 'directcard:card', amount: 5000, currency: 'USD', status: 'authorized', providerRef: `auth_${id}` });
  return payment;
}

/** directcard as the payment service sees it: captures answered by `answer`, counted; no status lookup. */
function capturing(answer: (amount: number, count: number) => Promise<ProviderPaymentState>) {
  const captures: number[] = [];
  const provider = stubProvider('directcard', {
    capture: (_lookup, amount) => {
      captures.push(amount);
      return answer(amount, captures.length);
    },
    hasStatusLookup: () => false,
  });
  return { provider, captures };
}

const lost = () => Promise.reject(new ProviderError('outcome_unknown', 'directcard did not answer the capture within 30000 ms', 'directcard'));
const made = (amount: number) => Promise.resolve<ProviderPaymentState>({ status: 'succeeded', capturedAmount: amount, providerStatus: 'SUCCESS' });

describe('a capture', () => {
  it('whose answer was lost is answered outcome_unknown, and a retry is refused without reaching the provider', async () => {
    const store = SqliteStore.open(':memory:');
    const { provider, captures } = capturing((amount, count) => (count === 1 ? lost() : made(amount)));
    const payments = service(store, provider);
    const payment = await authorizedPayment(store, 'pay_cap_lost');

    const first = await payments.capture(payment, undefined).catch((error: unknown) => error);
    expect(first).toBeInstanceOf(ProviderError);
    expect(first).toMatchObject({ code: 'outcome_unknown', message: expect.stringContaining('do not send the capture again') });
    expect((await store.getPayment(payment.id))?.status).toBe('authorized');

    // The merchant's retry, or a queued second capture, on this instance or after a restart.
    const retried = await payments.capture((await store.getPayment(payment.id))!, undefined).catch((error: unknown) => error);
    expect(retried).toBeInstanceOf(AppError);
    expect(retried).toMatchObject({ code: 'conflict', message: expect.stringContaining('the outcome of the last capture of this payment is unknown') });
    expect((retried as AppError).message).toContain("check the payment in directcard's dashboard");
    await expect(service(elsewhere(store), provider).capture((await store.getPayment(payment.id))!, 1000)).rejects.toMatchObject({ code: 'conflict' });
    expect(captures).toEqual([5000]);

    // The history says what happened, for the person who checks it.
    const events = (await store.listEvents(payment.id)).map(({ type, detail }) => ({ type, detail }));
    expect(events.slice(-2)).toEqual([
      { type: 'capture_requested', detail: { captureAmount: 5000 } },
      { type: 'provider_error', detail: { captureAmount: 5000, failure: { code: 'outcome_unknown', message: expect.stringContaining('did not answer') } } },
    ]);
    expect(await store.listOutboxByPayment(payment.id)).toEqual([]);
    await store.close();
  });

  it('whose call failed in a way no adapter reports a refusal (a bug after sending, say) is answered outcome_unknown, and a retry is refused', async () => {
    const store = SqliteStore.open(':memory:');
    const { provider, captures } = capturing((amount, count) => (count === 1 ? Promise.reject(new TypeError("Cannot read properties of undefined (reading 'status')")) : made(amount)));
    const payments = service(store, provider);
    const payment = await authorizedPayment(store, 'pay_cap_bug');
    await expect(payments.capture(payment, undefined)).rejects.toMatchObject({ code: 'outcome_unknown', message: expect.stringContaining('do not send the capture again') });
    await expect(payments.capture((await store.getPayment(payment.id))!, undefined)).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('is unknown') });
    expect(captures).toEqual([5000]);
    await store.close();
  });

  it('on its way when its process died is refused by the next process, which never sends a second one', async () => {
    const store = SqliteStore.open(':memory:');
    const { provider, captures } = capturing((amount, count) => (count === 1 ? new Promise<ProviderPaymentState>(() => undefined) : made(amount)));
    const payment = await authorizedPayment(store, 'pay_cap_crash');
    void service(store, provider).capture(payment, undefined);
    await until(() => captures.length === 1);

    // A fresh process (or another instance whose lock does not exclude the first), over the same store.
    const restarted = service(elsewhere(store), provider);
    await expect(restarted.capture((await store.getPayment(payment.id))!, undefined)).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('the outcome of the last capture of this payment is unknown'),
    });
    expect(captures).toEqual([5000]);
    await store.close();
  });

  it('is sent once by two instances whose locks do not exclude each other and that read the payment before either wrote ahead', async () => {
    const store = SqliteStore.open(':memory:');
    const { provider, captures } = capturing((amount) => made(amount));
    const payment = await authorizedPayment(store, 'pay_cap_race');
    const results = await Promise.allSettled([service(store, provider).capture(payment, undefined), service(elsewhere(store), provider).capture(payment, undefined)]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(captures).toEqual([5000]);
    expect((await store.getPayment(payment.id))?.status).toBe('succeeded');
    await store.close();
  });

  it('is sent once by two such instances whose clocks read the very millisecond of the authorization', async () => {
    const store = SqliteStore.open(':memory:');
    const { provider, captures } = capturing((amount) => made(amount));
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const payment = await authorizedPayment(store, 'pay_cap_same_ms');
      const results = await Promise.allSettled([service(store, provider).capture(payment, undefined), service(elsewhere(store), provider).capture(payment, undefined)]);
      expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect(captures).toEqual([5000]);
    } finally {
      vi.useRealTimers();
    }
    await store.close();
  });

  it('is on disk before it is sent: a power loss cannot forget a capture that went out', async () => {
    const store = SqliteStore.open(':memory:');
    const order: string[] = [];
    const flush = store.durable.bind(store);
    store.durable = async () => {
      await flush();
      const written = (await store.listEvents('pay_cap_durable')).some((event) => event.type === 'capture_requested');
      order.push(written ? 'flushed with the write-ahead' : 'flushed');
    };
    const { provider } = capturing((amount) => {
      order.push('sent');
      return made(amount);
    });
    const payment = await authorizedPayment(store, 'pay_cap_durable');
    await service(store, provider).capture(payment, undefined);
    expect(order).toEqual(['flushed with the write-ahead', 'sent']);
    await store.close();
  });

  it('that could not be made durable is not sent, and does not block the next one', async () => {
    const store = SqliteStore.open(':memory:');
    const { provider, captures } = capturing((amount) => made(amount));
    const payments = service(store, provider);
    const payment = await authorizedPayment(store, 'pay_cap_unflushed');
    const flush = store.durable.bind(store);
    store.durable = () => Promise.reject(new AppError('storage_unavailable', 'the payment database is unavailable right now; please try again in a moment'));
    await expect(payments.capture(payment, undefined)).rejects.toMatchObject({ code: 'storage_unavailable' });
    expect(captures).toEqual([]);
    store.durable = flush;
    await expect(payments.capture((await store.getPayment(payment.id))!, undefined)).resolves.toMatchObject({ status: 'succeeded' });
    expect(captures).toEqual([5000]);
    await store.close();
  });

  it('the provider refused may be sent again, and the second one is recorded', async () => {
    const store = SqliteStore.open(':memory:');
    const refused = () => Promise.reject(new ProviderError('provider_rejected', 'AMOUNT_EXCEEDS_AUTHORIZED: At most 50.00 USD can be captured', 'directcard', 400));
    const { provider, captures } = capturing((amount, count) => (count === 1 ? refused() : made(amount)));
    const payments = service(store, provider);
    const payment = await authorizedPayment(store, 'pay_cap_refused');

    await expect(payments.capture(payment, undefined)).rejects.toMatchObject({ code: 'provider_rejected' });
    expect((await store.getPayment(payment.id))?.status).toBe('authorized');
    // After a restart too: the refusal is on record.
    await expect(service(elsewhere(store), provider).capture((await store.getPayment(payment.id))!, 4000)).resolves.toMatchObject({ status: 'succeeded', capturedAmount: 4000 });
    expect(captures).toEqual([5000, 4000]);
    await store.close();
  });

  it('whose refusal could not be recorded stays unknown until it is: a retry is refused meanwhile', async () => {
    const store = SqliteStore.open(':memory:');
    const refused = () => Promise.reject(new ProviderError('provider_rejected', 'directcard refused the capture (HTTP 400)', 'directcard', 400));
    const { provider, captures } = capturing((amount, count) => (count === 1 ? refused() : made(amount)));
    const payments = service(store, provider);
    const payment = await authorizedPayment(store, 'pay_cap_refusal_unrecorded');
    const appendEvent = store.appendEvent.bind(store);
    let down = true;
    let recorded = false;
    store.appendEvent = (...args) => {
      if (down) return Promise.reject(new AppError('storage_unavailable', 'the payment database is unavailable right now; please try again in a moment'));
      recorded = true;
      return appendEvent(...args);
    };

    await expect(payments.capture(payment, undefined)).rejects.toMatchObject({ code: 'provider_rejected' });
    await expect(payments.capture((await store.getPayment(payment.id))!, undefined)).rejects.toMatchObject({ code: 'conflict' });
    // The database is back: the refusal is recorded in the background (after 1 s), and then a capture may go.
    down = false;
    await until(() => recorded);
    await expect(payments.capture((await store.getPayment(payment.id))!, undefined)).resolves.toMatchObject({ status: 'succeeded' });
    expect(captures).toEqual([5000, 5000]);
    await store.close();
  });
});
