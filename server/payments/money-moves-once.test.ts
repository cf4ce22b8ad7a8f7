import { expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import type { ProviderPaymentState } from '../providers/provider.js';
import { ProviderRegistry } from '../providers/registry.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { stubProvider } from '../testing/stub-provider.js';
import { PaymentService } from './payment-service.js';

/** A provider whose refunds take a while, counting them: a second concurrent refund must not reach it. */
function slowRefunds() {
  const refunds: number[] = [];
  const provider = stubProvider('milkypay', {
    getPayment: async () => ({ status: 'succeeded' }),
    async refund(_lookup, amount): Promise<ProviderPaymentState> {
      refunds.push(amount);
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { status: 'refunded', refundedAmount: amount, providerStatus: 'refunded' };
    },
  });
  return { provider, refunds };
}

it('lets one of two simultaneous full refunds reach the provider; the other is refused', async () => {
  const store = SqliteStore.open(':memory:');
  const { provider, refunds } = slowRefunds();
  const payments = new PaymentService({ store, providers: new ProviderRegistry([provider]), logger: createLogger({ level: 'silent' }), publicUrl: 'http://127.0.0.1:9' });
  const now = new Date().toISOString();
  await store.createSession({ id: 'ses_r', orderId: 'o_r', amount: 5000, currency: 'USD', returnUrl: 'https://shop.example/r', locale: 'en', captureMethod: 'automatic', createdAt: now, expiresAt: now });
  const { payment } = await store.createPayment({ id: 'pay_r', sessionId: 'ses_r', orderId: 'o_r', provider: 'milkypay', methodId: 'milkypay:card', amount: 5000, currency: 'USD', status: 'succeeded', providerRef: 'cpi_r' });
  const results = await Promise.allSettled([payments.refund(payment, undefined, 'twice'), payments.refund(payment, undefined, 'twice')]);
  expect(refunds).toEqual([5000]);
  expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
  expect((results.find((result) => result.status === 'rejected') as PromiseRejectedResult).reason.code).toBe('conflict');
  expect((await store.getPayment('pay_r'))?.status).toBe('refunded');
  await store.close();
});
