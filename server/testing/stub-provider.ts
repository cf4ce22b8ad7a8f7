import type { PaymentProvider, ProviderId } from '../providers/provider.js';

/**
 * A provider for tests of the payment service: it lists nothing, creates pending payments and
 * reads no callback; a test gives the calls it exercises (a refund, a lookup) in `calls`.
 */
export function stubProvider(id: ProviderId, calls: Partial<Omit<PaymentProvider, 'id'>> = {}): PaymentProvider {
  return {
    id,
    capabilities: { refund: calls.refund !== undefined, capture: calls.capture !== undefined, cancel: calls.cancel !== undefined, installments: calls.installmentOptions !== undefined },
    listMethods: async () => [],
    createPayment: async () => ({ status: 'pending' }),
    getPayment: async () => ({ status: 'pending' }),
    readCallback: () => undefined,
    ...calls,
  };
}
