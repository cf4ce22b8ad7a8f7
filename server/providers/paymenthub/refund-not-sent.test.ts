/**
 * A Payment Hub refund that fails before it is sent (no access token: the database that keeps the
 * pair, or its lock, is unavailable) is answered as not sent, provider_unavailable: the payment goes
 * back to what it was and the merchant may try again. Raised as the store's own error, the payment
 * service would read it as a refund that may have been made (outcome_unknown, refund_pending).
 */
import { afterEach, expect, it } from 'vitest';
import { StorageUnavailableError } from '../../store/storage-unavailable.js';
import type { SqliteStore } from '../../store/sqlite-store.js';
import { serviceFor, succeededPayment } from '../../testing/payment-service-harness.js';
import { createPaymentHubProvider } from './adapter.js';
import type { PaymentHubTokenPair, PaymentHubTokenStore } from './token-manager.js';

const DAY_MS = 24 * 3_600_000;
const PAIR: PaymentHubTokenPair = { accessToken: 'access-1', accessTokenExpiresAt: Date.now() + DAY_MS, refreshToken: 'refresh-1', refreshTokenExpiresAt: Date.now() + 7 * DAY_MS };

const stores: SqliteStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

/** A hub that answers every call 401 (a token it no longer takes), counting the refunds that reach it. */
function hubRefusingTokens() {
  const hub = { refundsReceived: 0 };
  const fetchStub = (async (input: RequestInfo | URL) => {
    if (String(input).endsWith('/api/v1/transactions/refund')) hub.refundsReceived += 1;
    return new Response(JSON.stringify({ success: false, message: 'Unauthorized', data: null }), { status: 401, headers: { 'Content-Type': 'application/json' } });
  }) as typeof fetch;
  return { hub, fetchStub };
}

async function refundWith(tokenStore: PaymentHubTokenStore, options: { fetch: typeof fetch; lock?: <T>(fn: () => Promise<T>) => Promise<T> }) {
  const provider = createPaymentHubProvider({ baseUrl: 'https://hub.invalid', refreshToken: 'refresh-config', tokenStore, ...options });
  const { store, payments } = serviceFor(provider);
  stores.push(store);
  const payment = await succeededPayment(store, 'pay_not_sent', 'paymenthub', 15_000_000, 'IDR');
  const error = await payments.refund(payment, 5_000_000, 'one night less').then(() => undefined, (e: unknown) => e);
  return { error, payment: (await store.getPayment(payment.id))!, store };
}

it('a token pair the database cannot read: the refund is not sent, the payment stays succeeded, and a retry is welcome', async () => {
  const { hub, fetchStub } = hubRefusingTokens();
  const unreadable: PaymentHubTokenStore = { load: () => Promise.reject(new StorageUnavailableError(new Error('connection terminated'))), save: () => Promise.resolve() };
  const { error, payment, store } = await refundWith(unreadable, { fetch: fetchStub });
  expect(error).toMatchObject({ code: 'provider_unavailable', message: expect.stringContaining('not called') });
  expect(hub.refundsReceived).toBe(0);
  expect(payment.status).toBe('succeeded');
  expect((await store.listEvents(payment.id)).at(-1)).toMatchObject({ type: 'provider_error', toStatus: 'succeeded' });
});

it('a token lock the database cannot take: the refund is not sent', async () => {
  const { hub, fetchStub } = hubRefusingTokens();
  const empty: PaymentHubTokenStore = { load: () => Promise.resolve(undefined), save: () => Promise.resolve() };
  const lock = () => Promise.reject(new StorageUnavailableError(new Error('database is locked')));
  const { error, payment } = await refundWith(empty, { fetch: fetchStub, lock });
  expect(error).toMatchObject({ code: 'provider_unavailable' });
  expect(hub.refundsReceived).toBe(0);
  expect(payment.status).toBe('succeeded');
});

it('a refund the hub answered 401, whose new token the database cannot read: not refunded, answered as not sent', async () => {
  const { hub, fetchStub } = hubRefusingTokens();
  let loads = 0;
  // The stored pair serves the first try; the database is gone when the 401 asks for a new one.
  const failingAfterFirst: PaymentHubTokenStore = {
    load: () => (loads++ === 0 ? Promise.resolve({ ...PAIR }) : Promise.reject(new StorageUnavailableError(new Error('connection terminated')))),
    save: () => Promise.resolve(),
  };
  const { error, payment } = await refundWith(failingAfterFirst, { fetch: fetchStub });
  expect(hub.refundsReceived).toBe(1);
  expect(error).toMatchObject({ code: 'provider_unavailable' });
  expect(payment.status).toBe('succeeded');
});
