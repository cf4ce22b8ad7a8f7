import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDemoRouter } from './server.js';

/**
 * The demo shop's backend against a stand-in merchant API, whose sessions end when a test says:
 * a shop page must never hand the element a session that is over, or about to be.
 */

let api: Server;
let sessionsOpened: { orderId: string }[] = [];
let sessionLifetimeMs: number[] = [];
let payments: { status: string }[] = [];

beforeAll(async () => {
  const merchantApi = express();
  merchantApi.use(express.json());
  merchantApi.post('/api/sessions', (req, res) => {
    sessionsOpened.push(req.body);
    const lifetime = sessionLifetimeMs.shift() ?? 15 * 60_000;
    res.status(201).json({ sessionId: `ses_${sessionsOpened.length}`, token: `token-${sessionsOpened.length}`, expiresAt: new Date(Date.now() + lifetime).toISOString() });
  });
  merchantApi.get('/api/payments', (_req, res) => {
    res.json({ data: payments });
  });
  await new Promise<void>((resolve) => {
    api = merchantApi.listen(0, '127.0.0.1', () => resolve());
  });
});
afterAll(() => new Promise<void>((resolve) => api.close(() => resolve())));
beforeEach(() => {
  sessionsOpened = [];
  sessionLifetimeMs = [];
  payments = [];
  // Only the clock is ours: the shop and the stand-in API read it, the sockets' timers run as usual.
  vi.useFakeTimers({ toFake: ['Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

const MINUTE = 60_000;
const later = (ms: number) => vi.setSystemTime(Date.now() + ms);

function shop() {
  const app = express();
  const { port } = api.address() as AddressInfo;
  app.use(createDemoRouter({ apiUrl: `http://127.0.0.1:${port}`, merchantApiKey: 'sk_test_demo', publicUrl: 'http://shop.test', sdkRelease: () => undefined }));
  return app;
}

/** Buys the cezve; the first session lasts `firstLifetimeMs`. Returns the order's page path. */
async function buy(app: express.Express, firstLifetimeMs: number): Promise<string> {
  sessionLifetimeMs = [firstLifetimeMs];
  const bought = await request(app).post('/checkout').type('form').send({ product: 'cezve' });
  expect(bought.status).toBe(303);
  return bought.headers.location!;
}

const tokenOn = (page: string) => /<pay-checkout session="([^"]+)" data-order-id="([^"]+)"/.exec(page)?.slice(1);

describe('the demo shop renews an order’s session', () => {
  it('opens a new session for the same order when the page loads with one about to end, and keeps one with time left', async () => {
    const app = shop();
    const path = await buy(app, 15 * MINUTE);
    const orderId = path.split('/').at(-1)!;
    expect(tokenOn((await request(app).get(path)).text)).toEqual(['token-1', orderId]);
    later(13.5 * MINUTE);
    const page = await request(app).get(path);
    expect(page.status).toBe(200);
    expect(tokenOn(page.text)).toEqual(['token-2', orderId]);
    expect(sessionsOpened.map((session) => session.orderId)).toEqual([orderId, orderId]);
    // The new session has time left: a reload keeps it.
    expect(tokenOn((await request(app).get(path)).text)).toEqual(['token-2', orderId]);
    expect(sessionsOpened).toHaveLength(2);
  });

  it('answers the page’s renewal with a new token when the session ends soon, on its own clock', async () => {
    const app = shop();
    const path = await buy(app, 15 * MINUTE);
    expect((await request(app).post(`${path}/session`)).body).toMatchObject({ token: 'token-1' });
    expect(sessionsOpened).toHaveLength(1);
    // The element warns a minute before the end.
    later(14 * MINUTE);
    const renewed = await request(app).post(`${path}/session`);
    expect(renewed.status).toBe(200);
    expect(renewed.body).toEqual({ token: 'token-2', expiresAt: expect.any(String) });
    expect(Date.parse(renewed.body.expiresAt)).toBeGreaterThan(Date.now() + 10 * MINUTE);
    expect((await request(app).post('/checkout/order_unknown/session')).status).toBe(404);
  });

  it('with one-minute sessions, keeps the token through the warning the element gives at once, and renews after the end', async () => {
    const app = shop();
    const path = await buy(app, MINUTE);
    sessionLifetimeMs = [MINUTE];
    later(5_000);
    expect((await request(app).post(`${path}/session`)).body).toMatchObject({ token: 'token-1' });
    later(MINUTE);
    expect(tokenOn((await request(app).get(path)).text)?.[0]).toBe('token-2');
    expect((await request(app).post(`${path}/session`)).body).toMatchObject({ token: 'token-2' });
    expect(sessionsOpened).toHaveLength(2);
  });

  it('does not reopen a paid order, whose status page tells the rest', async () => {
    const app = shop();
    const path = await buy(app, 15 * MINUTE);
    later(16 * MINUTE);
    payments = [{ status: 'failed' }, { status: 'succeeded' }];
    const page = await request(app).get(path);
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe(`/return?orderId=${path.split('/').at(-1)}`);
    expect((await request(app).post(`${path}/session`)).status).toBe(409);
    expect(sessionsOpened).toHaveLength(1);

    // Only failed attempts: the order can still be paid, in a new session.
    payments = [{ status: 'failed' }, { status: 'canceled' }];
    expect(tokenOn((await request(app).get(path)).text)?.[0]).toBe('token-2');
  });
});
