import { createLogger } from '../../logger.js';
import { Reconciler } from '../../payments/reconciler.js';
import type { PaymentAction } from '../../providers/provider.js';
import { NO_FAULTS } from '../../providers/simulator-faults.js';
import { startProxy, type ProxyHarness } from '../proxy-harness.js';
import { timed, type ScenarioResult } from './result.js';
import { decideMilkyPay, inBatches, milkyPayInvoices, openSession, sleep, widget } from './shop.js';

type Provider = 'milkypay' | 'hankopay';
const PAID = new Set(['succeeded', 'authorized', 'refund_pending', 'partially_refunded', 'refunded']);

/**
 * Faults: payments through MilkyPay (hosted page, callbacks) and HankoPay (card, callbacks) while
 * the simulators fail a share of API calls (half of them after doing the work) and drop a share of
 * callbacks. Shoppers retry a failed pay call with a new key; the proxy must refuse while an outcome
 * is unknown. Then the reconciler runs, shoppers finish what is offered to them, and everything is
 * counted on the simulators' side: charges per order and each payment's state against ours.
 */
export function faults(options: { payments: number; errorRate: number; dropCallbacks: number }): Promise<ScenarioResult> {
  return timed(async () => {
    const proxy = await startProxy({ env: { RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_SESSION: '0' } });
    const settings = { ...NO_FAULTS, errorRate: options.errorRate, dropCallbacks: options.dropCallbacks };
    const reconciler = new Reconciler({ store: proxy.store, payments: proxy.payments, logger: createLogger({ level: 'silent' }) }, { intervalMs: 60_000, quietForMs: -1, batchSize: 1000 });
    try {
      const orders = await inBatches(Array.from({ length: options.payments }), 10, async (_, i) => {
        const provider: Provider = i % 2 === 0 ? 'milkypay' : 'hankopay';
        // Methods are listed before the faults start: an error there is not what is measured.
        const session = await openSession(proxy.url, { amount: '20.00', currency: 'USD', provider });
        await widget(proxy.url, 'GET', '/api/checkout', session.token);
        return { ...session, provider, approve: i % 7 !== 3 };
      });
      proxy.simulatorFaults.milkypay.settings = { ...settings };
      proxy.simulatorFaults.hankopay.settings = { ...settings };

      let payAnswers = 0;
      let payErrors = 0;
      let refusedWhileUnknown = 0;
      await inBatches(orders, 20, async (order) => {
        for (let attempt = 1; attempt <= 3; attempt++) {
          const paid = await payOnce(proxy, order, `attempt-${attempt}`);
          payAnswers++;
          if (paid.status === 201) {
            await finishOnProviderPage(order.provider, paid.body.payment, order.approve);
            return;
          }
          if (paid.status === 409) refusedWhileUnknown++;
          else payErrors++;
          await sleep(100);
        }
      });

      // Reconciliation, while the faults go on; shoppers finish payments offered to them again.
      let passes = 0;
      for (; passes < 30; ) {
        passes++;
        await reconciler.reconcilePending();
        const open = (await Promise.all(orders.map((order) => proxy.store.listPaymentsBySession(order.sessionId)))).flat();
        const waiting = open.filter((payment) => payment.status === 'requires_action');
        const unsettled = open.filter((payment) => payment.status === 'created' || payment.status === 'pending');
        if (waiting.length === 0 && unsettled.length === 0) break;
        // A returning shopper is offered the session's latest payment, and only while nothing is paid.
        const offered = waiting.filter((payment) => {
          const session = open.filter((other) => other.sessionId === payment.sessionId);
          return session.at(-1)?.id === payment.id && !session.some((other) => PAID.has(other.status));
        });
        await inBatches(offered, 20, async (payment) => {
          const order = orders.find((candidate) => candidate.sessionId === payment.sessionId)!;
          if (payment.action) await finishOnProviderPage(order.provider, { id: payment.id, action: payment.action }, order.approve).catch(() => undefined);
        });
        if (offered.length === 0 && unsettled.length === 0) break;
        await sleep(200);
      }

      // Counting, on the simulators' side with their faults off.
      proxy.simulatorFaults.milkypay.settings = { ...NO_FAULTS };
      proxy.simulatorFaults.hankopay.settings = { ...NO_FAULTS };
      const hankopayRecords = await allHankoPayTransactions(proxy);
      let unknown = 0;
      let doubleCharges = 0;
      let mismatched = 0;
      let paidOrders = 0;
      let abandoned = 0;
      const problems: string[] = [];
      for (const order of orders) {
        const payments = await proxy.store.listPaymentsBySession(order.sessionId);
        let charges = 0;
        for (const payment of payments) {
          if (payment.status === 'created' || payment.status === 'pending') unknown++;
          if (payment.status === 'requires_action') abandoned++;
          const records =
            order.provider === 'milkypay'
              ? (await milkyPayInvoices(proxy.simulatorUrl, payment.id)).map((invoice) => ({ paid: invoice.status === 'processed', failed: invoice.status === 'process_failed' }))
              : hankopayRecords.filter((record) => record.orderId === payment.id).map((record) => ({ paid: record.status === 'success', failed: record.status === 'failed' || record.status === 'canceled' }));
          const paidRecords = records.filter((record) => record.paid).length;
          charges += paidRecords;
          const truth = paidRecords > 0 ? 'paid' : records.some((record) => !record.failed) ? 'open' : 'not paid';
          const ours = PAID.has(payment.status) ? 'paid' : payment.status === 'requires_action' ? 'open' : 'not paid';
          if (truth !== ours) {
            mismatched++;
            if (problems.length < 8) problems.push(`${order.provider} ${payment.id}: ours ${payment.status}, simulator ${JSON.stringify(records)}`);
          }
        }
        if (charges > 1) doubleCharges++;
        if (charges > 0) paidOrders++;
      }
      const injected = ['milkypay', 'hankopay'].map((id) => proxy.simulatorFaults[id as Provider].counts);
      const failedCalls = injected.reduce((sum, c) => sum + c.failedBefore + c.failedAfter, 0);
      const apiCalls = injected.reduce((sum, c) => sum + c.requests, 0);
      const dropped = injected.reduce((sum, c) => sum + c.dropped, 0);
      const callbacks = injected.reduce((sum, c) => sum + c.callbacks, 0);
      return {
        scenario: 'Faults',
        load: `${orders.length} orders (MilkyPay and HankoPay), ${Math.round(options.errorRate * 100)}% provider errors (${failedCalls} of ${apiCalls} API calls, half after the work was done), ${Math.round(options.dropCallbacks * 100)}% callbacks dropped (${dropped} of ${callbacks}); ${payAnswers} pay calls, ${refusedWhileUnknown} refused while an outcome was unknown`,
        figures: `after ${passes} reconciliation passes: ${unknown} unknown, ${doubleCharges} double charges and ${mismatched} payments differing from the simulators; ${paidOrders} orders paid, ${abandoned} hosted pages left open (created but never shown, the shopper paid anew)`,
        passed: unknown === 0 && doubleCharges === 0 && mismatched === 0,
        problems,
      };
    } finally {
      await reconciler.stop();
      await proxy.close();
    }
  });
}

