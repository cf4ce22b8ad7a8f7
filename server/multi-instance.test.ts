/**
 * Three proxy processes on one PostgreSQL, with requests spread across them, as behind a load
 * balancer: a double submit creates one invoice, a callback storm moves each payment once, every
 * final status reaches the merchant's webhook endpoint, a killed instance loses nothing and a
 * terminated one finishes its request first. The MilkyPay simulator and the merchant's webhook
 * endpoint run in this process, so every provider create and every webhook is counted here.
 */
import express from 'express';
import { exportJWK, generateKeyPair } from 'jose';
import { mkdtempSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMilkyPaySimulator, type MilkyPaySimulatorFaults } from './providers/milkypay/simulator.js';
import { PostgresStore } from './store/postgres-store.js';
import { createTestDatabase } from './testing/postgres-cluster.js';
import { testPostgres } from './testing/postgres-database.js';
import { startProxyProcess, type ProxyProcess } from './testing/proxy-process.js';

const { url: serverUrl, problem } = testPostgres();

const MERCHANT_KEY = 'sk_test_multi_instance_merchant';
const SHOP_ORIGIN = 'https://shop.example';
const METHOD = 'milkypay:payment_card_usd_hpp';
const MILKYPAY = { publicKey: 'pk_test_multi', apiUser: 'multi', apiPassword: 'multi-password' };

/** The provider page the shopper is sent to: `redirect` has a url, `form` an action. */
interface PageAction {
  url?: string;
  action?: string;
}

interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

