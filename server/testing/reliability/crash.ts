import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import express from 'express';
import { createLogger } from '../../logger.js';
import { createMilkyPaySimulator } from '../../providers/milkypay/simulator.js';
import { NO_FAULTS, SimulatorFaults } from '../../providers/simulator-faults.js';
import type { MerchantWebhookEvent } from '../../webhooks/merchant-event.js';
import { verifyWebhook, WEBHOOK_SIGNATURE_HEADER } from '../../webhooks/verify-webhook.js';
import { timed, type ScenarioResult } from './result.js';
import { decideMilkyPay, inBatches, merchant, milkyPayInvoices, sleep, widget, type Answer } from './shop.js';

const MERCHANT_KEY = 'sk_test_crash_merchant_key_0001';
const WEBHOOK_SECRET = 'whsec_crash_scenario_secret_01';
const SHOP = 'https://shop.example';
const credentials = { publicKey: 'pk_test_crash', apiUser: 'crash', apiPassword: 'crash-password' };

/**
 * Crash: the proxy runs as its own process (server/main.ts, as in production) against a MilkyPay
 * simulator and a merchant webhook endpoint kept in this process. While payments are being created,
 * decided and called back, the proxy is killed with SIGKILL and started again on the same database.
 * Shoppers come back and finish what their checkout offers them. Every payment must reach the
 * simulator's final state, and every final state must reach the merchant's endpoint at least once.
 */
export function crash(options: { payments: number; port: number; artifactsDir: string }): Promise<ScenarioResult> {
  return timed(async () => {
    mkdirSync(options.artifactsDir, { recursive: true });
    const logPath = join(options.artifactsDir, 'crash-proxy.log');
    const dataDir = mkdtempSync(join(options.artifactsDir, 'crash-data-'));
    const port = options.port || (await freePort());
    const proxyUrl = `http://127.0.0.1:${port}`;

    const faults = new SimulatorFaults({ ...NO_FAULTS, latencyMs: 150 });
    const simulatorApp = express();
    const simulator = await listen(createServer(simulatorApp));
    const simulatorUrl = `http://127.0.0.1:${(simulator.address() as AddressInfo).port}`;
    simulatorApp.use(createMilkyPaySimulator({ ...credentials, publicUrl: simulatorUrl, callbackRetryDelayMs: 50, faultInjection: faults, logger: createLogger({ level: 'silent' }) }));

    const delivered: MerchantWebhookEvent[] = [];
    let badSignatures = 0;
    const receiver = await listen(
      createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          try {
            delivered.push(verifyWebhook({ rawBody: Buffer.concat(chunks), signatureHeader: req.headers[WEBHOOK_SIGNATURE_HEADER.toLowerCase()] as string, secret: WEBHOOK_SECRET }));
            res.writeHead(200).end();
          } catch {
            badSignatures++;
            res.writeHead(400).end();
          }
        });
      }),
    );
    const env = {
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: proxyUrl,
      ALLOWED_ORIGINS: SHOP,
      SANDBOX: 'false',
      MERCHANT_API_KEY: MERCHANT_KEY,
      MERCHANT_WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks`,
      MERCHANT_WEBHOOK_SECRET: WEBHOOK_SECRET,
      MILKYPAY_BASE_URL: simulatorUrl,
      MILKYPAY_PUBLIC_KEY: credentials.publicKey,
      MILKYPAY_API_USER: credentials.apiUser,
      MILKYPAY_API_PASSWORD: credentials.apiPassword,
      DATA_DIR: dataDir,
      RECONCILE_INTERVAL_SECONDS: '1',
      RATE_LIMIT_PER_IP: '0',
      RATE_LIMIT_PER_SESSION: '0',
      LOG_LEVEL: 'info',
    };
    const log = createWriteStream(logPath, { flags: 'a' });
    let proxy: ChildProcess | undefined;
    try {
      proxy = await startProxyProcess(env, log, proxyUrl);
      const sessions = await inBatches(Array.from({ length: options.payments }), 10, async (_, i) => {
        const answer = await merchant(proxyUrl, 'POST', '/api/sessions', { orderId: `crash-${i}`, amount: '30.00', currency: 'USD', provider: 'milkypay', returnUrl: `${SHOP}/return` }, {}, MERCHANT_KEY);
        return { token: answer.body.token as string, sessionId: answer.body.sessionId as string, approve: i % 3 !== 1 };
      });

      // Payments in flight: creates at the simulator, shoppers deciding, callbacks coming back.
      const decided = new Set<string>();
      const inFlight = sessions.map((session, i) => (async () => {
        await sleep(i * 40);
        const paid = await widget(proxyUrl, 'POST', '/api/checkout/payments', session.token, { key: 'first', body: { methodId: 'milkypay:payment_card_usd_hpp' }, origin: SHOP });
        if (paid.status === 201 && paid.body.payment.action?.url) {
          await decideMilkyPay(paid.body.payment.action.url, session.approve ? 'approve' : 'decline');
          decided.add(session.sessionId);
        }
      })().catch(() => undefined)); // The kill cuts these calls off: that is the point.
      // Killed once a third of the shoppers have decided: creates, decisions and callbacks are all under way.
      for (let waited = 0; decided.size < options.payments / 3 && waited < 30_000; waited += 20) await sleep(20);
      proxy.kill('SIGKILL');
      await new Promise((resolveExit) => proxy!.once('exit', resolveExit));
      const killedAt = { decided: decided.size, ...statusesAtKill(join(dataDir, 'checkout.db')) };
      await Promise.allSettled(inFlight);

      proxy = await startProxyProcess(env, log, proxyUrl);
      // Shoppers come back to their checkout and finish what it offers them.
      const deadline = Date.now() + 120_000;
      let converged = false;
      let mismatched: string[] = [];
      while (Date.now() < deadline) {
        await inBatches(sessions, 10, async (session) => {
          const view = await widget(proxyUrl, 'GET', '/api/checkout', session.token, { origin: SHOP });
          const payment = view.body?.payment;
          if (payment?.status === 'requires_action' && !decided.has(session.sessionId)) {
            const page = payment.action?.type === 'form' ? payment.action.action : payment.action?.url;
            if (page) {
              await decideMilkyPay(page, session.approve ? 'approve' : 'decline');
              decided.add(session.sessionId);
            }
          } else if (!payment || (payment.status === 'failed' && !decided.has(session.sessionId))) {
            // The first attempt never reached the provider: the shopper pays again.
            await widget(proxyUrl, 'POST', '/api/checkout/payments', session.token, { key: `again-${Date.now()}`, body: { methodId: 'milkypay:payment_card_usd_hpp' }, origin: SHOP });
          }
        });
        mismatched = await compareWithSimulator(proxyUrl, simulatorUrl, sessions);
        if (mismatched.length === 0) {
          converged = true;
          break;
        }
        await sleep(1000);
      }

      // Every final state known to the proxy reaches the merchant at least once.
      const finals = await finalPayments(proxyUrl, sessions);
      let undelivered: string[] = [];
      while (Date.now() < deadline) {
        undelivered = finals.filter((payment) => !delivered.some((event) => event.data.payment.id === payment.id && event.data.payment.status === payment.status)).map((payment) => payment.id);
        if (undelivered.length === 0) break;
        await sleep(500);
      }
      const paidOrders = finals.filter((payment) => payment.status === 'succeeded').length;
      const problems = [...mismatched.slice(0, 5), ...undelivered.slice(0, 5).map((id) => `${id}: no webhook delivered`)];
      if (badSignatures > 0) problems.push(`${badSignatures} webhooks with a bad signature`);
      return {
        scenario: 'Crash',
        load: `${options.payments} payments in flight (creates slowed by 150 ms, ${killedAt.decided} decided before the kill; in the database then: ${killedAt.summary}); proxy killed with SIGKILL and restarted on the same database`,
        figures: `${options.payments - mismatched.length} of ${options.payments} orders in the simulator's final state (${paidOrders} paid), ${finals.length - undelivered.length} of ${finals.length} final states delivered by webhook (${delivered.length} deliveries, at least once)`,
        passed: converged && undelivered.length === 0 && badSignatures === 0,
        problems,
      };
    } finally {
      proxy?.kill('SIGKILL');
      log.end();
      await Promise.all([simulator, receiver].map((server) => new Promise((done) => server.close(done))));
    }
  });
}

