import express from 'express';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckoutRouter, startCheckoutServer, type CheckoutRouter } from './index.js';
import { ConfigError } from './config.js';
import { createLogger } from './logger.js';

const MERCHANT_KEY = 'sk_test_mounted_router_key';
const silent = createLogger({ level: 'silent' });

describe('createCheckoutRouter: the proxy mounted in a merchant app', () => {
  let dataDir: string;
  let server: Server;
  let router: CheckoutRouter;
  let base: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'pay-router-'));
    const app = express();
    app.get('/', (_req, res) => {
      res.send('the merchant shop');
    });
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    base = `${origin}/pay`;
    // The mount path is part of PUBLIC_URL: the sandbox simulators are reached through it too.
    router = await createCheckoutRouter(
      { PUBLIC_URL: base, ALLOWED_ORIGINS: origin, MERCHANT_API_KEY: MERCHANT_KEY, DATA_DIR: dataDir, SANDBOX: 'true' },
      { logger: silent },
    );
    app.use('/pay', router);
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await router.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('opens a session and lists the methods under the mount path, beside the merchant routes', async () => {
    expect(await (await fetch(base.replace(/\/pay$/, '/'))).text()).toBe('the merchant shop');
    const created = await fetch(`${base}/api/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MERCHANT_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ orderId: 'mounted-1', amount: '12.00', currency: 'USD', provider: 'milkypay', returnUrl: `${base}/done` }),
    });
    expect(created.status).toBe(201);
    const { token } = (await created.json()) as { token: string };
    const checkout = await fetch(`${base}/api/checkout`, { headers: { authorization: `Bearer ${token}` } });
    expect(checkout.status).toBe(200);
    const view = (await checkout.json()) as { session: { amount: number }; methods: { id: string }[] };
    expect(view.session.amount).toBe(1200);
    expect(view.methods.map((method) => method.id)).toContain('milkypay:payment_card_usd_hpp');
  });

  it('keeps the merchant key on its routes', async () => {
    const response = await fetch(`${base}/api/payments?orderId=mounted-1`);
    expect(response.status).toBe(401);
  });

  it('refuses a bad configuration with the variable named', async () => {
    await expect(createCheckoutRouter({ PUBLIC_URL: 'not a url', DATA_DIR: dataDir }, { logger: silent })).rejects.toThrow(ConfigError);
    await expect(createCheckoutRouter({ PUBLIC_URL: 'not a url', DATA_DIR: dataDir }, { logger: silent })).rejects.toThrow(/PUBLIC_URL/);
  });
});

describe('startCheckoutServer: the standalone proxy', () => {
  it('listens, answers /healthz and closes', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pay-standalone-'));
    // A port of its own: PORT=0 would leave PUBLIC_URL, which the simulators are reached through, unknown.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const started = await startCheckoutServer({ PORT: String(port), DATA_DIR: dataDir, MERCHANT_API_KEY: MERCHANT_KEY }, { logger: silent });
    try {
      expect(started.url).toBe(`http://localhost:${port}`);
      expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()).toMatchObject({ ok: true });
    } finally {
      await started.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