function payOnce(proxy: ProxyHarness, order: { token: string; provider: Provider }, key: string) {
  const body =
    order.provider === 'milkypay'
      ? { methodId: 'milkypay:payment_card_usd_hpp' }
      : { methodId: 'hankopay:card', card: { number: '4242424242424242', expiryMonth: '12', expiryYear: '30', securityCode: '482', holderName: 'Ada Lovelace' } };
  return widget(proxy.url, 'POST', '/api/checkout/payments', order.token, { key, body });
}

/**
 * The shopper on the provider's page: MilkyPay's hosted page (a redirect after the create, a form
 * when found by a lookup, both leading to the same page); HankoPay card payments need nothing.
 */
async function finishOnProviderPage(provider: Provider, payment: { id: string; action?: PaymentAction }, approve: boolean): Promise<void> {
  const page = payment.action?.type === 'form' ? payment.action.action : payment.action?.type === 'redirect' ? payment.action.url : undefined;
  if (provider === 'milkypay' && page) await decideMilkyPay(page, approve ? 'approve' : 'decline');
}

async function allHankoPayTransactions(proxy: ProxyHarness): Promise<{ orderId: string; status: string }[]> {
  const all: { orderId: string; status: string }[] = [];
  for (let page = 1; ; page++) {
    const response = await fetch(`${proxy.hankopayUrl}/api/v1/transactions?page=${page}&limit=100`, { headers: { authorization: 'Bearer hk_test_harness' } });
    const body = (await response.json()) as { data: { orderId: string; status: string }[]; pagination: { pages: number } };
    all.push(...body.data);
    if (page >= body.pagination.pages) return all;
  }
}
