import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { merchantCall, widgetCall } from './testing/api-calls.js';
import { formsOf } from './testing/html-forms.js';
import { startProxy, type ProxyHarness } from './testing/proxy-harness.js';

let proxy: ProxyHarness;
beforeAll(async () => {
  proxy = await startProxy();
});
afterAll(async () => {
  await proxy.close();
});

const merchant = (method: string, path: string, body?: unknown) => merchantCall(proxy.url, method, path, body);
const widget = (method: string, path: string, token: string, options: { body?: unknown; key?: string } = {}) =>
  widgetCall(proxy.url, method, path, token, options);

async function newSession(order: Record<string, unknown>) {
  const { status, body } = await merchant('POST', '/api/sessions', {
    orderId: `order-${Math.random().toString(36).slice(2)}`,
    returnUrl: 'https://shop.example/return',
    ...order,
  });
  expect(status).toBe(201);
  return body as { token: string; sessionId: string };
}

const card = (number: string) => ({ number, expiryMonth: '12', expiryYear: '30', securityCode: '482', holderName: 'Ada Lovelace' });

async function waitForStatus(paymentId: string, wanted: (status: string) => boolean) {
  for (let i = 0; i < 100; i++) {
    const { body } = await merchant('GET', `/api/payments/${paymentId}`);
    if (wanted(body.status)) return body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`payment ${paymentId} never reached the expected status`);
}

