/**
 * A refund whose answer is lost may have been made. The payment waits in refund_pending until the
 * provider is asked, so a merchant's retry is refused instead of refunding the money twice; one
 * that never reached the provider may be asked again once a lookup shows no refund, made when the
 * refund can no longer be on its way. (Against a provider's own adapter and simulator:
 * server/providers/paymenthub/lost-refund-answer.test.ts.)
 */
import { afterEach, expect, it, vi } from 'vitest';
import { ProviderError } from '../errors.js';
import type { ProviderPaymentState } from '../providers/provider.js';
import { serviceFor, succeededPayment } from '../testing/payment-service-harness.js';
import { stubProvider } from '../testing/stub-provider.js';
import { REFUND_IN_FLIGHT_MS } from './payment-service.js';

afterEach(() => {
  vi.useRealTimers();
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

  // At once, a lookup that finds no refund proves nothing: the refund may still be on its way.
  vi.useFakeTimers({ toFake: ['Date'] });
  await expect(payments.refund(waiting, undefined, 'wrong size')).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('still pending') });
  // Once it cannot be, the lookup finds no refund: the payment is succeeded again and the retry goes through, once.
  vi.setSystemTime(Date.now() + REFUND_IN_FLIGHT_MS + 1_000);
  await expect(payments.refund((await store.getPayment(payment.id))!, undefined, 'wrong size')).resolves.toMatchObject({ status: 'refunded', refundedAmount: 5000 });
  expect(refunds).toEqual([5000]);
  await store.close();
});
