import { isShopperFinal } from '../../payments/payment-status.js';
import { NO_FAULTS } from '../../providers/simulator-faults.js';
import { HPAY_KEYS, startProxy, type ProxyHarness } from '../proxy-harness.js';
import { timed, type ScenarioResult } from './result.js';
import {
  decideOnProviderPage,
  hpayHistory,
  inBatches,
  isHpayRecordOf,
  methodOf,
  milkyPayInvoices,
  openSession,
  PROVIDER_NAMES,
  PROVIDER_ORDERS,
  shuffle,
  widget,
  type CallbackProvider,
  type Decision,
} from './shop.js';

/** The providers whose callbacks the proxy takes: MilkyPay's invoice, HPAY's notification, Payment Hub's GET signal. */
const PROVIDERS: readonly CallbackProvider[] = ['milkypay', 'hpay', 'paymenthub'];

interface StormPayment {
  provider: CallbackProvider;
  id: string;
  decision: Decision;
}

/**
 * Callback storm: MilkyPay, HPAY and Payment Hub payments decided by their shoppers, then hit with
 * many callbacks each, duplicated and out of order (for MilkyPay and HPAY, stale bodies from before
 * the decision arriving after fresh ones; Payment Hub's webhook is a bodiless GET), on top of the
 * simulators' own duplicated, reordered callbacks. Every payment must end in its simulator's state
 * with exactly one final transition and exactly one merchant webhook (none while a canceled HPAY
 * page keeps its transaction UNPAID).
 */
export function callbackStorm(options: { payments: number; callbacks: number }): Promise<ScenarioResult> {
  return timed(async () => {
    const proxy = await startProxy({
      env: { RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_SESSION: '0' },
      merchantWebhook: { url: 'http://127.0.0.1:9/unused', secret: 'whsec_storm_secret_0001' },
    });
    try {
      for (const provider of PROVIDERS) proxy.simulatorFaults[provider].settings = { ...NO_FAULTS, duplicateCallbacks: 1, reorderCallbacks: true };
      const created = await inBatches(Array.from({ length: options.payments }), 20, async (_, i) => {
        const provider = PROVIDERS[i % PROVIDERS.length]!;
        const { token } = await openSession(proxy.url, { ...PROVIDER_ORDERS[provider], provider });
        const listed = await widget(proxy.url, 'GET', '/api/checkout', token);
        const paid = await widget(proxy.url, 'POST', '/api/checkout/payments', token, { key: 'pay', body: { methodId: methodOf(provider, listed.body.methods ?? []) } });
        if (paid.status !== 201) throw new Error(`pay failed: ${paid.status} ${JSON.stringify(paid.body)}`);
        // Two in three shoppers pay; the others decline (HPAY's page can only cancel).
        const decision: Decision = Math.floor(i / PROVIDERS.length) % 3 === 2 ? (provider === 'hpay' ? 'cancel' : 'decline') : 'approve';
        return { payment: { provider, id: paid.body.payment.id as string, decision }, action: paid.body.payment.action };
      });
      const payments = created.map(({ payment }) => payment);
      // A callback of each payment before the shopper decides: the stale one.
      const stale = await inBatches(payments, 20, (payment) => callbackOf(proxy, payment));
      await inBatches(created, 20, async ({ payment, action }) => {
        if (!(await decideOnProviderPage(payment.provider, action, payment.decision))) throw new Error(`${payment.provider} page did not take the decision for ${payment.id}`);
      });
      const fresh = await inBatches(payments, 20, (payment) => callbackOf(proxy, payment));

      const perPayment = Math.ceil(options.callbacks / options.payments);
      const storm = shuffle(payments.flatMap((payment, i) => Array.from({ length: perPayment }, (_, n) => ({ payment, send: n % 2 === 0 ? stale[i]! : fresh[i]! })))).slice(0, options.callbacks);
      const lookupsBefore = lookups(proxy);
      const answers = await inBatches(storm, 50, async ({ send }) => {
        const response = await send();
        await response.body?.cancel();
        return response.status;
      });
      // The simulators' own callbacks are held back up to 250 ms.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const stormLookups = lookups(proxy) - lookupsBefore;

      const hpayRecords = await hpayHistory(proxy.hpayUrl, HPAY_KEYS);
      let lost = 0;
      let doubled = 0;
      let webhooksWrong = 0;
      const problems: string[] = [];
      for (const payment of payments) {
        const stored = await proxy.store.getPayment(payment.id);
        const truth = await simulatorStatus(proxy, payment, hpayRecords);
        const expected = payment.decision === 'approve' ? 'succeeded' : payment.provider === 'hpay' ? 'requires_action' : 'failed';
        const finalExpected = expected !== 'requires_action';
        const finals = (await proxy.store.listEvents(payment.id)).filter((event) => event.toStatus !== undefined && isShopperFinal(event.toStatus) && event.type === 'status_changed');
        const webhooks = await proxy.store.listOutboxByPayment(payment.id);
        if (stored?.status !== truth || truth !== expected || (finalExpected && finals.length === 0)) {
          lost++;
          if (problems.length < 5) problems.push(`${payment.provider} ${payment.id}: ours ${stored?.status}, simulator ${truth}, shopper ${payment.decision}`);
        }
        if (finals.length > 1) doubled++;
        if (webhooks.length !== (finalExpected ? 1 : 0)) webhooksWrong++;
      }
      const refused = answers.filter((status) => status >= 500).length;
      const simulatorCallbacks = PROVIDERS.reduce((sum, provider) => sum + proxy.simulatorFaults[provider].counts.callbacks, 0);
      if (refused > 0) problems.push(`${refused} callbacks answered 5xx`);
      if (webhooksWrong > 0) problems.push(`${webhooksWrong} payments without exactly one merchant webhook per final state`);
      const spread = PROVIDERS.map((provider) => `${payments.filter((payment) => payment.provider === provider).length} ${PROVIDER_NAMES[provider]}`).join(', ');
      return {
        scenario: 'Callback storm',
        load: `${storm.length} callbacks (duplicated, stale ones after fresh ones, shuffled) over ${payments.length} payments (${spread}), plus ${simulatorCallbacks} simulator callbacks sent twice and reordered`,
        figures: `${lost} lost, ${doubled} doubled final transitions, ${webhooksWrong} payments without exactly one webhook per final state, ${refused} callbacks answered 5xx; ${stormLookups} status lookups at the providers during the storm`,
        passed: lost === 0 && doubled === 0 && webhooksWrong === 0 && refused === 0,
        problems,
      };
    } finally {
      await proxy.close();
    }
  });
}

