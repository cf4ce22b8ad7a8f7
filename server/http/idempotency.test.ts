import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppError } from '../errors.js';
import { widgetCall } from '../testing/api-calls.js';
import { MERCHANT_KEY, startProxy, type ProxyHarness } from '../testing/proxy-harness.js';

let proxy: ProxyHarness;
beforeAll(async () => {
  proxy = await startProxy();
});
afterAll(async () => {
  await proxy.close();
});

async function merchant(path: string, body: unknown, key?: string) {
  const response = await fetch(`${proxy.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${MERCHANT_KEY}`, ...(key === undefined ? {} : { 'idempotency-key': key }) },
    body: JSON.stringify(body),
  });
  return { status: response.status, replayed: response.headers.get('idempotent-replayed'), body: (await response.json()) as any };
}

const calls = (prefix: string) => [...proxy.providerCalls].filter(([key]) => key.startsWith(prefix)).reduce((sum, [, count]) => sum + count, 0);
const order = (orderId: string) => ({ orderId, amount: '35.00', currency: 'USD', provider: 'hankopay', returnUrl: 'https://shop.example/return' });
const card = { number: '4242424242424242', expiryMonth: '12', expiryYear: '30', securityCode: '482', holderName: 'Ada Lovelace' };

async function paidHankoPayment(orderId: string): Promise<string> {
  const session = await merchant('/api/sessions', order(orderId));
  const paid = await widgetCall(proxy.url, 'POST', '/api/checkout/payments', session.body.token, { key: 'k', body: { methodId: 'hankopay:card', card } });
  expect(paid.body.payment.status).toBe('succeeded');
  return paid.body.payment.id;
}

/** The proxy's store answers its next call of `method` as an unavailable database would, then works again. */
function failOnce(method: 'getPayment' | 'listEvents'): void {
  vi.spyOn(proxy.store, method).mockRejectedValueOnce(new AppError('storage_unavailable', 'the payment database is unavailable right now; please try again in a moment'));
}

describe('Idempotency-Key on the merchant API', () => {
  it('opens one session per key and answers a repeat with the first answer', async () => {
    const first = await merchant('/api/sessions', order('order-idem-1'), 'session-key-1');
    const again = await merchant('/api/sessions', order('order-idem-1'), 'session-key-1');
    expect(first.status).toBe(201);
    expect(again).toEqual({ status: 201, replayed: 'true', body: first.body });
    expect(first.replayed).toBeNull();
    const other = await merchant('/api/sessions', order('order-idem-1'), 'session-key-2');
    expect(other.body.sessionId).not.toBe(first.body.sessionId);
  });

  it('refuses the same key with another body, another route, or while the first call still runs', async () => {
    await merchant('/api/sessions', order('order-idem-2'), 'session-key-3');
    const changed = await merchant('/api/sessions', { ...order('order-idem-2'), amount: '36.00' }, 'session-key-3');
    expect(changed).toMatchObject({ status: 409, body: { error: { code: 'conflict', message: 'this Idempotency-Key was already used for a different request' } } });
    const elsewhere = await merchant('/api/payouts', order('order-idem-2'), 'session-key-3');
    expect(elsewhere.status).toBe(409);
    await proxy.store.beginIdempotentRequest('merchant', 'in-flight-key', 'whatever', new Date().toISOString());
    const running = await merchant('/api/sessions', order('order-idem-2'), 'in-flight-key');
    expect(running.status).toBe(409);
    expect(running.body.error.message).toMatch(/still being processed/);
    expect((await merchant('/api/sessions', order('x'), '')).status).toBe(400);
  });

  it('refunds once for a repeated refund: one provider call, refunded amount counted once', async () => {
    const id = await paidHankoPayment('order-idem-refund');
    const before = calls('hankopay POST');
    const refund = () => merchant(`/api/payments/${id}/refund`, { amount: '10.00', reason: 'one item returned' }, `refund-${id}`);
    const answers = await Promise.all([refund(), refund(), refund()]);
    answers.push(await refund(), await refund());
    const done = answers.filter((answer) => answer.status === 200);
    expect(done.length).toBeGreaterThanOrEqual(3);
    expect(answers.every((answer) => answer.status === 200 || answer.status === 409)).toBe(true);
    expect(new Set(done.map((answer) => answer.body.id))).toEqual(new Set([id]));
    expect(calls('hankopay POST') - before).toBe(1);
    const payment = await proxy.store.getPayment(id);
    expect(payment?.refundedAmount === 1000 || payment?.status === 'refund_pending').toBe(true);
    const changed = await merchant(`/api/payments/${id}/refund`, { amount: '11.00', reason: 'one item returned' }, `refund-${id}`);
    expect(changed.status).toBe(409);
  });

  it('pays out once for a repeated payout', async () => {
    const before = calls('hankopay POST');
    const payout = { provider: 'hankopay', amount: '5.00', currency: 'EUR', beneficiary: { firstName: 'Grace' }, destination: { walletId: 'wallet_123456' } };
    const first = await merchant('/api/payouts', payout, 'payout-1');
    const again = await merchant('/api/payouts', payout, 'payout-1');
    expect(first.status).toBe(201);
    expect(again).toMatchObject({ status: 201, replayed: 'true', body: first.body });
    expect(calls('hankopay POST') - before).toBe(1);
  });

  it('runs a repeat again after an answer that the database was unavailable, as that answer invites', async () => {
    const id = await paidHankoPayment('order-idem-outage');
    // The database fails the first call's first read (a failover), and is back for the repeat.
    failOnce('getPayment');
    const refund = () => merchant(`/api/payments/${id}/refund`, { amount: '10.00', reason: 'one item returned' }, `refund-outage-${id}`);
    const first = await refund();
    expect(first).toMatchObject({ status: 503, body: { error: { code: 'storage_unavailable' } } });
    const again = await refund();
    expect(again.replayed).toBeNull();
    expect(again.status).toBe(200);
    expect(await proxy.store.getPayment(id)).toMatchObject({ refundedAmount: 1000 });
  });

  it('never runs a refund again whose answer could not be read back from the database', async () => {
    const id = await paidHankoPayment('order-idem-readback');
    const before = calls('hankopay POST');
    // The refund is made and recorded; the database fails as its answer is read back.
    failOnce('listEvents');
    const refund = () => merchant(`/api/payments/${id}/refund`, { amount: '10.00', reason: 'one item returned' }, `refund-readback-${id}`);
    const first = await refund();
    expect(first.status).not.toBe(503);
    await refund();
    expect(calls('hankopay POST') - before).toBe(1);
    expect(await proxy.store.getPayment(id)).toMatchObject({ refundedAmount: 1000 });
  });

  it('replays an error answer too, without running again', async () => {
    const missing = await merchant('/api/payments/pay_missing/cancel', {}, 'cancel-missing');
    const again = await merchant('/api/payments/pay_missing/cancel', {}, 'cancel-missing');
    expect(missing.status).toBe(404);
    expect(again).toMatchObject({ status: 404, replayed: 'true', body: missing.body });
  });
});
