import express from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../app.js';
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import type { PaymentService } from '../payments/payment-service.js';
import type { DestinationStream } from 'pino';
import { createDirectCardProvider } from '../providers/directcard/adapter.js';
import { createDirectCardSimulator, type DirectCardSimulatorFaults } from '../providers/directcard/simulator.js';
import { createHankoPayProvider } from '../providers/hankopay/adapter.js';
import { createHankoPaySimulator } from '../providers/hankopay/simulator.js';
import { createHpayProvider } from '../providers/hpay/adapter.js';
import { createHpaySimulator, type HpaySimulator } from '../providers/hpay/simulator.js';
import { createMilkyPayProvider } from '../providers/milkypay/adapter.js';
import { createMilkyPaySimulator, type MilkyPaySimulatorFaults } from '../providers/milkypay/simulator.js';
import { createPaymentHubProvider } from '../providers/paymenthub/adapter.js';
import { createPaymentHubSimulator, type PaymentHubSimulator } from '../providers/paymenthub/simulator.js';
import { PAYMENTHUB_TOKEN_LOCK, StorePaymentHubTokenStore } from '../providers/paymenthub/token-store.js';
import { ProviderRegistry } from '../providers/registry.js';
import { createSessionTokens, type SessionTokenIssuer } from '../sessions/session-token.js';
import { loadSigningKey, type SigningKey } from '../sessions/signing-key.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { SimulatorFaults } from '../providers/simulator-faults.js';

export const MERCHANT_KEY = 'sk_test_harness_merchant_key';
export const SHOP_ORIGIN = 'https://shop.example';
export const OTHER_SHOP_ORIGIN = 'https://other-shop.example';
/** The HPAY simulator's account, for tests that read its history as the merchant would. */
export const HPAY_KEYS = { apiKey: 'hpay_key_harness', publicKey: 'hpay_public_harness', secretKey: 'hpay_secret_harness', mode: 'TEST' as const };

export interface ProxyHarness {
  url: string;
  simulatorUrl: string;
  directcardUrl: string;
  hankopayUrl: string;
  hpayUrl: string;
  paymenthubUrl: string;
  /** The Payment Hub simulator, for its call counts, webhooks and gateways. */
  paymenthub: PaymentHubSimulator;
  /** The HPAY simulator, for its call counts. */
  hpay: HpaySimulator;
  store: SqliteStore;
  /** The proxy's payment service, for a reconciler of the test's own. */
  payments: PaymentService;
  tokens: SessionTokenIssuer;
  signingKey: SigningKey;
  faults: MilkyPaySimulatorFaults;
  directcardFaults: DirectCardSimulatorFaults;
  /** Requests the simulator received, by "METHOD /path". */
  simulatorCalls: Map<string, number>;
  /** Configured faults of each simulator, none at first; tests change their settings. */
  simulatorFaults: Record<'milkypay' | 'paymenthub' | 'directcard' | 'hankopay' | 'hpay', SimulatorFaults>;
  /** Requests every simulator received, by "provider METHOD /path". */
  providerCalls: Map<string, number>;
  close(): Promise<void>;
}

/**
 * The proxy and the MilkyPay simulator, each on its own ephemeral loopback port, wired as in
 * production: the adapter talks HTTP to the simulator and the simulator posts callbacks over HTTP.
 */
