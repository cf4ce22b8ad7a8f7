/**
 * A Payment Hub refund whose answer is lost may have been made: the payment waits in refund_pending
 * until the hub is asked, so a merchant's retry is refused instead of refunding the money twice.
 * The same holds for a refund the hub accepted when the lookup that follows it fails.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ProviderError } from '../../errors.js';
import type { PaymentProvider } from '../provider.js';
import type { SqliteStore } from '../../store/sqlite-store.js';
import { serviceFor, succeededPayment } from '../../testing/payment-service-harness.js';
import { createPaymentHubProvider } from './adapter.js';
import { createPaymentHubSimulator } from './simulator.js';
import { InMemoryPaymentHubTokenStore } from './token-manager.js';

const REFUND_PATH = '/api/v1/transactions/refund';

let server: Server;
let baseUrl: string;
let simulator: ReturnType<typeof createPaymentHubSimulator>;
/** The simulator's clock: a refund settles when the test moves it on, not when the machine is slow. */
let clock = Date.now();
/** The hub rotates its refresh token: every provider of this file keeps the pair where the last one left it. */
const tokenStore = new InMemoryPaymentHubTokenStore();
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

/** A transaction the shopper has paid on the simulator's page, and our payment of it. */
async function paidTransaction(provider: PaymentProvider, store: SqliteStore) {
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
  return succeededPayment(store, paymentId, 'paymenthub', 15_000_000, 'IDR', created.providerRef);
}

/**
 * A fetch that delivers refunds to the simulator and answers them `success refund` (the document's
 * word for a refund received; the simulator answers `pending refund`), while the hub's transaction
 * lookups fail with a 503 until `lookups.up` is set.
 */
function acceptingRefundsWhileLookupsFail() {
  const lookups = { up: false };
  const transport: typeof fetch = async (input, init) => {
    const url = String(input);
    if (!lookups.up && (init?.method ?? 'GET') === 'GET' && url.includes('/api/v1/transactions/pay_')) {
      return new Response(JSON.stringify({ success: false, message: 'Service Unavailable', data: null }), { status: 503, headers: { 'Content-Type': 'application/json' } });
    }
    const response = await fetch(input, init);
    if (!url.endsWith(REFUND_PATH) || !response.ok) return response;
    const answer = (await response.json()) as { data: { status: string } };
    answer.data.status = 'success refund';
    return new Response(JSON.stringify(answer), { status: response.status, headers: { 'Content-Type': 'application/json' } });
  };
  return { transport, lookups };
}

it('Payment Hub: a retry of a refund whose answer was lost is refused until the first is known, and one refund reaches the hub', async () => {
  const provider = createPaymentHubProvider({ baseUrl, refreshToken: 'refresh-test', tokenStore, fetch: losingFirstRefundAnswer() });
  const { store, payments } = serviceFor(provider);
  const payment = await paidTransaction(provider, store);
  const paymentId = payment.id;

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

it('Payment Hub: a refund the hub accepted is refund_pending when the lookup after it fails, and a retry is refused', async () => {
  const { transport, lookups } = acceptingRefundsWhileLookupsFail();
  const provider = createPaymentHubProvider({ baseUrl, refreshToken: 'refresh-test', tokenStore, fetch: transport });
  const { store, payments } = serviceFor(provider);
  const payment = await paidTransaction(provider, store);

  // The hub has the refund; the lookup after it failed: its outcome is read later.
  const refunded = await payments.refund(payment, 5_000_000, 'one night less');
  expect(refunded.status).toBe('refund_pending');
  expect((await store.listEvents(payment.id)).at(-1)).toMatchObject({ type: 'status_changed', toStatus: 'refund_pending', detail: { providerStatus: expect.stringContaining('success refund') } });

  // Not moved back to succeeded: the merchant's retry is refused and sends nothing.
  await expect(payments.refund((await store.getPayment(payment.id))!, 5_000_000, 'one night less')).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('still pending') });
  expect((simulator.transactionRecord(payment.id) as { Refunds: unknown[] }).Refunds).toHaveLength(1);

  // Once the hub answers lookups again, the refund settles as it did at the hub.
  lookups.up = true;
  clock += 60_001;
  expect(await payments.refresh((await store.getPayment(payment.id))!, 'poll')).toMatchObject({ status: 'partially_refunded', refundedAmount: 5_000_000 });
  await store.close();
});
