/**
 * Money moved is called paid only for the amount the shopper agreed to: the order's, or in
 * installments the plan's total with interest. Anything else is held for a person to decide.
 */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { ProviderRegistry } from '../providers/registry.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { stubProvider } from '../testing/stub-provider.js';
import type { InstallmentPlan } from '../store/store.js';
import { PaymentService } from './payment-service.js';

const provider = stubProvider('directcard');

async function paymentInChallenge(installments?: InstallmentPlan) {
  const store = SqliteStore.open(':memory:');
  const payments = new PaymentService({ store, providers: new ProviderRegistry([provider]), logger: createLogger({ level: 'silent' }), publicUrl: 'http://127.0.0.1:9' });
  const now = new Date().toISOString();
  await store.createSession({ id: 'ses_a', orderId: 'o_a', amount: 100_000, currency: 'TRY', returnUrl: 'https://shop.example/r', locale: 'tr', captureMethod: 'automatic', createdAt: now, expiresAt: now });
  const { payment } = await store.createPayment({ id: 'pay_a', sessionId: 'ses_a', orderId: 'o_a', provider: 'directcard', methodId: 'directcard:card', amount: 100_000, currency: 'TRY', status: 'requires_action', providerRef: 'dc_1', ...(installments ? { installments } : {}) });
  return { store, payments, payment };
}

describe('the amount a provider reports as paid', () => {
  const plan = { count: 3, totalAmount: 103_500 };

  it.each([
    ['the order amount, in installments', plan, 100_000, 'succeeded'],
    ['the plan’s total with interest', plan, 103_500, 'succeeded'],
    ['another amount, in installments', plan, 102_000, 'requires_action'],
    ['the plan’s total, for a payment without a plan', undefined, 103_500, 'requires_action'],
  ] as const)('%s', async (_, installments, amount, status) => {
    const { store, payments, payment } = await paymentInChallenge(installments);
    const after = await payments.applyState(payment, { status: 'succeeded', amount, currency: 'TRY', providerStatus: 'SUCCESS' }, 'challenge');
    expect(after.status).toBe(status);
    const held = (await store.listEvents(payment.id)).some((event) => event.type === 'held_for_review');
    expect(held).toBe(status !== 'succeeded');
    await store.close();
  });
});
