/**
 * A new payment's row must outlive a power loss before money can move without it. Methods where
 * the provider may charge at once (shopper fields, card details) wait for the flush before the
 * provider is called; methods that take nothing from the shopper overlap the flush with the
 * provider call, but their answer (the page to pay on) waits for it.
 */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import type { PaymentMethod, PaymentProvider, ProviderPaymentState } from '../providers/provider.js';
import { ProviderRegistry } from '../providers/registry.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { openTestSession } from '../testing/open-session.js';
import { PaymentService } from './payment-service.js';

const HOSTED: PaymentMethod = { id: 'milkypay:hosted', provider: 'milkypay', name: 'Hosted page', category: 'card', fields: [] };
const WITH_FIELDS: PaymentMethod = {
  id: 'milkypay:wallet',
  provider: 'milkypay',
  name: 'Wallet',
  category: 'wallet',
  fields: [{ key: 'phone', label: 'Phone', required: true, type: 'string' }],
};
const PAGE: ProviderPaymentState = { status: 'requires_action', providerRef: 'inv_1', action: { type: 'redirect', url: 'https://milkypay.example/pay/inv_1' } };

/** An in-memory store whose flushes finish only when the test says so; `log` records the order of events. */
function storeWithHeldFlushes() {
  const store = SqliteStore.open(':memory:');
  const log: string[] = [];
  let release: { resolve: () => void; reject: (error: Error) => void } | undefined;
  store.durable = () => {
    log.push('flush started');
    return new Promise<void>((resolve, reject) => {
      release = { resolve: () => (log.push('flush done'), resolve()), reject };
    });
  };
  return { store, log, finishFlush: () => release!.resolve(), failFlush: (error: Error) => release!.reject(error) };
}

async function setUp() {
  const { store, log, finishFlush, failFlush } = storeWithHeldFlushes();
  const session = await openTestSession(store);

  const provider: PaymentProvider = {
    id: 'milkypay',
    capabilities: { refund: false, capture: false, cancel: false, installments: false },
    listMethods: async () => [HOSTED, WITH_FIELDS],
    createPayment: async () => {
      log.push('provider called');
      return PAGE;
    },
    getPayment: async () => PAGE,
    readCallback: () => undefined,
  };
  const service = new PaymentService({ store, providers: new ProviderRegistry([provider]), logger: createLogger({ level: 'silent' }), publicUrl: 'http://proxy' });
  return { store, service, session, log, finishFlush, failFlush };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('a new payment is on disk before money can move without it', () => {
  it('calls the provider for a method with shopper fields only after the flush', async () => {
    const { store, service, session, log, finishFlush, failFlush } = await setUp();
    const paying = service.pay(session, { methodId: WITH_FIELDS.id, fields: { phone: '+15550100' } }, 'k1', {});
    await tick();
    expect(log).toEqual(['flush started']);
    finishFlush();
    await expect(paying).resolves.toMatchObject({ status: 'requires_action' });
    expect(log).toEqual(['flush started', 'flush done', 'provider called']);
  });

  it('calls the provider for a hosted page during the flush, but answers with the page only after it', async () => {
    const { store, service, session, log, finishFlush, failFlush } = await setUp();
    let answered = false;
    const paying = service.pay(session, { methodId: HOSTED.id, fields: {} }, 'k2', {}).finally(() => (answered = true));
    await tick();
    expect(log).toEqual(['flush started', 'provider called']);
    expect(answered).toBe(false);
    finishFlush();
    await expect(paying).resolves.toMatchObject({ status: 'requires_action', action: { type: 'redirect' } });
    expect(log).toEqual(['flush started', 'provider called', 'flush done']);
  });

  it('never hands out the page when the flush fails', async () => {
    const { store, service, session, log, finishFlush, failFlush } = await setUp();
    const paying = service.pay(session, { methodId: HOSTED.id, fields: {} }, 'k3', {});
    await tick();
    failFlush(new Error('EIO: i/o error, fdatasync'));
    await expect(paying).rejects.toThrow('EIO');
    // The row stays as created, without the page: the reconciler settles it from the provider.
    const [payment] = await store.listPaymentsBySession('s');
    expect(payment).toMatchObject({ status: 'created' });
    expect(payment?.action).toBeUndefined();
  });
});
