/**
 * A lookup that finds no invoice concludes "never created, nothing charged" about the payment as it
 * read it. When the create's answer (or another lookup) lands while that lookup is under way, the
 * invoice exists and its page may be paid: the payment must keep it, never be failed on top of it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProviderError } from '../errors.js';
import { createLogger } from '../logger.js';
import type { PaymentProvider, ProviderPaymentState } from '../providers/provider.js';
import { ProviderRegistry } from '../providers/registry.js';
import type { PaymentStatus } from './payment-status.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { PaymentService } from './payment-service.js';

const FOUND: ProviderPaymentState = { status: 'pending', providerRef: 'cpi_found', action: { type: 'redirect', url: 'https://milkypay.example/pay/cpi_found' } };

/** A provider whose lookup finds nothing, but only after `meanwhile` (another writer) has run. */
function providerFindingNothingWhile(meanwhile: () => Promise<unknown>): PaymentProvider {
  return {
    id: 'milkypay',
    capabilities: { refund: false, capture: false, cancel: false, installments: false },
    listMethods: async () => [],
    createPayment: async () => FOUND,
    getPayment: async ({ paymentId }) => {
      await meanwhile();
      throw new ProviderError('not_found', `no invoice with reference_id ${paymentId}`, 'milkypay', 404);
    },
    readCallback: () => undefined,
  };
}

async function setUp(status: PaymentStatus, meanwhile: (service: PaymentService, store: SqliteStore) => Promise<unknown>) {
  const store = SqliteStore.open(':memory:');
  const now = new Date().toISOString();
  await store.createSession({ id: 's', orderId: 'o', amount: 4800, currency: 'USD', returnUrl: 'https://shop.example', locale: 'en', captureMethod: 'automatic', createdAt: now, expiresAt: now });
  const { payment } = await store.createPayment({ id: 'p', sessionId: 's', orderId: 'o', provider: 'milkypay', methodId: 'milkypay:card', amount: 4800, currency: 'USD', idempotencyKey: 'k', status });
  let service: PaymentService | undefined;
  const provider = providerFindingNothingWhile(() => meanwhile(service!, store));
  service = new PaymentService({ store, providers: new ProviderRegistry([provider]), logger: createLogger({ level: 'silent' }), publicUrl: 'http://proxy' });
  return { store, service, payment };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('a lookup that finds nothing while the invoice is found elsewhere', () => {
  it('leaves a payment whose create answered meanwhile waiting on its page (a create in flight on another instance)', async () => {
    const { store, service, payment } = await setUp('created', (other, store) => store.getPayment('p').then((read) => other.applyState(read!, FOUND, 'pay')));
    const after = await service.refresh(payment, 'reconcile');
    expect(after).toMatchObject({ status: 'requires_action', providerRef: 'cpi_found' });
    expect(await store.getPayment('p')).toMatchObject({ status: 'requires_action', providerRef: 'cpi_found' });
    expect((await store.listEvents('p')).map((event) => event.toStatus).filter(Boolean)).not.toContain('failed');
  });

  it('leaves a pending payment that a concurrent lookup found (an unknown create outcome settled elsewhere)', async () => {
    const { store, service, payment } = await setUp('pending', (other, store) => store.getPayment('p').then((read) => other.applyState(read!, FOUND, 'reconcile')));
    await service.refresh(payment, 'callback');
    expect(await store.getPayment('p')).toMatchObject({ status: 'requires_action', providerRef: 'cpi_found' });
  });

  it('still fails a payment that nobody found: nothing was created, the shopper may try again', async () => {
    const { store, service, payment } = await setUp('pending', async () => undefined);
    const after = await service.refresh(payment, 'reconcile');
    expect(after).toMatchObject({ status: 'failed', failure: { code: 'provider_unavailable' } });
    expect((await store.getPayment('p'))?.providerRef).toBeUndefined();
  });

  it('leaves a payment still being created as it is: its create may yet reach the provider', async () => {
    const { store, service, payment } = await setUp('created', async () => undefined);
    expect(await service.refresh(payment, 'reconcile')).toMatchObject({ status: 'created' });
    expect((await store.getPayment('p'))?.status).toBe('created');
  });

  it('fails a payment left in created longer than any create can take (its instance died before sending it)', async () => {
    const { store, service, payment } = await setUp('created', async () => undefined);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.parse(payment.createdAt) + 41_000);
    expect(await service.refresh(payment, 'reconcile')).toMatchObject({ status: 'failed', failure: { code: 'provider_unavailable' } });
    expect((await store.getPayment('p'))?.status).toBe('failed');
  });
});
