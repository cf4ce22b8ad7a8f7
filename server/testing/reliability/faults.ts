import { createLogger } from '../../logger.js';
import { Reconciler } from '../../payments/reconciler.js';
import type { PaymentAction } from '../../providers/provider.js';
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
  PROVIDER_NAMES as NAMES,
  PROVIDER_ORDERS as ORDERS,
  sleep,
  widget,
  type CallbackProvider,
  type Decision,
} from './shop.js';

/** Every provider that calls back and can be looked up; directcard does neither (RELIABILITY.md). */
const PROVIDERS: readonly CallbackProvider[] = ['milkypay', 'hankopay', 'hpay', 'paymenthub'];
type Provider = CallbackProvider;
const PAID = new Set(['succeeded', 'authorized', 'refund_pending', 'partially_refunded', 'refunded']);
/** One record of a payment on the simulator's side: charged, final without a charge, or neither (open). */
interface SimulatorRecord {
  paid: boolean;
  failed: boolean;
}

interface Order {
  sessionId: string;
  token: string;
  provider: Provider;
  methodId: string;
  decision: Decision;
}

/**
 * Faults: payments through MilkyPay (hosted page), HankoPay (card), HPAY (hosted page) and Payment
 * Hub (vendor page), all calling back, while the simulators fail a share of API calls (half of
 * them after doing the work) and drop a share of callbacks. Shoppers retry a failed pay call with a
 * new key; the proxy must refuse while an outcome is unknown. Then the reconciler runs, shoppers
 * finish what is offered to them, and everything is counted on the simulators' side: charges per
 * order and each payment's state against ours.
 */
