import { isShopperFinal } from '../../payments/payment-status.js';
import { startProxy } from '../proxy-harness.js';
import { timed, type ScenarioResult } from './result.js';
import { decideMilkyPay, inBatches, milkyPayInvoices, openSession, shuffle, widget } from './shop.js';

/**
 * Callback storm: MilkyPay payments decided by their shoppers, then hit with many callbacks each,
 * duplicated and out of order (stale snapshots from before the decision arriving after fresh ones),
 * on top of the simulator's own duplicated, reordered callbacks. Every payment must end in the
 * simulator's state with exactly one final transition and exactly one merchant webhook.
 */
export function callbackStorm(options: { payments: number; callbacks: number }): Promise<ScenarioResult> {
  return timed(async () => {
    const proxy = await startProxy({
      env: { RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_SESSION: '0' },
      merchantWebhook: { url: 'http://127.0.0.1:9/unused', secret: 'whsec_storm_secret_0001' },
    });
    try {
      proxy.simulatorFaults.milkypay.settings = { errorRate: 0, latencyMs: 0, dropCallbacks: 0, duplicateCallbacks: 1, reorderCallbacks: true };
      const payments = await inBatches(Array.from({ length: options.payments }), 20, async () => {
        const { token } = await openSession(proxy.url, { amount: '12.00', currency: 'USD', provider: 'milkypay' });
        const paid = await widget(proxy.url, 'POST', '/api/checkout/payments', token, { key: 'pay', body: { methodId: 'milkypay:payment_card_usd_hpp' } });
        if (paid.status !== 201) throw new Error(`pay failed: ${paid.status} ${JSON.stringify(paid.body)}`);
        return { id: paid.body.payment.id as string, actionUrl: paid.body.payment.action.url as string };
      });
      // A snapshot of each invoice before the shopper decides: the stale callback body.
      const stale = await inBatches(payments, 20, async (payment) => callbackBody(proxy.simulatorUrl, payment.id));
      const decisions = payments.map((_, i): 'approve' | 'decline' => (i % 3 === 2 ? 'decline' : 'approve'));
      await inBatches(payments, 20, (payment, i) => decideMilkyPay(payment.actionUrl, decisions[i]!));
      const fresh = await inBatches(payments, 20, async (payment) => callbackBody(proxy.simulatorUrl, payment.id));

      const perPayment = Math.ceil(options.callbacks / options.payments);
      const storm = shuffle(
        payments.flatMap((payment, i) => Array.from({ length: perPayment }, (_, n) => ({ payment, body: n % 2 === 0 ? stale[i] : fresh[i] }))),
      ).slice(0, options.callbacks);
      const lookups = () => [...proxy.providerCalls].filter(([key]) => key.startsWith('milkypay GET /api/payment-invoices')).reduce((sum, [, n]) => sum + n, 0);
      const lookupsBefore = lookups();
      const answers = await inBatches(storm, 50, async ({ payment, body }) => {
        const response = await fetch(`${proxy.url}/api/callbacks/milkypay/${payment.id}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        await response.body?.cancel();
        return response.status;
      });
      // The simulator's own callbacks are held back up to 250 ms.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const stormLookups = lookups() - lookupsBefore;

      let lost = 0;
      let doubled = 0;
      let webhooksDoubled = 0;
      const problems: string[] = [];
      for (const [i, payment] of payments.entries()) {
        const stored = await proxy.store.getPayment(payment.id);
        const [invoice] = await milkyPayInvoices(proxy.simulatorUrl, payment.id);
        const truth = invoice?.status === 'processed' ? 'succeeded' : invoice?.status === 'process_failed' ? 'failed' : 'unknown';
        const expected = decisions[i] === 'approve' ? 'succeeded' : 'failed';
        const finals = (await proxy.store.listEvents(payment.id)).filter((event) => event.toStatus !== undefined && isShopperFinal(event.toStatus) && event.type === 'status_changed');
        const webhooks = await proxy.store.listOutboxByPayment(payment.id);
        if (stored?.status !== truth || truth !== expected || finals.length === 0) {
          lost++;
          if (problems.length < 5) problems.push(`${payment.id}: ours ${stored?.status}, simulator ${truth}, shopper ${decisions[i]}`);
        }
        if (finals.length > 1) doubled++;
        if (webhooks.length !== 1) webhooksDoubled++;
      }
      const refused = answers.filter((status) => status >= 500).length;
      const simulatorCallbacks = proxy.simulatorFaults.milkypay.counts;
      if (refused > 0) problems.push(`${refused} callbacks answered 5xx`);
      if (webhooksDoubled > 0) problems.push(`${webhooksDoubled} payments without exactly one merchant webhook`);
      return {
        scenario: 'Callback storm',
        load: `${storm.length} callbacks (duplicated, stale ones after fresh ones, shuffled) over ${payments.length} payments, plus ${simulatorCallbacks.callbacks} simulator callbacks sent twice and reordered`,
        figures: `${lost} lost, ${doubled} doubled final transitions, ${webhooksDoubled} payments without exactly one webhook, ${refused} callbacks answered 5xx; ${stormLookups} status lookups at the provider during the storm`,
        passed: lost === 0 && doubled === 0 && webhooksDoubled === 0 && refused === 0,
        problems,
      };
    } finally {
      await proxy.close();
    }
  });
}

/** The callback MilkyPay sends: the invoice as it is now, in the private API's shape. */
async function callbackBody(simulatorUrl: string, paymentId: string): Promise<string> {
  const response = await fetch(`${simulatorUrl}/api/payment-invoices?filter[reference_id]=${encodeURIComponent(paymentId)}`, {
    headers: { authorization: `Basic ${Buffer.from('harness:harness-password').toString('base64')}` },
  });
  const body = (await response.json()) as { data: unknown[] };
  return JSON.stringify({ data: body.data[0] });
}
