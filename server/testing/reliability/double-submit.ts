import { startProxy } from '../proxy-harness.js';
import { timed, type ScenarioResult } from './result.js';
import { openSession, widget } from './shop.js';

/**
 * Double submit: many pay calls at once with one Idempotency-Key and one body, as an impatient
 * shopper's double clicks and a retrying network make them. The provider must see one create.
 */
export function doubleSubmit(options: { calls: number }): Promise<ScenarioResult> {
  return timed(async () => {
    const proxy = await startProxy({ env: { RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_SESSION: '0' } });
    try {
      // Slow creates keep the first call in flight while the others arrive.
      proxy.simulatorFaults.hankopay.settings = { errorRate: 0, latencyMs: 300, dropCallbacks: 0, duplicateCallbacks: 0, reorderCallbacks: false };
      const { token, sessionId } = await openSession(proxy.url, { amount: '35.00', currency: 'USD', provider: 'hankopay' });
      const card = { number: '4242424242424242', expiryMonth: '12', expiryYear: '30', securityCode: '482', holderName: 'Ada Lovelace' };
      const creates = () => proxy.providerCalls.get('hankopay POST /api/v1/transactions') ?? 0;
      const before = creates();
      const answers = await Promise.all(
        Array.from({ length: options.calls }, () => widget(proxy.url, 'POST', '/api/checkout/payments', token, { key: 'double-click', body: { methodId: 'hankopay:card', card } })),
      );
      const providerCreates = creates() - before;
      const ok = answers.filter((answer) => answer.status === 201);
      const ids = new Set(ok.map((answer) => answer.body.payment.id as string));
      const stored = await proxy.store.listPaymentsBySession(sessionId);
      const problems: string[] = [];
      const others = answers.filter((answer) => answer.status !== 201);
      if (others.length > 0) problems.push(`answers other than 201: ${[...new Set(others.map((answer) => `${answer.status} ${answer.body?.error?.code}`))].join(', ')}`);
      return {
        scenario: 'Double submit',
        load: `${options.calls} concurrent pay calls, one Idempotency-Key (HankoPay card, creates slowed by 300 ms)`,
        figures: `${providerCreates} provider create (counted on the simulator), ${stored.length} payment stored, ${ids.size} payment id in ${ok.length} answers 201`,
        passed: providerCreates === 1 && stored.length === 1 && ids.size === 1 && ok.length === options.calls,
        problems,
      };
    } finally {
      await proxy.close();
    }
  });
}
