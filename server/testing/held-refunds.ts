import type { ProviderPaymentState } from '../providers/provider.js';
import { stubProvider } from './stub-provider.js';

/**
 * A provider whose refunds of a payment of `paid` minor units wait until the test lets them
 * answer, and are counted. Its lookup shows what it has refunded, so a lookup made while a refund
 * is on its way shows none; it reads a callback naming the payment.
 */
export function heldRefunds(paid = 5000) {
  const refunds: number[] = [];
  const waiting: (() => void)[] = [];
  let reached!: () => void;
  const firstReached = new Promise<void>((resolve) => (reached = resolve));
  const refunded = () => refunds.reduce((sum, amount) => sum + amount, 0);
  const state = (): ProviderPaymentState => ({ status: refunded() === 0 ? 'succeeded' : refunded() >= paid ? 'refunded' : 'partially_refunded', refundedAmount: refunded() });
  const provider = stubProvider('milkypay', {
    getPayment: async () => state(),
    async refund(_lookup, amount): Promise<ProviderPaymentState> {
      const answered = new Promise<void>((resolve) => waiting.push(resolve));
      reached();
      await answered;
      refunds.push(amount);
      return state();
    },
    readCallback: (input) => (input.paymentId ? { paymentId: input.paymentId } : undefined),
  });
  return {
    provider,
    /** The refunds the provider has made, answered. */
    refunds,
    /** Resolves once a first refund call has reached the provider. */
    firstReached,
    /** How many refund calls have reached the provider, answered or not. */
    calls: () => refunds.length + waiting.length,
    answerAll: () => waiting.splice(0).forEach((answer) => answer()),
  };
}