export async function startProxy(
  options: {
    logs?: DestinationStream;
    dbPath?: string;
    /** How long the store waits for another connection's lock; the store's default otherwise. */
    busyTimeoutMs?: number;
    merchantWebhook?: { url: string; secret: string };
    /** More configuration, e.g. RATE_LIMIT_PER_IP. */
    env?: Record<string, string>;
    paymenthubRefundSettleMs?: number;
    paymenthubAdapterRefreshToken?: string;
    /** The built widget to serve at /sdk; none by default. */
    sdkDir?: string;
  } = {},
): Promise<ProxyHarness> {
  const simulatorServer = await listen(createServer());
  const simulatorUrl = `http://127.0.0.1:${port(simulatorServer)}`;
  const directcardServer = await listen(createServer());
  const directcardUrl = `http://127.0.0.1:${port(directcardServer)}`;
  const hankopayServer = await listen(createServer());
  const hankopayUrl = `http://127.0.0.1:${port(hankopayServer)}`;
  const hpayServer = await listen(createServer());
  const hpayUrl = `http://127.0.0.1:${port(hpayServer)}`;
  const paymenthubServer = await listen(createServer());
  const paymenthubUrl = `http://127.0.0.1:${port(paymenthubServer)}`;
  const proxyServer = await listen(createServer());
  const url = `http://127.0.0.1:${port(proxyServer)}`;

  const credentials = { publicKey: 'pk_test_harness', apiUser: 'harness', apiPassword: 'harness-password' };
  const faults: MilkyPaySimulatorFaults = {};
  const simulatorCalls = new Map<string, number>();
  const providerCalls = new Map<string, number>();
  const simulatorFaults = { milkypay: new SimulatorFaults(), paymenthub: new SimulatorFaults(), directcard: new SimulatorFaults(), hankopay: new SimulatorFaults(), hpay: new SimulatorFaults() };
  const countCalls = (provider: string) => (req: express.Request, _res: express.Response, next: express.NextFunction) => {
    const key = `${provider} ${req.method} ${req.path}`;
    providerCalls.set(key, (providerCalls.get(key) ?? 0) + 1);
    next();
  };
  const simulatorApp = express();
  simulatorApp.use(countCalls('milkypay'));
  simulatorApp.use((req, _res, next) => {
    const key = `${req.method} ${req.path}`;
    simulatorCalls.set(key, (simulatorCalls.get(key) ?? 0) + 1);
    next();
  });
  simulatorApp.use(createMilkyPaySimulator({ ...credentials, publicUrl: simulatorUrl, faults, callbackRetryDelayMs: 20, faultInjection: simulatorFaults.milkypay }));
  simulatorServer.on('request', simulatorApp);

  const directcardCredentials = { apiKey: 'dc_test_harness', apiSecret: 'harness-secret' };
  const logger = options.logs ? createLogger({ level: 'debug', destination: options.logs }) : createLogger({ level: 'silent' });
  const directcardFaults: DirectCardSimulatorFaults = {};
  const directcardApp = express();
  directcardApp.use(countCalls('directcard'));
  directcardApp.use(createDirectCardSimulator({ ...directcardCredentials, publicUrl: directcardUrl, logger, faults: directcardFaults, faultInjection: simulatorFaults.directcard }));
  directcardServer.on('request', directcardApp);

  const hankopayKey = 'hk_test_harness';
  hankopayServer.on('request', express().use(countCalls('hankopay')).use(createHankoPaySimulator({ apiKey: hankopayKey, publicUrl: hankopayUrl, logger, faultInjection: simulatorFaults.hankopay })));
  const hpayKeys = HPAY_KEYS;
  const hpay = createHpaySimulator({ ...hpayKeys, currency: 'CAD', publicUrl: hpayUrl, logger, faultInjection: simulatorFaults.hpay });
  hpayServer.on('request', express().use(countCalls('hpay')).use(hpay));

  const paymenthubRefreshToken = 'ph_refresh_harness';
  const paymenthub = createPaymentHubSimulator({ refreshToken: paymenthubRefreshToken, publicUrl: paymenthubUrl, logger, refundSettleMs: options.paymenthubRefundSettleMs ?? 150, faultInjection: simulatorFaults.paymenthub });
  paymenthubServer.on('request', express().use(paymenthub));

  const dataDir = mkdtempSync(join(tmpdir(), 'pay-checkout-it-'));
  const config = loadConfig({ PUBLIC_URL: url, ALLOWED_ORIGINS: `${SHOP_ORIGIN},${OTHER_SHOP_ORIGIN}`, MERCHANT_API_KEY: MERCHANT_KEY, DATA_DIR: dataDir,
    MERCHANT_WEBHOOK_URL: options.merchantWebhook?.url, MERCHANT_WEBHOOK_SECRET: options.merchantWebhook?.secret, ...options.env });
  const store = SqliteStore.open(options.dbPath ?? ':memory:', { busyTimeoutMs: options.busyTimeoutMs });
  const signingKey = await loadSigningKey({ dataDir });
  const tokens = createSessionTokens(signingKey, config.publicUrl);
  const providers = new ProviderRegistry([
    createMilkyPayProvider({ baseUrl: simulatorUrl, ...credentials }),
    createDirectCardProvider({ baseUrl: directcardUrl, ...directcardCredentials }),
    createHankoPayProvider({ baseUrl: hankopayUrl, apiKey: hankopayKey, paymentLinkAction: 'iframe' }),
    createHpayProvider({ baseUrl: hpayUrl, ...hpayKeys }),
    createPaymentHubProvider({
      baseUrl: paymenthubUrl,
      refreshToken: options.paymenthubAdapterRefreshToken ?? paymenthubRefreshToken,
      onCredentialsRefused: (message) => logger.error({ provider: 'paymenthub' }, `Payment Hub credentials refused: ${message}`),
      tokenStore: new StorePaymentHubTokenStore(store),
      lock: (fn) => store.withLock(PAYMENTHUB_TOKEN_LOCK, fn),
    }),
  ]);
  const { app, payments } = createApp({ config, store, tokens, providers, logger, merchantApiKey: MERCHANT_KEY, sdkDir: options.sdkDir ?? join(dataDir, 'sdk'), cardEntryDir: join(dataDir, 'card-entry') });
  proxyServer.on('request', app);

  return {
    url,
    simulatorUrl,
    directcardUrl,
    hankopayUrl,
    hpayUrl,
    hpay,
    paymenthubUrl,
    paymenthub,
    store,
    payments,
    tokens,
    signingKey,
    faults,
    directcardFaults,
    simulatorCalls,
    providerCalls,
    simulatorFaults,
    async close() {
      await Promise.all([proxyServer, simulatorServer, directcardServer, hankopayServer, hpayServer, paymenthubServer].map(close));
      await store.close();
    },
  };
}

function listen(server: Server): Promise<Server> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function port(server: Server): number {
  return (server.address() as AddressInfo).port;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