/**
 * A callback as the provider sends it, taken now (so it carries the state of now): MilkyPay posts
 * the invoice, HPAY posts the transaction and its status, Payment Hub calls GET without a body.
 */
async function callbackOf(proxy: ProxyHarness, payment: StormPayment): Promise<() => Promise<Response>> {
  const url = `${proxy.url}/api/callbacks/${payment.provider}/${payment.id}`;
  const post = (body: string) => () => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  if (payment.provider === 'milkypay') {
    const response = await fetch(`${proxy.simulatorUrl}/api/payment-invoices?filter[reference_id]=${encodeURIComponent(payment.id)}`, {
      headers: { authorization: `Basic ${Buffer.from('harness:harness-password').toString('base64')}` },
    });
    const body = (await response.json()) as { data: unknown[] };
    return post(JSON.stringify({ data: body.data[0] }));
  }
  if (payment.provider === 'hpay') {
    const record = (await hpayHistory(proxy.hpayUrl, HPAY_KEYS)).find((candidate) => isHpayRecordOf(candidate, payment.id));
    return post(JSON.stringify({ transaction_id: record?.transaction_id, status: record?.status, amount: '20.00', currency: 'CAD', mode: HPAY_KEYS.mode }));
  }
  return () => fetch(url);
}

/** The payment's state on its simulator, in our words. */
async function simulatorStatus(proxy: ProxyHarness, payment: StormPayment, hpayRecords: { description: string; status: string }[]): Promise<string> {
  if (payment.provider === 'milkypay') {
    const [invoice] = await milkyPayInvoices(proxy.simulatorUrl, payment.id);
    return invoice?.status === 'processed' ? 'succeeded' : invoice?.status === 'process_failed' ? 'failed' : 'unknown';
  }
  if (payment.provider === 'hpay') {
    const record = hpayRecords.find((candidate) => isHpayRecordOf(candidate, payment.id));
    return record?.status === 'PAID' ? 'succeeded' : record?.status === 'UNPAID' ? 'requires_action' : 'unknown';
  }
  const record = proxy.paymenthub.transactionRecord(payment.id);
  if (record?.Status === 'paid') return 'succeeded';
  if (record?.Status === 'initial') return record.PaymentFailReason ? 'failed' : 'requires_action';
  return 'unknown';
}

/** Status lookups the simulators received: MilkyPay's invoice reads, HPAY's history, Payment Hub's reads. */
function lookups(proxy: ProxyHarness): number {
  const fromCalls = [...proxy.providerCalls].filter(([key]) => key.startsWith('milkypay GET /api/payment-invoices') || key === 'hpay POST /getPaymentHistory/').reduce((sum, [, n]) => sum + n, 0);
  const paymenthub = proxy.paymenthub.stats.calls;
  return fromCalls + (paymenthub['GET /api/v1/transactions/:ref'] ?? 0) + (paymenthub['POST /api/v1/transactions/fetch-multiple'] ?? 0);
}
