/**
 * A second partial refund settles without a change of status (partially_refunded stays
 * partially_refunded). Money moved, so the history and the merchant's webhooks must still say so,
 * once, however many lookups see it settle together.
 */
import { expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import type { ProviderPaymentState } from '../providers/provider.js';
import { ProviderRegistry } from '../providers/registry.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { stubProvider } from '../testing/stub-provider.js';
import { PaymentService } from './payment-service.js';

const provider = stubProvider('milkypay');

it('records a second partial refund settling, and tells the merchant once', async () => {
  const store = SqliteStore.open(':memory:');
  const payments = new PaymentService({ store, providers: new ProviderRegistry([provider]), logger: createLogger({ level: 'silent' }), publicUrl: 'http://127.0.0.1:9', merchantWebhooks: true });
  const now = new Date().toISOString();
  await store.createSession({ id: 'ses_p', orderId: 'o_p', amount: 3000, currency: 'USD', returnUrl: 'https://shop.example/r', locale: 'en', captureMethod: 'automatic', createdAt: now, expiresAt: now });
  await store.createPayment({ id: 'pay_p', sessionId: 'ses_p', orderId: 'o_p', provider: 'milkypay', methodId: 'milkypay:card', amount: 3000, currency: 'USD', status: 'succeeded', providerRef: 'inv_p' });
  const first = await payments.applyState((await store.getPayment('pay_p'))!, { status: 'partially_refunded', refundedAmount: 500 }, 'merchant');
  expect(first).toMatchObject({ status: 'partially_refunded', refundedAmount: 500 });

  // Two lookups read the payment before either writes, and both see the second refund settled.
  const read = (await store.getPayment('pay_p'))!;
  const second: ProviderPaymentState = { status: 'partially_refunded', refundedAmount: 1000, providerStatus: 'partial refund' };
  await Promise.all([payments.applyState(read, second, 'poll'), payments.applyState(read, second, 'callback')]);

  expect((await store.getPayment('pay_p'))?.refundedAmount).toBe(1000);
  const settled = (await store.listEvents('pay_p')).filter((event) => event.fromStatus === 'partially_refunded' && event.toStatus === 'partially_refunded');
  expect(settled).toHaveLength(1);
  expect(settled[0]?.detail).toMatchObject({ refundedAmount: 1000 });
  const webhooks = (await store.listOutboxByPayment('pay_p')).map((message) => ({ type: message.type, body: JSON.parse(message.body) as { data: { payment: { refundedAmountMinor: number } } } }));
  expect(webhooks.map((message) => [message.type, message.body.data.payment.refundedAmountMinor])).toEqual([
    ['payment.partially_refunded', 500],
    ['payment.partially_refunded', 1000],
  ]);
  await store.close();
});
