import express from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from '../config.js';
import { merchantCall, widgetCall } from '../testing/api-calls.js';
import { startProxy, type ProxyHarness } from '../testing/proxy-harness.js';
import { NO_FAULTS, parseSimulatorFaults, simulatorFaultSettings, SimulatorFaults } from './simulator-faults.js';

describe('simulator fault settings', () => {
  it('reads SIMULATOR_FAULTS and lets a simulator override it', () => {
    const env = { SIMULATOR_FAULTS: 'error_rate=0.2,latency_ms=50,drop_callbacks=0.1,duplicate_callbacks=0.3,reorder_callbacks=true', HPAY_SIMULATOR_FAULTS: 'error_rate=0' };
    expect(simulatorFaultSettings(env, 'milkypay')).toEqual({ errorRate: 0.2, latencyMs: 50, dropCallbacks: 0.1, duplicateCallbacks: 0.3, reorderCallbacks: true });
    expect(simulatorFaultSettings(env, 'hpay')).toMatchObject({ errorRate: 0, latencyMs: 50 });
    expect(simulatorFaultSettings({}, 'hpay')).toBeUndefined();
    expect(simulatorFaultSettings({ HANKOPAY_SIMULATOR_FAULTS: 'drop_callbacks=1' }, 'hankopay')).toEqual({ ...NO_FAULTS, dropCallbacks: 1 });
  });

  it('refuses bad settings naming the variable, and so does the configuration', () => {
    expect(() => parseSimulatorFaults('error_rate=2', 'X')).toThrow('X: error_rate must be a share from 0 to 1');
    expect(() => parseSimulatorFaults('latency=5', 'X')).toThrow(/X: unknown setting "latency=5"/);
    expect(() => parseSimulatorFaults('reorder_callbacks=maybe', 'X')).toThrow('X: reorder_callbacks must be true or false');
    expect(() => loadConfig({ MILKYPAY_SIMULATOR_FAULTS: 'error_rate=-1' })).toThrow(ConfigError);
    expect(() => loadConfig({ MILKYPAY_SIMULATOR_FAULTS: 'error_rate=-1' })).toThrow(/MILKYPAY_SIMULATOR_FAULTS: error_rate/);
    expect(loadConfig({ SIMULATOR_FAULTS: 'latency_ms=5' }).simulatorFaults.directcard).toMatchObject({ latencyMs: 5 });
  });
});