if (!serverUrl) {
  it('runs three proxy instances on one PostgreSQL', () => {
    throw new Error(problem);
  });
} else {
  describe('three proxy instances on one PostgreSQL', () => {
    let instances: ProxyProcess[] = [];
    let store: PostgresStore;
    let dropDatabase: () => Promise<void>;
    const servers: Server[] = [];
    const faults: MilkyPaySimulatorFaults = {};
    /** Invoice create requests the simulator received. */
    let providerCreates = 0;
    /** Webhook bodies the merchant's endpoint acknowledged, in arrival order. */
    const webhooks: { id: string; type: string; paymentId: string }[] = [];
    /** Payments the tests saw succeed: each one's webhook must arrive. */
    const succeeded: string[] = [];

    beforeAll(async () => {
      const database = await createTestDatabase(serverUrl);
      dropDatabase = database.drop;
      const simulatorServer = await listen();
      const simulatorUrl = address(simulatorServer);
      const simulator = express();
      simulator.use((req, _res, next) => {
        if (req.method === 'POST' && req.path.endsWith('/payment-invoices')) providerCreates++;
        next();
      });
      simulator.use(createMilkyPaySimulator({ ...MILKYPAY, publicUrl: simulatorUrl, faults, callbackRetryDelayMs: 50 }));
      simulatorServer.on('request', simulator);

      // The load balancer in front: PUBLIC_URL of every instance, so session tokens, callback and
      // return URLs name it, and the simulator's callbacks are spread over the instances too.
      const balancer = await listen();
      balancer.on('request', (req, res) => void balance(req, res));
      servers.push(balancer);

      const merchantServer = await listen();
      const merchant = express();
      merchant.post('/webhooks', express.json(), (req, res) => {
        webhooks.push({ id: req.body.id, type: req.body.type, paymentId: req.body.data?.payment?.id });
        res.status(204).end();
      });
      merchantServer.on('request', merchant);
      servers.push(simulatorServer, merchantServer);

      const { privateKey } = await generateKeyPair('ES256', { extractable: true });
      const env = {
        PUBLIC_URL: address(balancer),
        DATABASE_URL: database.url,
        SESSION_SIGNING_JWK: JSON.stringify({ ...(await exportJWK(privateKey)), alg: 'ES256', kid: 'multi-instance' }),
        MERCHANT_API_KEY: MERCHANT_KEY,
        ALLOWED_ORIGINS: SHOP_ORIGIN,
        SANDBOX: 'false',
        MILKYPAY_BASE_URL: simulatorUrl,
        MILKYPAY_PUBLIC_KEY: MILKYPAY.publicKey,
        MILKYPAY_API_USER: MILKYPAY.apiUser,
        MILKYPAY_API_PASSWORD: MILKYPAY.apiPassword,
        MERCHANT_WEBHOOK_URL: `${address(merchantServer)}/webhooks`,
        MERCHANT_WEBHOOK_SECRET: 'whsec_multi_instance_test_secret',
        RECONCILE_INTERVAL_SECONDS: '1',
      };
      const cwd = mkdtempSync(join(tmpdir(), 'pay-checkout-instances-'));
      instances = await Promise.all(['a', 'b', 'c'].map((name) => startProxyProcess(name, { ...env, DATA_DIR: join(cwd, name) }, { cwd })));
      store = await PostgresStore.open(database.url, { poolSize: 2 });
    }, 60_000);

    afterAll(async () => {
      await Promise.all(instances.map((instance) => instance.kill()));
      await store?.close();
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
      await dropDatabase?.();
    });

    const alive = () => instances.filter((instance) => !killed.has(instance.name));
    const killed = new Set<string>();
    /** The instance a load balancer would pick for request number `n`. */
    const pick = (n: number) => alive()[n % alive().length]!;

    let balanced = 0;
    /** Round robin over the live instances; a request an instance cannot take goes to the next one. */
    async function balance(req: IncomingMessage, res: ServerResponse): Promise<void> {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      for (let attempt = 0; attempt < 3; attempt++) {
        const target = new URL(pick(balanced++).url);
        const sent = await new Promise<boolean>((resolve) => {
          const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
            resolve(true);
          });
          upstream.on('error', () => resolve(false));
          upstream.end(Buffer.concat(chunks));
        });
        if (sent) return;
      }
      res.writeHead(502).end();
    }

    async function call(base: string, method: string, path: string, options: { token?: string; key?: string; body?: unknown } = {}): Promise<Answer> {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${options.token ?? MERCHANT_KEY}`,
          ...(options.token ? { origin: SHOP_ORIGIN } : {}),
          ...(options.key ? { 'idempotency-key': options.key } : {}),
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
      return { status: response.status, body: await response.json() };
    }

    async function newSession(n: number): Promise<{ sessionId: string; token: string }> {
      const order = { orderId: `order-${n}-${Math.random().toString(36).slice(2)}`, amount: '48.00', currency: 'USD', returnUrl: 'https://shop.example/return' };
      const { status, body } = await call(pick(n).url, 'POST', '/api/sessions', { body: order });
      expect(status).toBe(201);
      return body;
    }

    const pay = (n: number, token: string, key: string) => call(pick(n).url, 'POST', '/api/checkout/payments', { token, key, body: { methodId: METHOD } });

    /**
     * The shopper approves on the provider's page (a redirect when the create answered, a form when
     * a lookup found the invoice after a crash); the simulator then calls back through the balancer.
     */
    const approve = (action: PageAction) =>
      fetch(`${action.url ?? action.action}/decide`, { method: 'POST', body: new URLSearchParams({ decision: 'approve' }), redirect: 'manual' });

    const callback = (n: number, paymentId: string) =>
      fetch(`${pick(n).url}/api/callbacks/milkypay/${paymentId}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then(
        (response) => response.status,
        () => 0,
      );

    async function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, withinMs = 40_000): Promise<T> {
      const deadline = Date.now() + withinMs;
      for (;;) {
        const value = await read();
        if (done(value)) return value;
        if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}\n${instances.map((i) => `--- ${i.name}\n${i.output()}`).join('\n')}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }

    /** Status changes of a payment as the store recorded them (one event per transition). */
    async function transitions(paymentId: string): Promise<string[]> {
      return (await store.listEvents(paymentId)).filter((event) => event.toStatus && event.type !== 'created').map((event) => `${event.fromStatus}>${event.toStatus}`);
    }

    it('50 concurrent pay calls with one key, spread over the three: one payment, one provider create', async () => {
      const { token, sessionId } = await newSession(0);
      const before = providerCreates;
      faults.createLatencyMs = 200;
      const answers = await Promise.all(Array.from({ length: 50 }, (_, n) => pay(n, token, 'double-submit')));
      faults.createLatencyMs = 0;
      const statuses = answers.map((answer) => answer.status);
      expect(statuses.filter((status) => status !== 200 && status !== 201)).toEqual([]);
      expect(new Set(answers.map((answer) => answer.body.payment.id)).size).toBe(1);
      expect(providerCreates - before).toBe(1);
      expect(await store.listPaymentsBySession(sessionId)).toHaveLength(1);
    });

    it('a storm of duplicated, reordered callbacks spread over the three moves each payment exactly once', async () => {
      const sessions = await Promise.all(Array.from({ length: 12 }, (_, n) => newSession(n)));
      const paid = await Promise.all(sessions.map(({ token }, n) => pay(n, token, `storm-${n}`)));
      expect(paid.map((answer) => answer.status)).toEqual(sessions.map(() => 201));
      const payments = paid.map((answer) => answer.body.payment as { id: string; action: PageAction });
      // Callbacks before the approval (nothing to apply yet), the approvals, and more callbacks after, all at once.
      const storm = payments.flatMap((payment, n) => [
        ...[0, 1, 2].map((k) => () => callback(n + k, payment.id)),
        () => approve(payment.action).then((response) => response.status),
        ...[3, 4, 5, 6].map((k) => () => callback(n + k, payment.id)),
      ]);
      const shuffled = storm.map((send) => ({ send, order: Math.random() })).sort((a, b) => a.order - b.order);
      await Promise.all(shuffled.map(({ send }) => send()));
      await Promise.all(payments.map((payment, n) => callback(n, payment.id)));
      const settled = await waitFor('storm payments settling', () => Promise.all(payments.map((p) => store.getPayment(p.id))), (all) => all.every((p) => p?.status === 'succeeded'));
      expect(settled.map((p) => p?.status)).toEqual(payments.map(() => 'succeeded'));
      for (const payment of payments) expect(await transitions(payment.id)).toEqual(['created>requires_action', 'requires_action>succeeded']);
      succeeded.push(...payments.map((payment) => payment.id));
    });

    it('every final status reaches the merchant: 0 webhooks lost', async () => {
      expect(succeeded.length).toBeGreaterThan(0);
      const delivered = await waitFor(
        'webhooks delivered',
        async () => new Set(webhooks.filter((w) => w.type === 'payment.succeeded').map((w) => w.paymentId)),
        (ids) => succeeded.every((id) => ids.has(id)),
      );
      expect(succeeded.filter((id) => !delivered.has(id))).toEqual([]);
      // At least once, deduplicated by event id: one event per transition, however many instances run.
      const eventIds = new Set(webhooks.map((w) => w.id));
      expect(eventIds.size).toBe(new Set(webhooks.map((w) => `${w.paymentId}:${w.type}`)).size);
    });

    // A payment the killed instance recorded but never sent to the provider is failed only once no
    // create can still land (CREATE_IN_FLIGHT_MS, 40 s): its shopper waits that long.
    it('killing one instance mid-run loses nothing and doubles nothing', { timeout: 180_000 }, async () => {
      const sessions = await Promise.all(Array.from({ length: 12 }, (_, n) => newSession(n)));
      const createsBefore = providerCreates;
      faults.createLatencyMs = 300;
      const victim = instances[2]!;
      // The shopper's browser retries a failed pay call with the same key; a payment that ended
      // without being created at the provider is tried again with a new key, as the element does.
      let cutOff = 0;
      const payUntilAnswered = async (n: number, token: string) => {
        let key = `crash-${n}-1`;
        for (let attempt = 0; attempt < 60; attempt++) {
          const answer = await pay(n + attempt, token, key).catch(() => {
            cutOff++;
            return undefined;
          });
          const payment = answer?.body?.payment;
          if (payment?.status === 'requires_action') return payment as { id: string; action: PageAction };
          if (payment?.status === 'failed') key = `crash-${n}-${attempt + 2}`;
          await new Promise((resolve) => setTimeout(resolve, 300));
        }
        throw new Error(`session ${n} could not pay`);
      };
      const paying = Promise.all(sessions.map(({ token }, n) => payUntilAnswered(n, token)));
      await new Promise((resolve) => setTimeout(resolve, 150));
      await victim.kill();
      killed.add(victim.name);
      faults.createLatencyMs = 0;
      const payments = await paying;
      // Pay calls were in flight on the killed instance (its provider creates take 300 ms).
      expect(cutOff).toBeGreaterThan(0);
      await Promise.all(payments.map((payment) => approve(payment.action)));
      await Promise.all(payments.map((payment, n) => callback(n, payment.id)));
      await waitFor('payments after the crash settling', () => Promise.all(payments.map((p) => store.getPayment(p.id))), (all) => all.every((p) => p?.status === 'succeeded'));

      for (const [n, { sessionId }] of sessions.entries()) {
        const all = await store.listPaymentsBySession(sessionId);
        // One paid payment per checkout; any other one ended failed, never created at the provider.
        expect(all.filter((p) => p.status === 'succeeded').map((p) => p.id)).toEqual([payments[n]!.id]);
        for (const other of all.filter((p) => p.id !== payments[n]!.id)) expect(other).toMatchObject({ status: 'failed', providerRef: undefined });
        expect(await transitions(payments[n]!.id)).toEqual(['created>requires_action', 'requires_action>succeeded']);
      }
      const atProvider = (await Promise.all(sessions.map(({ sessionId }) => store.listPaymentsBySession(sessionId)))).flat().filter((p) => p.providerRef);
      expect(providerCreates - createsBefore).toBe(atProvider.length);

      succeeded.push(...payments.map((payment) => payment.id));
      await waitFor(
        'webhooks after the crash',
        async () => new Set(webhooks.filter((w) => w.type === 'payment.succeeded').map((w) => w.paymentId)),
        (ids) => succeeded.every((id) => ids.has(id)),
      );
    });

    it('SIGTERM finishes the request in flight, then the instance exits cleanly and takes no more', async () => {
      const survivor = alive()[0]!;
      const { token } = await newSession(0);
      faults.createLatencyMs = 600;
      const inFlight = call(survivor.url, 'POST', '/api/checkout/payments', { token, key: 'graceful', body: { methodId: METHOD } });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const exitCode = survivor.terminate();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const refused = await fetch(`${survivor.url}/healthz`).then(() => 'answered', () => 'refused');
      const answer = await inFlight;
      faults.createLatencyMs = 0;
      killed.add(survivor.name);
      expect(answer.status).toBe(201);
      expect(answer.body.payment.status).toBe('requires_action');
      expect(refused).toBe('refused');
      expect(await exitCode).toBe(0);
    });
  });
}

async function listen(): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

function address(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
