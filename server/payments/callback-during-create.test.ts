/**
 * MilkyPay calls back as soon as the invoice exists, before our create call has its answer. The
 * provider is answered at once (it may be waiting for us before answering the create), and the
 * lookup it asks for is made once the create has answered: it neither races it nor delays the shopper.
 */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import type { PaymentMethod, PaymentProvider, ProviderPaymentState } from '../providers/provider.js';
import { ProviderRegistry } from '../providers/registry.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { openTestSession } from '../testing/open-session.js';
import { PaymentService } from './payment-service.js';

const HOSTED: PaymentMethod = { id: 'milkypay:hosted', provider: 'milkypay', name: 'Hosted page', category: 'card', fields: [], paidOnProviderPage: true };
const PAGE: ProviderPaymentState = { status: 'requires_action', providerRef: 'inv_1', action: { type: 'redirect', url: 'https://milkypay.example/pay/inv_1' } };

async function setUp() {
  const store = SqliteStore.open(':memory:');
  const session = await openTestSession(store);

  const log: string[] = [];
  let answerCreate: (state: ProviderPaymentState) => void = () => undefined;
  let failCreate: (error: Error) => void = () => undefined;
  const provider: PaymentProvider = {
    id: 'milkypay',
    capabilities: { refund: false, capture: false, cancel: false, installments: false },
    listMethods: async () => [HOSTED],
    createPayment: () => {
      log.push('create sent');
      return new Promise((resolve, reject) => {
        answerCreate = (state) => (log.push('create answered'), resolve(state));
        failCreate = reject;
      });
    },
    getPayment: async () => {
      log.push('lookup');
      return PAGE;
    },
    readCallback: (input) => (input.paymentId ? { paymentId: input.paymentId } : undefined),
  };
  const service = new PaymentService({ store, providers: new ProviderRegistry([provider]), logger: createLogger({ level: 'silent' }), publicUrl: 'http://proxy' });
  return { store, service, log, session, answerCreate: (state: ProviderPaymentState) => answerCreate(state), failCreate: (error: Error) => failCreate(error) };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));
const callbackFor = (paymentId: string) => ({ paymentId, headers: {}, body: {}, query: {} });

async function waitForLookup(log: string[]): Promise<void> {
  for (let i = 0; i < 100 && !log.includes('lookup'); i++) await tick();
}

describe('a callback that arrives while our create call is under way', () => {
  it('is answered at once, and looked up only once the create has answered and the shopper has the page', async () => {
    const { store, service, log, session, answerCreate } = await setUp();
    const paying = service.pay(session, { methodId: HOSTED.id, fields: {} }, 'k1', {}).then((payment) => (log.push('shopper answered'), payment));
    await tick();
    const [created] = await store.listPaymentsBySession('s');
    await expect(service.handleCallback('milkypay', callbackFor(created!.id))).resolves.toMatchObject({ id: created!.id, status: 'created' });
    expect(log).toEqual(['create sent']);
    answerCreate(PAGE);
    await expect(paying).resolves.toMatchObject({ status: 'requires_action', providerRef: 'inv_1' });
    await waitForLookup(log);
    expect(log).toEqual(['create sent', 'create answered', 'shopper answered', 'lookup']);
  });

  it('is still looked up when the create failed', async () => {
    const { store, service, log, session, failCreate } = await setUp();
    const paying = service.pay(session, { methodId: HOSTED.id, fields: {} }, 'k2', {});
    await tick();
    const [created] = await store.listPaymentsBySession('s');
    await service.handleCallback('milkypay', callbackFor(created!.id));
    failCreate(new Error('socket hang up'));
    await paying.catch(() => undefined);
    await waitForLookup(log);
    expect(log).toEqual(['create sent', 'lookup']);
  });

  it('is looked up at once when no create of that payment is under way here', async () => {
    const { store, service, log, session, answerCreate } = await setUp();
    const paying = service.pay(session, { methodId: HOSTED.id, fields: {} }, 'k3', {});
    await tick();
    answerCreate(PAGE);
    const payment = await paying;
    log.length = 0;
    await service.handleCallback('milkypay', callbackFor(payment.id));
    expect(log).toEqual(['lookup']);
    expect(await store.getPayment(payment.id)).toMatchObject({ status: 'requires_action' });
  });
});