describe('SimulatorFaults', () => {
  let server: Server;
  let url: string;
  let processed = 0;
  const faults = new SimulatorFaults();
  beforeAll(async () => {
    const app = express();
    app.use(faults.api(() => Object.assign(new Error('simulated'), { status: 500 })));
    app.post('/charge', (_req, res) => {
      processed++;
      res.status(201).json({ ok: true });
    });
    app.use((error: { status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(error.status ?? 500).json({ error: error.status === 404 ? 'documented not found' : 'documented internal error' });
    });
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('fails about the configured share of requests, half before and half after doing the work', async () => {
    faults.settings = { ...NO_FAULTS, errorRate: 0.5 };
    const before = processed;
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++) statuses.push((await fetch(`${url}/charge`, { method: 'POST' })).status);
    const failed = statuses.filter((status) => status === 500).length;
    expect(failed).toBeGreaterThan(60);
    expect(failed).toBeLessThan(140);
    expect(statuses.every((status) => status === 201 || status === 500)).toBe(true);
    expect(faults.counts.failedBefore + faults.counts.failedAfter).toBe(failed);
    expect(faults.counts.failedAfter).toBeGreaterThan(0);
    // Work was done for every success and for every answer lost after it.
    expect(processed - before).toBe(200 - faults.counts.failedBefore);
  });

  it('answers a refusal whose answer is lost with a 500 in the simulator\'s own JSON, not Express\'s HTML page', async () => {
    // Every request fails, and every failure is of the "after the work" kind.
    const after = new SimulatorFaults({ ...NO_FAULTS, errorRate: 1 }, () => 0.75);
    const app = express();
    app.use(after.api(() => Object.assign(new Error('simulated'), { status: 500 })));
    app.post('/refused', () => {
      throw Object.assign(new Error('no such charge'), { status: 404 });
    });
    app.use((error: { status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(error.status ?? 500).json({ error: error.status === 404 ? 'documented not found' : 'documented internal error' });
    });
    const refusing = createServer(app);
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(refusing.address() as AddressInfo).port}/refused`, { method: 'POST' });
      // Every request fails as configured, in the simulator's JSON shape (no error raised twice).
      expect(response.status).toBe(500);
      expect(response.headers.get('content-type')).toMatch(/application\/json/);
      expect(await response.json()).toEqual({ error: 'documented not found' });
      expect(after.counts.failedAfter).toBe(1);
    } finally {
      await new Promise<void>((resolve) => refusing.close(() => resolve()));
    }
  });

  it('drops, duplicates and holds back callbacks as configured', async () => {
    const sent: number[] = [];
    const post = (n: number) => async () => void sent.push(n);
    const dropAll = new SimulatorFaults({ ...NO_FAULTS, dropCallbacks: 1 });
    await dropAll.sendCallback(post(1));
    expect(sent).toEqual([]);
    const twice = new SimulatorFaults({ ...NO_FAULTS, duplicateCallbacks: 1 });
    await twice.sendCallback(post(2));
    expect(sent).toEqual([2, 2]);
    // Reordering: with the first callback held longest, the second overtakes it.
    const randoms = [0.9, 0.1];
    const reorder = new SimulatorFaults({ ...NO_FAULTS, reorderCallbacks: true }, () => randoms.shift() ?? 0);
    sent.length = 0;
    await Promise.all([reorder.sendCallback(post(1)), reorder.sendCallback(post(2))]);
    expect(sent).toEqual([2, 1]);
  });
});

describe('fault injection in every simulator, through the proxy', () => {
  let proxy: ProxyHarness;
  beforeAll(async () => {
    proxy = await startProxy();
  });
  afterAll(async () => {
    await proxy.close();
  });
  const session = async (provider: string, currency = 'USD') =>
    (await merchantCall(proxy.url, 'POST', '/api/sessions', { orderId: `o-${Math.random()}`, amount: '20.00', currency, provider, returnUrl: 'https://shop.example/r' })).body as { token: string; sessionId: string };
  const card = { number: '4242424242424242', expiryMonth: '12', expiryYear: '30', securityCode: '482', holderName: 'Ada Lovelace' };

  it.each([
    ['milkypay', 'USD', { methodId: 'milkypay:payment_card_usd_hpp' }],
    ['hankopay', 'USD', { methodId: 'hankopay:card', card }],
    ['hpay', 'CAD', { methodId: 'hpay:hosted' }],
    ['paymenthub', 'IDR', { methodName: 'QRIS' }],
    ['directcard', 'TRY', { methodId: 'directcard:card', card }],
  ] as const)('%s: a provider failing every request leaves the payment waiting, never charged twice', async (provider, currency, pay) => {
    const { token, sessionId } = await session(provider, currency);
    // The methods are listed (and cached) before the provider goes down.
    const checkout = await widgetCall(proxy.url, 'GET', '/api/checkout', token);
    expect(checkout.status).toBe(200);
    // Payment Hub's method ids come from its vendor list, so that one is picked by name.
    const methods = (checkout.body as { methods: { id: string; name: string }[] }).methods;
    const body = 'methodName' in pay ? { methodId: methods.find((method) => method.name === pay.methodName)?.id } : pay;
    proxy.simulatorFaults[provider].settings = { ...NO_FAULTS, errorRate: 1 };
    try {
      const first = await widgetCall(proxy.url, 'POST', '/api/checkout/payments', token, { key: 'k1', body });
      expect(proxy.simulatorFaults[provider].counts.failedBefore + proxy.simulatorFaults[provider].counts.failedAfter).toBeGreaterThan(0);
      expect(first).toMatchObject({ status: 502, body: { error: { code: 'outcome_unknown' } } });
      const [payment] = await proxy.store.listPaymentsBySession(sessionId);
      expect(payment?.status).toBe('pending');
      // While nobody knows whether the first create went through, a second is refused.
      const second = await widgetCall(proxy.url, 'POST', '/api/checkout/payments', token, { key: 'k2', body });
      expect(second.status).toBe(409);
      expect(await proxy.store.listPaymentsBySession(sessionId)).toHaveLength(1);
    } finally {
      proxy.simulatorFaults[provider].settings = { ...NO_FAULTS };
    }
    // Once the provider answers again, a lookup by our reference settles the payment; only then may the shopper try again.
    if (provider !== 'directcard') {
      const retry = await widgetCall(proxy.url, 'POST', '/api/checkout/payments', token, { key: 'k3', body });
      const payments = await proxy.store.listPaymentsBySession(sessionId);
      expect(payments[0]?.status).not.toBe('pending');
      // Nothing charged (no invoice, or one still waiting for the shopper): a new attempt may start; paid: refused.
      if (payments[0]?.status === 'failed' || payments[0]?.status === 'requires_action') expect(retry.status).toBe(201);
      else expect(retry.status).toBe(409);
    }
  });
});
