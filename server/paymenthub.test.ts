/** Payment Hub through the proxy, against its simulator over HTTP: methods, pay, webhook, refunds, cancel, error log, shared page, reconciliation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { Reconciler } from './payments/reconciler.js';
import { merchantCall, widgetCall } from './testing/api-calls.js';
import { startProxy, type ProxyHarness } from './testing/proxy-harness.js';

let proxy: ProxyHarness;
beforeAll(async () => {
  proxy = await startProxy();
});
afterAll(async () => {
  await proxy.close();
});

const merchant = (method: string, path: string, body?: unknown) => merchantCall(proxy.url, method, path, body);
const widget = (method: string, path: string, token: string, options: { body?: unknown; key?: string } = {}) => widgetCall(proxy.url, method, path, token, options);
const calls = (route: string) => proxy.paymenthub.stats.calls[route] ?? 0;

async function newSession(order: Record<string, unknown> = {}) {
  const { status, body } = await merchant('POST', '/api/sessions', {
    orderId: `order-${Math.random().toString(36).slice(2)}`,
    returnUrl: 'https://shop.example/return',
    amount: '150000',
    currency: 'IDR',
    provider: 'paymenthub',
    customer: { name: 'Siti Rahma Putri', email: 'siti@example.com' },
    ...order,
  });
  expect(status).toBe(201);
  return body as { token: string; sessionId: string };
}

async function methodsOf(token: string): Promise<{ id: string; name: string; category: string }[]> {
  const { status, body } = await widget('GET', '/api/checkout', token);
  expect(status).toBe(200);
  return body.methods;
}

async function payWith(token: string, methodName: RegExp | string): Promise<{ id: string; action: { type: string; url: string } }> {
  const methods = await methodsOf(token);
  const method = methods.find((candidate) => (typeof methodName === 'string' ? candidate.name === methodName : methodName.test(candidate.name)));
  expect(method, `a method named ${String(methodName)}`).toBeDefined();
  const { status, body } = await widget('POST', '/api/checkout/payments', token, { key: `k-${Math.random()}`, body: { methodId: method!.id } });
  expect(status).toBe(201);
  return body.payment;
}

/** The shopper's decision on the vendor page (what its buttons post). */
async function decide(pageUrl: string, outcome: 'pay' | 'decline' | 'cancel', method = '') {
  const page = await fetch(pageUrl);
  expect(page.status).toBe(200);
  const answer = await fetch(`${pageUrl}/${outcome}`, { method: 'POST', body: new URLSearchParams({ method }), redirect: 'manual' });
  expect(answer.status).toBe(303);
  return answer.headers.get('location');
}