export function faults(options: { payments: number; errorRate: number; dropCallbacks: number }): Promise<ScenarioResult> {
  return timed(async () => {
    const proxy = await startProxy({ env: { RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_SESSION: '0' } });
    const settings = { ...NO_FAULTS, errorRate: options.errorRate, dropCallbacks: options.dropCallbacks };
    const reconciler = new Reconciler({ store: proxy.store, payments: proxy.payments, logger: createLogger({ level: 'silent' }) }, { intervalMs: 60_000, quietForMs: -1, batchSize: 1000 });
    try {
      const orders = await inBatches(Array.from({ length: options.payments }), 10, async (_, i): Promise<Order> => {
        const provider = PROVIDERS[i % PROVIDERS.length]!;
        // Methods are listed before the faults start: an error there is not what is measured.
        const session = await openSession(proxy.url, { ...ORDERS[provider], provider });
        const listed = await widget(proxy.url, 'GET', '/api/checkout', session.token);
        return { ...session, provider, methodId: methodOf(provider, listed.body.methods ?? []), decision: decisionOf(Math.floor(i / PROVIDERS.length)) };
      });
      for (const provider of PROVIDERS) proxy.simulatorFaults[provider].settings = { ...settings };

      // Payments on whose page the shopper decided; an HPAY page canceled stays UNPAID, so open.
      const decided = new Map<string, { provider: Provider; decision: Decision }>();
      const decide = async (order: Order, payment: { id: string; action?: PaymentAction }) => {
        if (await decideOnProviderPage(order.provider, payment.action, order.decision)) decided.set(payment.id, order);
      };
      const staysOpen = (paymentId: string) => {
        const decision = decided.get(paymentId);
        return decision?.provider === 'hpay' && decision.decision !== 'approve';
      };

      let payAnswers = 0;
      let refusedWhileUnknown = 0;
      await inBatches(orders, 20, async (order) => {
        for (let attempt = 1; attempt <= 3; attempt++) {
          const paid = await payOnce(proxy, order, `attempt-${attempt}`);
          payAnswers++;
          if (paid.status === 201) {
            await decide(order, paid.body.payment);
            return;
          }
          if (paid.status === 409) refusedWhileUnknown++;
          await sleep(100);
        }
      });

      // Reconciliation, while the faults go on; shoppers finish payments offered to them again.
      let passes = 0;
      for (; passes < 30; ) {
        passes++;
        await reconciler.reconcilePending();
        const open = (await Promise.all(orders.map((order) => proxy.store.listPaymentsBySession(order.sessionId)))).flat();
        const waiting = open.filter((payment) => payment.status === 'requires_action' && !staysOpen(payment.id));
        const unsettled = open.filter((payment) => payment.status === 'created' || payment.status === 'pending');
        if (waiting.length === 0 && unsettled.length === 0) break;
        // A returning shopper is offered the session's latest payment, and only while nothing is
        // paid and they have not decided on its page yet (a decided one waits for the reconciler).
        const offered = waiting.filter((payment) => {
          const session = open.filter((other) => other.sessionId === payment.sessionId);
          return session.at(-1)?.id === payment.id && !session.some((other) => PAID.has(other.status)) && !decided.has(payment.id) && payment.action;
        });
        await inBatches(offered, 20, async (payment) => {
          const order = orders.find((candidate) => candidate.sessionId === payment.sessionId)!;
          await decide(order, { id: payment.id, action: payment.action }).catch(() => undefined);
        });
        const awaitingLookup = waiting.filter((payment) => decided.has(payment.id));
        if (offered.length === 0 && unsettled.length === 0 && awaitingLookup.length === 0) break;
        await sleep(200);
      }

      // Counting, on the simulators' side with their faults off.
      for (const provider of PROVIDERS) proxy.simulatorFaults[provider].settings = { ...NO_FAULTS };
      const hankopayRecords = await allHankoPayTransactions(proxy);
      const hpayRecords = await hpayHistory(proxy.hpayUrl, HPAY_KEYS);
      const recordsOf = async (provider: Provider, paymentId: string): Promise<SimulatorRecord[]> => {
        switch (provider) {
          case 'milkypay':
            return (await milkyPayInvoices(proxy.simulatorUrl, paymentId)).map((invoice) => ({ paid: invoice.status === 'processed', failed: invoice.status === 'process_failed' }));
          case 'hankopay':
            return hankopayRecords.filter((record) => record.orderId === paymentId).map((record) => ({ paid: record.status === 'success', failed: record.status === 'failed' || record.status === 'canceled' }));
          case 'hpay':
            return hpayRecords.filter((record) => isHpayRecordOf(record, paymentId)).map((record) => ({ paid: record.status === 'PAID', failed: false }));
          case 'paymenthub': {
            const record = proxy.paymenthub.transactionRecord(paymentId);
            if (!record) return [];
            return [{ paid: record.Status === 'paid', failed: record.Status === 'expired' || Boolean(record.PaymentFailReason) }];
          }
        }
      };
      let unknown = 0;
      let doubleCharges = 0;
      let mismatched = 0;
      let paidOrders = 0;
      let leftOpen = 0;
      let canceledOpen = 0;
      const problems: string[] = [];
      const perProvider = Object.fromEntries(PROVIDERS.map((provider) => [provider, { payments: 0, mismatched: 0 }])) as Record<Provider, { payments: number; mismatched: number }>;
      for (const order of orders) {
        const payments = await proxy.store.listPaymentsBySession(order.sessionId);
        let charges = 0;
        for (const payment of payments) {
          perProvider[order.provider].payments++;
          if (payment.status === 'created' || payment.status === 'pending') unknown++;
          if (payment.status === 'requires_action') {
            leftOpen++;
            if (staysOpen(payment.id)) canceledOpen++;
          }
          const records = await recordsOf(order.provider, payment.id);
          const paidRecords = records.filter((record) => record.paid).length;
          charges += paidRecords;
          const truth = paidRecords > 0 ? 'paid' : records.some((record) => !record.failed) ? 'open' : 'not paid';
          const ours = PAID.has(payment.status) ? 'paid' : payment.status === 'requires_action' ? 'open' : 'not paid';
          if (truth !== ours) {
            mismatched++;
            perProvider[order.provider].mismatched++;
            if (problems.length < 8) problems.push(`${order.provider} ${payment.id}: ours ${payment.status}, simulator ${JSON.stringify(records)}`);
          }
        }
        if (charges > 1) {
          doubleCharges++;
          if (problems.length < 8) problems.push(`${order.provider} session ${order.sessionId}: ${charges} charges`);
        }
        if (charges > 0) paidOrders++;
      }
      const injected = PROVIDERS.map((provider) => proxy.simulatorFaults[provider].counts);
      const failedCalls = injected.reduce((sum, c) => sum + c.failedBefore + c.failedAfter, 0);
      const apiCalls = injected.reduce((sum, c) => sum + c.requests, 0);
      const dropped = injected.reduce((sum, c) => sum + c.dropped, 0);
      const callbacks = injected.reduce((sum, c) => sum + c.callbacks, 0);
      const spread = PROVIDERS.map((provider) => `${orders.filter((order) => order.provider === provider).length} ${NAMES[provider]}`).join(', ');
      return {
        scenario: 'Faults',
        load: `${orders.length} orders (${spread}), ${Math.round(options.errorRate * 100)}% provider errors (${failedCalls} of ${apiCalls} API calls, half after the work was done), ${Math.round(options.dropCallbacks * 100)}% callbacks dropped (${dropped} of ${callbacks}); ${payAnswers} pay calls, ${refusedWhileUnknown} refused while an outcome was unknown`,
        figures:
          `after ${passes} reconciliation passes: ${unknown} unknown, ${doubleCharges} double charges and ${mismatched} payments differing from the simulators ` +
          `(${PROVIDERS.map((provider) => `${NAMES[provider]} ${perProvider[provider].mismatched} of ${perProvider[provider].payments}`).join(', ')}); ` +
          `${paidOrders} orders paid, ${leftOpen} pages left open (${canceledOpen} canceled on HPAY's page, which keeps them UNPAID; ${leftOpen - canceledOpen} created but never shown, the shopper paid anew)`,
        passed: unknown === 0 && doubleCharges === 0 && mismatched === 0,
        problems,
      };
    } finally {
      await reconciler.stop();
      await proxy.close();
    }
  });
}

/** Four in five shoppers of each provider pay; the others decline or cancel, in turn. */
function decisionOf(indexWithinProvider: number): Decision {
  if (indexWithinProvider % 5 !== 2) return 'approve';
  return indexWithinProvider % 10 === 2 ? 'decline' : 'cancel';
}

function payOnce(proxy: ProxyHarness, order: Order, key: string) {
  const card = { number: '4242424242424242', expiryMonth: '12', expiryYear: '30', securityCode: '482', holderName: 'Ada Lovelace' };
  const body = order.provider === 'hankopay' ? { methodId: order.methodId, card } : { methodId: order.methodId };
  return widget(proxy.url, 'POST', '/api/checkout/payments', order.token, { key, body });
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
