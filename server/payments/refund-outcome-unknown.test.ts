/**
 * A refund whose answer is lost may have been made. The payment waits in refund_pending until the
 * provider is asked, so a merchant's retry is refused instead of refunding the money twice.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ProviderError } from '../errors.js';
import { createLogger } from '../logger.js';
import { createPaymentHubProvider } from '../providers/paymenthub/adapter.js';
import { createPaymentHubSimulator } from '../providers/paymenthub/simulator.js';
import { InMemoryPaymentHubTokenStore } from '../providers/paymenthub/token-manager.js';
import type { PaymentProvider, ProviderPaymentState } from '../providers/provider.js';
import { ProviderRegistry } from '../providers/registry.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { stubProvider } from '../testing/stub-provider.js';
import type { PaymentRecord } from '../store/store.js';
import { PaymentService } from './payment-service.js';

const REFUND_PATH = '/api/v1/transactions/refund';

let server: Server;
let baseUrl: string;
let simulator: ReturnType<typeof createPaymentHubSimulator>;
/** The simulator's clock: a refund settles when the test moves it on, not when the machine is slow. */
let clock = Date.now();
beforeAll(async () => {
  const app = express();
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  simulator = createPaymentHubSimulator({ refreshToken: 'refresh-test', publicUrl: baseUrl, refundSettleMs: 60_000, now: () => clock });
  app.use(simulator);
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A fetch that delivers the first refund to the provider and then loses its answer, as a timeout would. */
function losingFirstRefundAnswer(): typeof fetch {
  let lost = false;
  return async (input, init) => {
    const response = await fetch(input, init);
    if (!lost && String(input).endsWith(REFUND_PATH)) {
      lost = true;
      throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    }
    return response;
  };
}

function serviceFor(provider: PaymentProvider) {
  const store = SqliteStore.open(':memory:');
  const payments = new PaymentService({ store, providers: new ProviderRegistry([provider]), logger: createLogger({ level: 'silent' }), publicUrl: 'http://127.0.0.1:9' });
  return { store, payments };
}

async function succeededPayment(store: SqliteStore, id: string, provider: PaymentProvider['id'], amount: number, currency: string, providerRef?: string): Promise<PaymentRecord> {
  const now = new Date().toISOString();
  await store.createSession({ id: `ses_${id}`, orderId: `order_${id}`, amount, currency, returnUrl: 'https://shop.example/r', locale: 'en', captureMethod: 'automatic', createdAt: now, expiresAt: now });
  const { payment } = await store.createPayment({ id, sessionId: `ses_${id}`, orderId: `order_${id}`, provider, methodId: `${provider}:x`, amount, currency, status: 'succeeded', ...(providerRef ? { providerRef } : {}) });
  return payment;
}

it('Payment Hub: a retry of a refund whose answer was lost is refused until the first is known, and one refund reaches the hub', async () => {
  const provider = createPaymentHubProvider({ baseUrl, refreshToken: 'refresh-test', tokenStore: new InMemoryPaymentHubTokenStore(), fetch: losingFirstRefundAnswer() });
  const { store, payments } = serviceFor(provider);
  const xendit = simulator.gateways.find((gateway) => gateway.vendor === 'Xendit')!.id;
  const paymentId = `pay_${Math.random().toString(36).slice(2)}`;
  const created = await provider.createPayment({
    paymentId,
    methodCode: `${xendit}.QRIS`,
    fields: {},
    amount: 15_000_000,
    currency: 'IDR',
    locale: 'en',
    returnUrls: { success: 'https://proxy.example/s', fail: 'https://proxy.example/f', pending: 'https://proxy.example/p' },
    callbackUrl: 'https://proxy.example/cb',
  });
  const pageUrl = (created.action as { url: string }).url;
  expect((await fetch(`${pageUrl}/pay`, { method: 'POST', body: new URLSearchParams({ method: 'QRIS' }), redirect: 'manual' })).status).toBe(303);
  const payment = await succeededPayment(store, paymentId, 'paymenthub', 15_000_000, 'IDR', created.providerRef);

  const lost = await payments.refund(payment, 5_000_000, 'one night less').catch((error: unknown) => error);
  expect(lost).toBeInstanceOf(ProviderError);
  expect((lost as ProviderError).code).toBe('outcome_unknown');
  expect((lost as ProviderError).message).toMatch(/refund_pending.*do not send the refund again/);
  const waiting = (await store.getPayment(paymentId))!;
  expect(waiting.status).toBe('refund_pending');
  expect((await store.listEvents(paymentId)).at(-1)).toMatchObject({ type: 'provider_error', toStatus: 'refund_pending' });

  // The merchant retries at once: the hub still has the first refund pending, so nothing is sent.
  const retried = await payments.refund(waiting, 5_000_000, 'one night less').catch((error: unknown) => error);
  expect((retried as ProviderError).code).toBe('conflict');

  clock += 60_001;
  const settled = await payments.refresh((await store.getPayment(paymentId))!, 'poll');
  expect(settled).toMatchObject({ status: 'partially_refunded', refundedAmount: 5_000_000 });
  const record = simulator.transactionRecord(paymentId) as { Refunds: { Amount: number }[] };
  expect(record.Refunds).toHaveLength(1);
  await store.close();
});

it('a refund whose answer was lost and that never reached the provider can be asked again once a lookup shows no refund', async () => {
  const refunds: number[] = [];
  let refundCalls = 0;
  const provider = stubProvider('milkypay', {
    getPayment: async () => ({ status: 'succeeded', refundedAmount: refunds.reduce((sum, amount) => sum + amount, 0) }),
    async refund(_lookup, amount): Promise<ProviderPaymentState> {
      refundCalls += 1;
      // The first call never reaches the provider, and its caller cannot tell.
      if (refundCalls === 1) throw new ProviderError('outcome_unknown', 'MilkyPay did not answer the refund within 15000 ms', 'milkypay');
      refunds.push(amount);
      return { status: 'refunded', refundedAmount: amount };
    },
  });
  const { store, payments } = serviceFor(provider);
  const payment = await succeededPayment(store, 'pay_never_reached', 'milkypay', 5000, 'USD', 'inv_1');

  await expect(payments.refund(payment, undefined, 'wrong size')).rejects.toMatchObject({ code: 'outcome_unknown' });
  const waiting = (await store.getPayment(payment.id))!;
  expect(waiting.status).toBe('refund_pending');

  // The lookup finds no refund: the payment is succeeded again and the retry goes through, once.
  await expect(payments.refund(waiting, undefined, 'wrong size')).resolves.toMatchObject({ status: 'refunded', refundedAmount: 5000 });
  expect(refunds).toEqual([5000]);
  await store.close();
});