async function waitForStatus(paymentId: string, wanted: string) {
  let last = '';
  for (let i = 0; i < 100; i++) {
    const { body } = await merchant('GET', `/api/payments/${paymentId}`);
    last = body.status;
    if (last === wanted) return body;
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  throw new Error(`payment ${paymentId} stayed ${last}, never ${wanted}`);
}

async function paidPayment() {
  const { token } = await newSession();
  const payment = await payWith(token, 'QRIS');
  await decide(payment.action.url, 'pay', 'QRIS');
  await waitForStatus(payment.id, 'succeeded');
  return payment;
}

describe('Payment Hub methods', () => {
  // First in the file: the catalog is cached for ten minutes after this.
  it('a burst of 100 sessions in one currency costs one vendor list and one gateway list', async () => {
    const sessions = await Promise.all(Array.from({ length: 100 }, () => newSession()));
    const lists = await Promise.all(sessions.map((session) => methodsOf(session.token)));
    expect(calls('GET /api/v1/vendor-payment-gateway')).toBe(1);
    expect(calls('GET /api/v1/payment-gateway')).toBe(1);
    expect(new Set(lists.map((list) => list.length)).size).toBe(1);
  });

  it('offers the vendors’ methods for the session currency, with readable names', async () => {
    const idr = (await methodsOf((await newSession()).token)).map((method) => method.name);
    expect(idr).toEqual(expect.arrayContaining(['Credit card', 'QRIS', 'OVO', 'ShopeePay', 'BCA virtual account', 'Stripe']));
    // Xendit repeats CREDIT_CARD and SHOPEEPAY in its list: each is offered once.
    expect(idr.filter((name) => name === 'Credit card')).toHaveLength(1);
    const eur = await methodsOf((await newSession({ amount: '20.00', currency: 'EUR' })).token);
    expect(eur).toEqual([]);
    const usd = (await methodsOf((await newSession({ amount: '20.00', currency: 'USD' })).token)).map((method) => method.name);
    expect(usd).toEqual(['Stripe']);
  });
});

describe('Payment Hub payments', () => {
  it('pays on a framed vendor page; the webhook (a GET) is a signal and the status is fetched', async () => {
    const { token } = await newSession();
    const payment = await payWith(token, 'QRIS');
    expect(payment.action.type).toBe('iframe');
    expect(payment.action.url.startsWith(`${proxy.paymenthubUrl}/pay/`)).toBe(true);
    const page = await (await fetch(payment.action.url)).text();
    expect(page).toContain('Pay 150,000.00 IDR');
    const location = await decide(payment.action.url, 'pay', 'QRIS');
    expect(location).toBe(`${proxy.url}/api/checkout/return/${payment.id}?outcome=success`);
    const paid = await waitForStatus(payment.id, 'succeeded');
    expect(paid.amountMinor).toBe(15_000_000);
    expect(proxy.paymenthub.stats.webhooks.filter((hook) => hook.url.endsWith(`/api/callbacks/paymenthub/${payment.id}`)).map((hook) => hook.status)).toContain(200);
  });

  it('opens a Stripe page top-level (it refuses framing) and needs the customer’s email', async () => {
    const { token } = await newSession();
    const payment = await payWith(token, 'Stripe');
    expect(payment.action.type).toBe('redirect');
    const page = await fetch(payment.action.url);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");

    const anonymous = await newSession({ customer: { name: 'No Mail' } });
    const methods = await methodsOf(anonymous.token);
    const stripe = methods.find((method) => method.name === 'Stripe')!;
    const refused = await widget('POST', '/api/checkout/payments', anonymous.token, { key: 'k-stripe', body: { methodId: stripe.id } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/customer\.email/);
  });

  it('a webhook for an unknown reference gets 200 and changes nothing', async () => {
    const before = (await proxy.store.listPaymentsByOrder('none')).length;
    const answer = await fetch(`${proxy.url}/api/callbacks/paymenthub/pay_unknown_reference`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ received: true });
    expect(await proxy.store.getPayment('pay_unknown_reference')).toBeUndefined();
    expect((await proxy.store.listPaymentsByOrder('none')).length).toBe(before);
    const byQuery = await fetch(`${proxy.url}/api/callbacks/paymenthub?merchant_ref_code=pay_unknown_reference`);
    expect(byQuery.status).toBe(200);
  });

  it('a declined payment is failed, with the matching entries of Payment Hub’s error log', async () => {
    const { token } = await newSession();
    const payment = await payWith(token, 'OVO');
    const location = await decide(payment.action.url, 'decline', 'OVO');
    expect(location).toContain('outcome=fail');
    const failed = await waitForStatus(payment.id, 'failed');
    expect(failed.providerErrors).toEqual([expect.objectContaining({ service: 'Xendit', action: 'invoice payment failed', code: 'PAYMENT_DECLINED' })]);
    // Another payment's log is not shown.
    const other = await paidPayment();
    expect((await merchant('GET', `/api/payments/${other.id}`)).body.providerErrors).toBeUndefined();
  });

  it('the shopper cancels on the vendor page: Payment Hub says "expired" before the time is over, which is canceled', async () => {
    const { token } = await newSession();
    const payment = await payWith(token, 'OVO');
    await decide(payment.action.url, 'cancel');
    const ended = await waitForStatus(payment.id, 'canceled');
    expect(ended.events.at(-1).detail.providerStatus).toBe('expired');
    expect(ended.failure).toEqual({ code: 'canceled', message: 'The payment was canceled on the payment page.' });
  });
});

describe('Payment Hub merchant API', () => {
  it('refunds in two partial stages, one at a time, then refuses a third above the remainder', async () => {
    const payment = await paidPayment();
    const first = await merchant('POST', `/api/payments/${payment.id}/refund`, { amount: '40000', reason: 'one night less' });
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('refund_pending');
    const meanwhile = await merchant('POST', `/api/payments/${payment.id}/refund`, { amount: '1000', reason: 'too soon' });
    expect(meanwhile.status).toBe(409);
    expect(meanwhile.body.error.message).toMatch(/still pending/);
    const afterFirst = await waitForStatus(payment.id, 'partially_refunded');
    expect(afterFirst.refundedAmount).toBe('40000.00');

    const second = await merchant('POST', `/api/payments/${payment.id}/refund`, { amount: '60000', reason: 'breakfast not served' });
    expect(second.body.status).toBe('refund_pending');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const afterSecond = await waitForStatus(payment.id, 'partially_refunded');
    expect(afterSecond.refundedAmount).toBe('100000.00');

    const third = await merchant('POST', `/api/payments/${payment.id}/refund`, { amount: '50001', reason: 'more than is left' });
    expect(third.status).toBe(400);
    expect(third.body.error.message).toMatch(/at most 50000.00 IDR can still be refunded/);
    expect((await merchant('GET', `/api/payments/${payment.id}`)).body.refundedAmount).toBe('100000.00');
  });

  it('cancels an initial transaction, and refuses to cancel a paid one', async () => {
    const { token } = await newSession();
    const open = await payWith(token, 'BCA virtual account');
    const canceled = await merchant('POST', `/api/payments/${open.id}/cancel`);
    expect(canceled.status).toBe(200);
    expect(canceled.body.status).toBe('canceled');
    const page = await (await fetch(open.action.url)).text();
    expect(page).toContain('canceled or expired');

    const paid = await paidPayment();
    const refused = await merchant('POST', `/api/payments/${paid.id}/cancel`);
    expect(refused.status).toBe(409);
    expect((await merchant('GET', `/api/payments/${paid.id}`)).body.status).toBe('succeeded');
  });
});

describe('Payment Hub shared payment page', () => {
  it('initializes one page over several methods and currencies; the element gets its payment_link', async () => {
    const gateways = proxy.paymenthub.gateways;
    const xendit = gateways.find((gateway) => gateway.vendor === 'Xendit')!;
    const { token } = await newSession({
      sharedPaymentPage: {
        options: [
          { label: 'ShopeePay', method: 'SHOPEEPAY', vendor: xendit.id, currency: 'IDR' },
          { label: 'Card (USD)', vendor: 'Stripe', currency: 'USD' },
          { label: 'Credit Card', method: 'credit_card_tokenize' },
        ],
        amounts: [{ currency: 'USD', amount: '9.43' }],
      },
    });
    const methods = await methodsOf(token);
    expect(methods.map((method) => method.id)).toEqual(['paymenthub:shared-page']);
    const payment = await payWith(token, /payment page/);
    expect(payment.action.type).toBe('iframe');
    expect(payment.action.url).toMatch(new RegExp(`^${proxy.paymenthubUrl}/s/[0-9a-f]{24}$`));
    const page = await (await fetch(payment.action.url)).text();
    expect(page).toContain('9.43 USD');
    expect(page).toContain('150,000.00 IDR');

    const chosen = await fetch(`${payment.action.url}/choose`, { method: 'POST', body: new URLSearchParams({ option: '0' }), redirect: 'manual' });
    expect(chosen.status).toBe(303);
    const vendorPage = new URL(chosen.headers.get('location')!, proxy.paymenthubUrl).toString();
    await decide(vendorPage, 'pay', 'SHOPEEPAY');
    await waitForStatus(payment.id, 'succeeded');
  });

  it('refuses a shared page option in a currency without an amount', async () => {
    const { status, body } = await merchant('POST', '/api/sessions', {
      orderId: 'order-shared-bad',
      returnUrl: 'https://shop.example/return',
      amount: '150000',
      currency: 'IDR',
      sharedPaymentPage: { options: [{ label: 'Card (USD)', vendor: 'Stripe', currency: 'USD' }] },
    });
    expect(status).toBe(400);
    expect(JSON.stringify(body.error)).toMatch(/add USD to sharedPaymentPage\.amounts/);
  });
});

describe('Payment Hub reconciliation', () => {
  it('asks fetch-multiple once for all pending Payment Hub payments', async () => {
    const open = await Promise.all([1, 2, 3].map(async () => payWith((await newSession()).token, 'QRIS')));
    const single = calls('GET /api/v1/transactions/:ref');
    const batch = calls('POST /api/v1/transactions/fetch-multiple');
    const reconciler = new Reconciler({ store: proxy.store, payments: proxy.payments, logger: createLogger({ level: 'silent' }) }, { intervalMs: 60_000, quietForMs: -60_000, batchSize: 500 });
    await reconciler.reconcilePending();
    expect(calls('POST /api/v1/transactions/fetch-multiple') - batch).toBe(1);
    expect(calls('GET /api/v1/transactions/:ref') - single).toBe(0);
    for (const payment of open) expect((await proxy.store.getPayment(payment.id))?.checkedAt).toBeDefined();
  });
});
