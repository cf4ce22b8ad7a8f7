import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { merchantCall, widgetCall } from '../testing/api-calls.js';
import { startProxy, type ProxyHarness } from '../testing/proxy-harness.js';
import type { MerchantWebhookEvent } from './merchant-event.js';
import { verifyWebhook, WEBHOOK_SIGNATURE_HEADER } from './verify-webhook.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';

const secret = 'whsec_integration_secret_0001';
let proxy: ProxyHarness;
let receiver: Server;
const received: MerchantWebhookEvent[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const header = req.headers[WEBHOOK_SIGNATURE_HEADER.toLowerCase()] as string;
      received.push(verifyWebhook({ rawBody: Buffer.concat(chunks), signatureHeader: header, secret }));
      // What Express's res.sendStatus(200) answers: a body the dispatcher does not read.
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end('OK');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks`;
  proxy = await startProxy({ merchantWebhook: { url, secret } });
});
afterAll(async () => {
  await proxy.close();
  await new Promise((resolve) => receiver.close(resolve));
});

describe('merchant webhooks through the proxy', () => {
  it('writes one event per final status change and delivers it signed, never for intermediate ones', async () => {
    const { body: session } = await merchantCall(proxy.url, 'POST', '/api/sessions', {
      orderId: 'order-webhook-1', amount: '48.00', currency: 'USD', returnUrl: 'https://shop.example/return',
    });
    const { body } = await widgetCall(proxy.url, 'POST', '/api/checkout/payments', session.token, { key: 'k', body: { methodId: 'milkypay:payment_card_usd_hpp' } });
    const paymentId: string = body.payment.id;
    expect(body.payment.status).toBe('requires_action');
    expect(await proxy.store.listOutboxByPayment(paymentId)).toEqual([]);

    await fetch(`${body.payment.action.url}/decide`, { method: 'POST', body: new URLSearchParams({ decision: 'approve' }), redirect: 'manual' });
    for (let i = 0; i < 100 && (await proxy.store.getPayment(paymentId))?.status !== 'succeeded'; i++) await new Promise((r) => setTimeout(r, 50));
    // Repeated callbacks change nothing, so they write nothing either.
    for (let i = 0; i < 3; i++) await fetch(`${proxy.url}/api/callbacks/milkypay/${paymentId}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });

    const outbox = await proxy.store.listOutboxByPayment(paymentId);
    expect(outbox.map((message) => message.type)).toEqual(['payment.succeeded']);
    const dispatcher = new WebhookDispatcher({ store: proxy.store, logger: createLogger({ level: 'silent' }) }, { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks`, secret });
    expect(await dispatcher.dispatchDue()).toBe(1);
    const event = received.find((candidate) => candidate.data.payment.id === paymentId);
    expect(event).toMatchObject({ id: outbox[0]!.id, type: 'payment.succeeded', data: { previousStatus: 'requires_action', payment: { orderId: 'order-webhook-1', status: 'succeeded', amountMinor: 4800 } } });
    // The event's payment is the merchant API's payment, field for field (the API adds the history).
    const { body: fromApi } = await merchantCall(proxy.url, 'GET', `/api/payments/${paymentId}`);
    const { events, updatedAt, ...apiPayment } = fromApi;
    expect(events.length).toBeGreaterThan(0);
    const { updatedAt: eventUpdatedAt, ...eventPayment } = event!.data.payment;
    expect(eventPayment).toEqual(apiPayment);
    expect(Date.parse(eventUpdatedAt)).toBeGreaterThanOrEqual(Date.parse(updatedAt) - 1000);
  });
});
