/** The Payment Hub simulator speaks the document: token rotation and expiry, validation, refunds, cancel, the error log. */
import express from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createPaymentHubSimulator, type PaymentHubSimulator } from './simulator.js';

const HOUR = 3_600_000;
let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

async function start(options: { refundSettleMs?: number } = {}) {
  const clock = { now: Date.parse('2026-01-10T08:00:00Z') };
  server = createServer();
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const simulator: PaymentHubSimulator = createPaymentHubSimulator({ refreshToken: 'R0', publicUrl: url, now: () => clock.now, refundSettleMs: options.refundSettleMs ?? 60_000 });
  server.on('request', express().use(simulator));
  const call = async (method: string, path: string, bearer: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const reset = async (refresh: string, endpoint = 'reset-all-token') => call('POST', `/api/v1/auth/${endpoint}`, refresh);
  return { url, clock, simulator, call, reset };
}

function transaction(gateway: string, ref: string, overrides: Record<string, unknown> = {}) {
  return {
    merchant_ref_code: ref,
    amount: 150000,
    service_charge: 0,
    description: 'Kintamani Arabica',
    email: 'siti@example.com',
    currency: 'IDR',
    payment_vendor: gateway,
    payment_method: ['QRIS'],
    lang: 'en',
    send_email: false,
    enable_3d_secure: true,
    webhook_url: 'http://127.0.0.1:9/hook',
    success_redirect_url: 'https://shop.example/ok',
    failed_redirect_url: 'https://shop.example/failed',
    cancel_redirect_url: 'https://shop.example/cancel',
    expires_in_minutes: 60,
    link_expires_in_minutes: 60,
    ...overrides,
  };
}

describe('Payment Hub simulator tokens', () => {
  it('rotates both tokens on a reset: the used refresh token and the old access token get 401', async () => {
    const sim = await start();
    const first = await sim.reset('R0');
    expect(first.status).toBe(200);
    expect(first.body.message).toBe('All token reset Successfully');
    const { Token: a1, RefreshToken: r1, TokenExpired, RefreshTokenExpired } = first.body.data;
    expect(Date.parse(TokenExpired) - sim.clock.now).toBe(24 * HOUR);
    expect(Date.parse(RefreshTokenExpired) - sim.clock.now).toBe(168 * HOUR);
    expect((await sim.call('GET', '/api/v1/vendor-payment-gateway', a1)).status).toBe(200);

    expect(await sim.reset('R0')).toEqual({ status: 401, body: { success: false, message: 'Unauthorized', data: '' } });
    const second = await sim.reset(r1, 'reset-token');
    expect(second.status).toBe(200);
    expect((await sim.call('GET', '/api/v1/vendor-payment-gateway', a1)).status).toBe(401);
    expect((await sim.call('GET', '/api/v1/vendor-payment-gateway', second.body.data.Token)).status).toBe(200);
  });

  it('expires the access token after 24 h; reset-token refuses an expired refresh token, reset-all-token does not', async () => {
    const sim = await start();
    const { Token: a1, RefreshToken: r1 } = (await sim.reset('R0')).body.data;
    sim.clock.now += 24 * HOUR;
    expect((await sim.call('GET', '/api/v1/payment-gateway', a1)).status).toBe(401);
    sim.clock.now += 7 * 24 * HOUR;
    expect((await sim.reset(r1, 'reset-token')).status).toBe(401);
    expect((await sim.reset(r1, 'reset-refresh-token')).status).toBe(401);
    expect((await sim.reset(r1)).status).toBe(200);
  });
});

describe('Payment Hub simulator transactions', () => {
  it('validates the create request field by field with "Validation failed"', async () => {
    const sim = await start();
    const token = (await sim.reset('R0')).body.data.Token as string;
    const stripe = sim.simulator.gateways.find((gateway) => gateway.vendor === 'Stripe')!.id;
    const xendit = sim.simulator.gateways.find((gateway) => gateway.vendor === 'Xendit')!.id;
    const bad = await sim.call('POST', '/api/v1/transactions', token, transaction(stripe, 'r-1', { amount: '150000', email: undefined, payment_method: ['QRIS'], currency: 'EUR' }));
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('Validation failed');
    expect(Object.keys(bad.body.errors).sort()).toEqual(['amount', 'currency', 'email', 'lang', 'payment_method']);
    const ok = await sim.call('POST', '/api/v1/transactions', token, transaction(xendit, 'r-1'));
    expect(ok.body).toEqual({ message: 'Successfully initialized transaction.', data: { payment_url: expect.stringMatching(/\/pay\/[0-9a-f]{24}$/) }, success: true });
    const again = await sim.call('POST', '/api/v1/transactions', token, transaction(xendit, 'r-1'));
    expect(again.body.errors).toEqual({ merchant_ref_code: 'merchant_ref_code has already been taken' });
    expect((await sim.call('GET', '/api/v1/transactions/unknown', token)).body).toEqual({ success: false, message: 'Unable to get transaction', data: '' });
  });

  it('refunds in stages: one at a time, never above the remainder; cancels initial transactions only', async () => {
    const sim = await start();
    const token = (await sim.reset('R0')).body.data.Token as string;
    const xendit = sim.simulator.gateways.find((gateway) => gateway.vendor === 'Xendit')!.id;
    const { payment_url: url } = (await sim.call('POST', '/api/v1/transactions', token, transaction(xendit, 'r-2'))).body.data;
    expect((await sim.call('POST', '/api/v1/transactions/refund', token, { merchant_ref_code: 'r-2', reason: 'x' })).body.message).toBe('Only PAID or Partial Refund transaction can be refund');
    await fetch(`${url}/pay`, { method: 'POST', body: new URLSearchParams({ method: 'QRIS' }), redirect: 'manual' });
    expect((await sim.call('POST', '/api/v1/transactions/r-2/cancel', token)).body).toEqual({ success: false, message: 'Only Initial Transaction can be Canceled', data: '' });

    const first = await sim.call('POST', '/api/v1/transactions/refund', token, { merchant_ref_code: 'r-2', amount: 100000, reason: 'one night less' });
    expect(first.body.data).toMatchObject({ merchant_ref_code: 'r-2', amount: 100000, status: 'pending refund' });
    expect((await sim.call('POST', '/api/v1/transactions/refund', token, { merchant_ref_code: 'r-2', amount: 1, reason: 'again' })).body.message).toBe('Only PAID or Partial Refund transaction can be refund');
    sim.clock.now += 60_000;
    const record = (await sim.call('GET', '/api/v1/transactions/r-2', token)).body.data;
    expect(record).toMatchObject({ Status: 'partial refund', Refunds: [{ Number: 1, Amount: 100000, Status: 'success refund', Reason: 'one night less' }] });
    const above = await sim.call('POST', '/api/v1/transactions/refund', token, { merchant_ref_code: 'r-2', amount: 50000.01, reason: 'too much' });
    expect(above.body.message).toBe("The refund amount must not be greater than Transaction's remaining amount");
    await sim.call('POST', '/api/v1/transactions/refund', token, { merchant_ref_code: 'r-2', reason: 'the rest' });
    sim.clock.now += 60_000;
    const [full] = (await sim.call('POST', '/api/v1/transactions/fetch-multiple', token, { merchant_ref_code: ['r-2', 'nobody'] })).body.data;
    expect(full).toMatchObject({ MerchantRefCode: 'r-2', Status: 'full refund', Refunds: [{ Amount: 100000 }, { Number: 2, Amount: 50000 }] });
  });

  it('logs a declined payment, filterable by merchant_ref_code', async () => {
    const sim = await start();
    const token = (await sim.reset('R0')).body.data.Token as string;
    const xendit = sim.simulator.gateways.find((gateway) => gateway.vendor === 'Xendit')!.id;
    for (const ref of ['r-3', 'r-4']) {
      const { payment_url: url } = (await sim.call('POST', '/api/v1/transactions', token, transaction(xendit, ref))).body.data;
      await fetch(`${url}/decline`, { method: 'POST', body: new URLSearchParams({ method: 'QRIS' }), redirect: 'manual' });
    }
    const filter = { service_name: '', action_name: '', metadata: { merchant_ref_code: 'r-3', transaction_id: '', token: '' } };
    const log = (await sim.call('POST', '/api/v1/transactions/log?page=1', token, filter)).body.data;
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ LogLevel: 'error', ServiceName: 'Xendit', ActionName: 'invoice payment failed', Metadata: [{ Key: 'transaction_id' }, { Key: 'merchant_ref_code', Value: 'r-3' }] });
    const record = (await sim.call('GET', '/api/v1/transactions/r-3', token)).body.data;
    expect(record).toMatchObject({ Status: 'initial', PaymentFailReason: 'The payment was declined by the issuer' });
    expect((await sim.call('POST', '/api/v1/transactions/log?page=2', token, { ...filter, metadata: { ...filter.metadata, merchant_ref_code: '' } })).body.data).toEqual([]);
  });

  it('reads a transaction for tests as the API answers it, without a token and without changing it', async () => {
    const sim = await start();
    const token = (await sim.reset('R0')).body.data.Token as string;
    const xendit = sim.simulator.gateways.find((gateway) => gateway.vendor === 'Xendit')!.id;
    const { payment_url: url } = (await sim.call('POST', '/api/v1/transactions', token, transaction(xendit, 'r-5'))).body.data;
    await fetch(`${url}/pay`, { method: 'POST', body: new URLSearchParams({ method: 'QRIS' }), redirect: 'manual' });
    const record = sim.simulator.transactionRecord('r-5');
    expect(record).toMatchObject({ MerchantRefCode: 'r-5', Status: 'paid', PaymentFailReason: '' });
    expect(record).toEqual((await sim.call('GET', '/api/v1/transactions/r-5', token)).body.data);
    expect(sim.simulator.transactionRecord('nobody')).toBeUndefined();
    // The client's access token still works: reading took none.
    expect((await sim.call('GET', '/api/v1/transactions/r-5', token)).status).toBe(200);
  });
});