interface StoredPayment {
  id: string;
  status: string;
}

async function paymentsByOrder(proxyUrl: string, orders: number): Promise<StoredPayment[][]> {
  return inBatches(Array.from({ length: orders }), 10, async (_, i) => {
    const answer: Answer = await merchant(proxyUrl, 'GET', `/api/payments?orderId=crash-${i}`, undefined, {}, MERCHANT_KEY);
    return answer.body.data as StoredPayment[];
  });
}

async function finalPayments(proxyUrl: string, sessions: unknown[]): Promise<StoredPayment[]> {
  return (await paymentsByOrder(proxyUrl, sessions.length)).flat();
}

/** Orders without a payment, or with one not final or differing from MilkyPay's invoices. */
async function compareWithSimulator(proxyUrl: string, simulatorUrl: string, sessions: unknown[]): Promise<string[]> {
  const problems: string[] = [];
  for (const [i, payments] of (await paymentsByOrder(proxyUrl, sessions.length)).entries()) {
    if (payments.length === 0) problems.push(`order crash-${i}: no payment`);
    for (const payment of payments) {
      const invoices = await milkyPayInvoices(simulatorUrl, payment.id, `${credentials.apiUser}:${credentials.apiPassword}`);
      const truth = invoices.some((invoice) => invoice.status === 'processed') ? 'succeeded' : invoices.every((invoice) => invoice.status === 'process_failed') ? 'failed' : 'open';
      if (payment.status !== truth) {
        problems.push(`order crash-${i} ${payment.id}: ours ${payment.status}, simulator ${truth}`);
        break;
      }
    }
  }
  return problems;
}

async function startProxyProcess(env: Record<string, string>, log: NodeJS.WritableStream, proxyUrl: string): Promise<ChildProcess> {
  const root = resolve(import.meta.dirname, '../../..');
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: root, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  for (let i = 0; i < 200; i++) {
    if (await fetch(`${proxyUrl}/healthz`).then((r) => r.ok, () => false)) return child;
    if (child.exitCode !== null) throw new Error(`the proxy exited with ${child.exitCode}; see its log`);
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error('the proxy did not start within 20 s');
}

/** What the killed proxy's database held: payments by status. */
function statusesAtKill(path: string): { summary: string } {
  const db = new Database(path, { readonly: true });
  try {
    const rows = db.prepare('SELECT status, COUNT(*) AS count FROM payments GROUP BY status ORDER BY status').all() as { status: string; count: number }[];
    return { summary: rows.map((row) => `${row.count} ${row.status}`).join(', ') || 'no payments' };
  } finally {
    db.close();
  }
}

/** A loopback port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = await listen(createServer());
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

function listen(server: Server): Promise<Server> {
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}
