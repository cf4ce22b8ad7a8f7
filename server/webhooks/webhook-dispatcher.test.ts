import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { SqliteStore } from '../store/sqlite-store.js';
import type { PaymentRecord } from '../store/store.js';
import { paymentEventMessage, type MerchantWebhookEvent } from './merchant-event.js';
import { verifyWebhook, WEBHOOK_SIGNATURE_HEADER } from './verify-webhook.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';

const secret = 'whsec_dispatcher_test_secret';
const logger = createLogger({ level: 'silent' });
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A merchant endpoint answering each delivery with the next status of `statuses` (then 200). */
async function merchantEndpoint(statuses: number[] = []) {
  const received: { event: MerchantWebhookEvent; header: string }[] = [];
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const header = String(req.headers[WEBHOOK_SIGNATURE_HEADER.toLowerCase()] ?? '');
      received.push({ event: verifyWebhook<MerchantWebhookEvent>({ rawBody: body, signatureHeader: header, secret }), header });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function storeWithFinalPayment(count = 1): Promise<{ store: SqliteStore; payments: PaymentRecord[] }> {
  const store = SqliteStore.open(':memory:');
  const now = new Date().toISOString();
  await store.createSession({ id: 'ses_1', orderId: 'order_1', amount: 4800, currency: 'USD', returnUrl: 'https://shop.example/r', locale: 'en', captureMethod: 'automatic', createdAt: now, expiresAt: now });
  const payments: PaymentRecord[] = [];
  for (let i = 0; i < count; i++) {
    const { payment } = await store.createPayment({ id: `pay_${i}`, sessionId: 'ses_1', orderId: 'order_1', provider: 'milkypay', methodId: 'milkypay:card', amount: 4800, currency: 'USD', idempotencyKey: `k${i}` });
    const moved = await store.transitionPayment(payment.id, 'created', 'succeeded', { providerRef: `ref_${i}` }, { type: 'status_changed', source: 'callback' },
      paymentEventMessage({ ...payment, status: 'succeeded', providerRef: `ref_${i}` }, 'created'));
    payments.push(moved!);
  }
  return { store, payments };
}

describe('WebhookDispatcher', () => {
  it('posts the signed normalized event and marks it delivered on a 2xx', async () => {
    const endpoint = await merchantEndpoint();
    const { store, payments } = await storeWithFinalPayment();
    const dispatcher = new WebhookDispatcher({ store, logger }, { url: endpoint.url, secret });
    expect(await dispatcher.dispatchDue()).toBe(1);
    expect(endpoint.received).toHaveLength(1);
    const { event, header } = endpoint.received[0]!;
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(event).toMatchObject({
      id: expect.stringMatching(/^evt_[0-9a-f]{32}$/),
      type: 'payment.succeeded',
      data: { previousStatus: 'created', payment: { id: payments[0]!.id, orderId: 'order_1', status: 'succeeded', amount: '48.00', amountMinor: 4800, currency: 'USD', providerReference: 'ref_0' } },
    });
    expect(await store.getOutboxMessage(event.id)).toMatchObject({ deliveredAt: expect.any(String), attempts: 1 });
    expect(await dispatcher.dispatchDue()).toBe(0);
    expect(endpoint.received).toHaveLength(1);
  });

  it('signs with the new and the previous secret while MERCHANT_WEBHOOK_SECRET_PREVIOUS is set', async () => {
    // The endpoint still holds the previous secret (`secret`): the rotation must not cost a delivery.
    const endpoint = await merchantEndpoint();
    const { store } = await storeWithFinalPayment();
    const next = 'whsec_dispatcher_next_secret';
    const dispatcher = new WebhookDispatcher({ store, logger }, { url: endpoint.url, secret: next, previousSecret: secret });
    expect(await dispatcher.dispatchDue()).toBe(1);
    const { event, header } = endpoint.received[0]!;
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    const posted = (await store.getOutboxMessage(event.id))!.body;
    expect(verifyWebhook({ rawBody: posted, signatureHeader: header, secret: next })).toMatchObject({ id: event.id });
  });

  it('retries a refused delivery with the same event id after an exponential, jittered delay', async () => {
    const endpoint = await merchantEndpoint([500, 302]);
    const { store } = await storeWithFinalPayment();
    const dispatcher = new WebhookDispatcher({ store, logger, random: () => 0 }, { url: endpoint.url, secret, baseDelayMs: 0 });
    expect(await dispatcher.dispatchDue()).toBe(1);
    expect(endpoint.received.map((r) => r.event.id)).toHaveLength(3);
    expect(new Set(endpoint.received.map((r) => r.event.id)).size).toBe(1);
    const message = await store.getOutboxMessage(endpoint.received[0]!.event.id);
    expect(message).toMatchObject({ attempts: 3, deliveredAt: expect.any(String) });
  });

  it('waits for the backoff before retrying', async () => {
    const endpoint = await merchantEndpoint([503]);
    const { store } = await storeWithFinalPayment();
    const dispatcher = new WebhookDispatcher({ store, logger }, { url: endpoint.url, secret, baseDelayMs: 60_000 });
    expect(await dispatcher.dispatchDue()).toBe(0);
    expect(await dispatcher.dispatchDue()).toBe(0);
    expect(endpoint.received).toHaveLength(1);
    const message = await store.getOutboxMessage(endpoint.received[0]!.event.id);
    expect(message?.lastError).toBe('HTTP 503');
    expect(Date.parse(message!.nextAttemptAt) - Date.now()).toBeGreaterThan(25_000);
  });

  it('doubles the delay per attempt up to the cap, jitter within its upper half', () => {
    const at = (random: number) => new WebhookDispatcher({ store: undefined as never, logger, random: () => random }, { url: 'http://x', secret, baseDelayMs: 1000, maxDelayMs: 30_000 });
    expect([1, 2, 3, 4, 5, 6, 10].map((n) => at(1).retryDelayMs(n))).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    expect([1, 2, 3].map((n) => at(0).retryDelayMs(n))).toEqual([500, 1000, 2000]);
  });

  it('delivers what a dispatcher that died mid-delivery had claimed, once its lease ends', async () => {
    const endpoint = await merchantEndpoint();
    const { store } = await storeWithFinalPayment(3);
    // A dispatcher claims everything and dies before posting.
    const claimed = await store.claimOutbox(new Date().toISOString(), 10, 1);
    expect(claimed).toHaveLength(3);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const restarted = new WebhookDispatcher({ store, logger }, { url: endpoint.url, secret });
    expect(await restarted.dispatchDue()).toBe(3);
    expect(new Set(endpoint.received.map((r) => r.event.data.payment.id))).toEqual(new Set(['pay_0', 'pay_1', 'pay_2']));
  });

  it('keeps polling after a round the database failed, without an unhandled rejection that would end the process', async () => {
    const endpoint = await merchantEndpoint();
    const { store } = await storeWithFinalPayment();
    const claimOutbox = store.claimOutbox.bind(store);
    let outage = 2;
    // As PostgreSQL answers while it refuses connections (a restart, a failover).
    store.claimOutbox = (...args) => (outage-- > 0 ? Promise.reject(new Error('database "checkout" is not currently accepting connections')) : claimOutbox(...args));
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const dispatcher = new WebhookDispatcher({ store, logger }, { url: endpoint.url, secret, pollIntervalMs: 10 });
    try {
      dispatcher.start();
      for (let waited = 0; endpoint.received.length === 0 && waited < 2_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      await dispatcher.stop();
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
    expect(endpoint.received.map((r) => r.event.data.payment.id)).toEqual(['pay_0']);
  });

  it('counts an unreachable endpoint as a failure to retry, not a crash', async () => {
    const { store } = await storeWithFinalPayment();
    const dispatcher = new WebhookDispatcher({ store, logger }, { url: 'http://127.0.0.1:9/hooks', secret, timeoutMs: 500 });
    expect(await dispatcher.dispatchDue()).toBe(0);
    const [message] = await store.listOutboxByPayment('pay_0');
    expect(message).toMatchObject({ attempts: 1, lastError: expect.stringMatching(/fetch failed|ECONNREFUSED|TypeError/) });
    expect(message?.deliveredAt).toBeUndefined();
  });
});