async function hankopaySim(path: string, body: unknown) {
  return fetch(`${proxy.hankopayUrl}${path}`, {
    method: 'POST',
    headers: { authorization: 'Bearer hk_test_harness', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** The shopper decides on HankoPay's payment-link page (framed in the element in sandbox). */
async function decideOnLink(url: string, decision: 'pay' | 'cancel') {
  const page = await fetch(url);
  const [form] = formsOf(await page.text());
  await fetch(new URL(form!.action || url, url), { method: 'POST', body: new URLSearchParams({ ...form!.fields, decision }), redirect: 'manual' });
}

describe('HankoPay through the proxy', () => {
  const order = { amount: '35.00', currency: 'USD', provider: 'hankopay' };

  it('pays by card and ignores replayed callbacks', async () => {
    const { token } = await newSession(order);
    const paid = await widget('POST', '/api/checkout/payments', token, { key: 'k', body: { methodId: 'hankopay:card', card: card('4242424242424242') } });
    expect(paid.status).toBe(201);
    expect(paid.body.payment.status).toBe('succeeded');
    const { body: payment } = await merchant('GET', `/api/payments/${paid.body.payment.id}`);
    expect(payment.card.mask).toBe('424242******4242');
    for (let i = 0; i < 3; i++) expect((await hankopaySim(`/_sim/transactions/${payment.providerReference}/callback`, {})).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { body: after } = await merchant('GET', `/api/payments/${paid.body.payment.id}`);
    expect(after.events.filter((event: { toStatus?: string }) => event.toStatus === 'succeeded')).toHaveLength(1);
  });

  it('holds a payment for review when HankoPay holds another amount, instead of marking it paid', async () => {
    const { token } = await newSession(order);
    const paid = await widget('POST', '/api/checkout/payments', token, { key: 'k', body: { methodId: 'hankopay:card', card: card('4111111111111111') } });
    expect(paid.body.payment.status).toBe('requires_action');
    const { body: before } = await merchant('GET', `/api/payments/${paid.body.payment.id}`);
    expect((await hankopaySim(`/_sim/transactions/${before.providerReference}/adjust`, { fromAmount: 3.5 })).status).toBe(200);
    await decideOnLink(paid.body.payment.action.url, 'pay');
    const held = await waitForStatus(paid.body.payment.id, () => true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { body: payment } = await merchant('GET', `/api/payments/${held.id}`);
    expect(payment.status).not.toBe('succeeded');
    expect(payment.events.map((event: { type: string }) => event.type)).toContain('held_for_review');
  });

  it('refunds in part and refuses more than is left', async () => {
    const { token } = await newSession(order);
    const paid = await widget('POST', '/api/checkout/payments', token, { key: 'k', body: { methodId: 'hankopay:card', card: card('4242424242424242') } });
    const id: string = paid.body.payment.id;
    const part = await merchant('POST', `/api/payments/${id}/refund`, { amount: '10.00', reason: 'one item returned' });
    expect(part.status).toBe(200);
    expect(['refund_pending', 'partially_refunded']).toContain(part.body.status);
    const settled = await waitForStatus(id, (status) => status === 'partially_refunded');
    expect(settled.refundedAmountMinor).toBe(1000);
    const tooMuch = await merchant('POST', `/api/payments/${id}/refund`, { amount: '25.01', reason: 'too much' });
    expect(tooMuch).toMatchObject({ status: 400, body: { error: { message: 'amount: at most 25.00 USD can still be refunded' } } });
  });

  it('reports the wallet balance, lists transactions, and refuses a payout the balance cannot cover', async () => {
    const balance = await merchant('GET', '/api/providers/hankopay/balance');
    expect(balance.status).toBe(200);
    expect(balance.body.data).toEqual(expect.arrayContaining([expect.objectContaining({ currency: 'USD', amount: expect.stringMatching(/^\d+\.\d{2}$/) })]));
    const list = await merchant('GET', '/api/providers/hankopay/transactions?page=1&limit=2');
    expect(list.status).toBe(200);
    expect(list.body.transactions.length).toBeLessThanOrEqual(2);
    expect(list.body.transactions.length).toBeGreaterThan(0);

    const payout = (amount: string) => merchant('POST', '/api/payouts', {
      provider: 'hankopay', amount, currency: 'EUR',
      beneficiary: { firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com' },
      destination: { walletId: 'wallet_123456' },
    });
    const short = await payout('1000.01');
    expect(short.status).toBe(422);
    expect(short.body.error.message).toMatch(/balance in EUR is 1000\.00/);
    const fine = await payout('10.00');
    expect(fine.status).toBe(201);
    expect(fine.body).toMatchObject({ amount: '10.00', currency: 'EUR' });
    expect((await merchant('GET', '/api/providers/milkypay/balance')).status).toBe(422);
  });
});

describe('HPAY through the proxy', () => {
  it('asks for one token for ten payments within its life', async () => {
    const before = proxy.hpay.stats.calls.getToken ?? 0;
    for (let i = 0; i < 10; i++) {
      const { token } = await newSession({ amount: '18.00', currency: 'CAD', provider: 'hpay' });
      const paid = await widget('POST', '/api/checkout/payments', token, { key: 'k', body: { methodId: 'hpay:hosted' } });
      expect(paid.status).toBe(201);
      expect(paid.body.payment.action.type).toBe('redirect');
    }
    expect((proxy.hpay.stats.calls.getToken ?? 0) - before).toBeLessThanOrEqual(1);
    expect(proxy.hpay.stats.calls.payment).toBeGreaterThanOrEqual(10);
  });

  it("offers nothing in another currency than the account's", async () => {
    const { token } = await newSession({ amount: '18.00', currency: 'USD', provider: 'hpay' });
    const view = await widget('GET', '/api/checkout', token);
    expect(view.body.methods).toEqual([]);
    const paid = await widget('POST', '/api/checkout/payments', token, { key: 'k', body: { methodId: 'hpay:hosted' } });
    expect(paid.status).toBe(400);
  });

  it('reports the collect balance and the payment history', async () => {
    const balance = await merchant('GET', '/api/providers/hpay/balance');
    expect(balance.body.data.map((wallet: { walletId: string; currency: string }) => [wallet.walletId, wallet.currency])).toEqual([['main', 'CAD'], ['profit', 'CAD']]);
    const history = await merchant('GET', '/api/providers/hpay/transactions?page=1&limit=5');
    expect(history.status).toBe(200);
    expect(history.body.transactions.length).toBeGreaterThan(0);
    expect(history.body.transactions[0]).toMatchObject({ currency: 'CAD', status: 'pending' });
  });
});
