import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Router } from 'express';
import { createDemoRouter } from '../demo/server.js';
import { createApp } from './app.js';
import { loadConfig, type Config, type Env } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { shutDownGracefully } from './operations/graceful-shutdown.js';
import type { Readiness } from './operations/readiness.js';
import { Reconciler } from './payments/reconciler.js';
import { readSdkRelease } from './routes/sdk.js';
import type { PaymentService } from './payments/payment-service.js';
import { PROVIDER_MODULES, ProviderRegistry, type ProviderSetup } from './providers/registry.js';
import type { PaymentProvider, ProviderId } from './providers/provider.js';
import { createSessionTokens } from './sessions/session-token.js';
import { loadSigningKey } from './sessions/signing-key.js';
import { PostgresStore } from './store/postgres-store.js';
import { SqliteStore } from './store/sqlite-store.js';
import type { Store } from './store/store.js';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher.js';

/**
 * The proxy assembled from its configuration, in the two shapes the package offers: a router a
 * merchant mounts in their own Express app (`createCheckoutRouter`), and the standalone server
 * `npm start` runs (`startCheckoutServer`). Both validate the same variables as the environment.
 */

/** An Express app holding the whole proxy, mountable with `app.use('/pay', router)`; `close()` stops its background work and database. */
export type CheckoutRouter = ReturnType<typeof createApp>['app'] & {
  close(): Promise<void>;
  readonly payments: PaymentService;
};

export interface CheckoutServer {
  server: Server;
  /** The public URL the proxy answers at. */
  url: string;
  /** Graceful shutdown; resolves false when in-flight work had to be cut off. */
  close(): Promise<boolean>;
}

/** The package's root: the first folder upwards with a package.json (the repository, or the installed package). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** The single-file SDK build the proxy serves at /sdk. */
export const SDK_DIR = join(packageRoot(), 'dist', 'sdk');
/** The card-entry frame's build, served from the proxy's origin. */
export const CARD_ENTRY_DIR = join(packageRoot(), 'dist', 'card-entry');

interface Assembled {
  config: Config;
  logger: Logger;
  app: ReturnType<typeof createApp>['app'];
  payments: PaymentService;
  store: Store;
  readiness: Readiness;
  /** Stops the background work (reconciler, webhook dispatcher); the store stays open. */
  stopWorkers: (() => Promise<void>)[];
  close(): Promise<void>;
}

async function assemble(options: {
  config: Config;
  logger: Logger;
  /** Where the proxy reaches its own mounted simulators, server to server. */
  internalUrl: string;
  /** Mount the demo shop at / when every provider is a simulator. */
  demo: boolean;
}): Promise<Assembled> {
  const { config, logger, internalUrl } = options;
  const store = await openStore(config, logger);
  const tokens = createSessionTokens(await loadSigningKey({ jwk: config.sessionSigningJwk, dataDir: config.dataDir }), config.publicUrl);
  const merchantApiKey = config.merchantApiKey ?? (await generatedMerchantKey(config.dataDir, logger));

  const setups = PROVIDER_MODULES.map((module) => [module.id, module.setup({ config, logger, internalUrl, store })] as const).filter(
    (entry): entry is readonly [ProviderId, ProviderSetup] => entry[1] !== undefined,
  );
  if (setups.length === 0) {
    await store.close();
    throw new Error("no provider is configured: set a provider's credentials, or SANDBOX=true to use the simulators");
  }
  const providers = new ProviderRegistry(setups.map(([, setup]): PaymentProvider => setup.provider));
  const simulators = Object.fromEntries(
    setups.flatMap(([id, setup]): [ProviderId, Router][] => (setup.simulator ? [[id, setup.simulator]] : [])),
  );
  warnOfCredentialsWithoutAdapter(config, logger);

  // The demo shop creates sessions with the merchant key for anyone who opens it, so it runs only
  // when every provider is a simulator: credentials for any provider (served or not yet) turn it off.
  const real = [...new Set([...Object.keys(config.providers), ...setups.filter(([, setup]) => !setup.simulator).map(([id]) => id)])];
  const demoOffReason = !options.demo
    ? undefined
    : !config.sandbox
      ? 'SANDBOX is false'
      : real.length > 0
        ? `real credentials are set for ${real.join(', ')}, and the demo creates sessions with the merchant key for any visitor`
        : undefined;
  if (demoOffReason) logger.info({ realProviders: real }, `demo shop is off: ${demoOffReason}`);
  const simulated = Object.keys(simulators);
  if (real.length > 0 && simulated.length > 0) {
    logger.warn(
      { realProviders: real, simulated },
      `SANDBOX=true beside real credentials: payments through ${simulated.join(', ')} are simulated and move no money, yet are reported as paid; set SANDBOX=false in production`,
    );
  }
  const withDemo = options.demo && !demoOffReason;

  const { app, payments, readiness } = createApp({
    config,
    store,
    tokens,
    providers,
    logger,
    merchantApiKey,
    sdkDir: SDK_DIR,
    cardEntryDir: CARD_ENTRY_DIR,
    simulators,
    site: withDemo
      ? createDemoRouter({ apiUrl: internalUrl, merchantApiKey, publicUrl: config.publicUrl, sdkRelease: () => readSdkRelease(SDK_DIR), logger })
      : undefined,
  });
  logger.info(
    { providers: providers.ids, simulated, allowedOrigins: config.allowedOrigins },
    `pay-checkout ready at ${config.publicUrl}${withDemo ? ' (demo shop at /)' : ''}`,
  );

  const intervalMs = config.reconcileIntervalSeconds * 1000;
  const reconciler = new Reconciler({ store, payments, logger }, { intervalMs, quietForMs: intervalMs, batchSize: 50 });
  reconciler.start();
  // Undelivered webhooks, this run's and any left by a previous one, go out until acknowledged.
  const dispatcher = config.merchantWebhook ? new WebhookDispatcher({ store, logger }, config.merchantWebhook) : undefined;
  dispatcher?.start();
  const stopWorkers = [() => reconciler.stop(), async () => dispatcher?.stop()];
  return {
    config,
    logger,
    app,
    payments,
    store,
    readiness,
    stopWorkers,
    close: async () => {
      await Promise.all(stopWorkers.map((stop) => stop()));
      await store.close();
    },
  };
}

/**
 * The proxy as an Express app to mount in a merchant's own server:
 *
 * ```ts
 * app.use('/pay', await createCheckoutRouter({ PUBLIC_URL: 'https://shop.example/pay', ... }));
 * ```
 *
 * `config` takes the same variables as the environment (see .env.example); `PUBLIC_URL` must
 * include the mount path, and the element then needs `endpoint` set to it. In sandbox mode the
 * simulators are mounted too and reached through `PUBLIC_URL`. PORT and HOST are not used.
 */
export async function createCheckoutRouter(config: Env, options: { logger?: Logger } = {}): Promise<CheckoutRouter> {
  const parsed = loadConfig(config);
  const logger = options.logger ?? createLogger({ level: parsed.logLevel });
  const assembled = await assemble({ config: parsed, logger, internalUrl: parsed.publicUrl, demo: false });
  return Object.assign(assembled.app, { close: assembled.close, payments: assembled.payments });
}

/**
 * The standalone proxy (what `npm start` and the package's `pay-checkout` command run): listens
 * on PORT and HOST, with the demo shop at / while every provider is a simulator.
 */
export async function startCheckoutServer(env: Env, options: { logger?: Logger } = {}): Promise<CheckoutServer> {
  const config = loadConfig(env);
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const internalHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const internalUrl = `http://${internalHost.includes(':') ? `[${internalHost}]` : internalHost}:${config.port}`;
  const assembled = await assemble({ config, logger, internalUrl, demo: true });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = assembled.app.listen(config.port, config.host, () => resolve(listening));
    listening.once('error', reject);
  });
  logger.info(`pay-checkout listening on ${config.publicUrl}`);
  return {
    server,
    url: config.publicUrl,
    // Stops accepting, finishes in-flight requests, stops the workers, then closes the store.
    close: () =>
      shutDownGracefully({
        server,
        drain: () => assembled.readiness.drain(),
        stopWorkers: assembled.stopWorkers,
        closeStore: () => assembled.store.close(),
        logger,
      }),
  };
}

/** Credentials for a provider whose adapter is not in this build would otherwise be ignored without a word. */
function warnOfCredentialsWithoutAdapter(config: Config, logger: Logger): void {
  const served = new Set<string>(PROVIDER_MODULES.map((module) => module.id));
  for (const id of Object.keys(config.providers).filter((id) => !served.has(id))) {
    logger.warn({ provider: id }, `${id.toUpperCase()}_* credentials are set, but this build has no ${id} adapter yet; they are not used`);
  }
}

async function openStore(config: Config, logger: Logger): Promise<Store> {
  if (config.databaseUrl.startsWith('sqlite:')) return SqliteStore.open(config.databaseUrl.slice('sqlite:'.length), { logger });
  return PostgresStore.open(config.databaseUrl, { logger });
}

/** Without MERCHANT_API_KEY (allowed unless SANDBOX=false), a random key is generated once and kept beside the database. */
async function generatedMerchantKey(dataDir: string, logger: Logger): Promise<string> {
  const path = join(dataDir, 'merchant-api-key');
  const existing = await readFile(path, 'utf8').catch(() => undefined);
  if (existing?.trim()) return existing.trim();
  const key = `sk_generated_${randomBytes(24).toString('hex')}`;
  await mkdir(dataDir, { recursive: true });
  await writeFile(path, key, { mode: 0o600 });
  logger.info({ path }, 'generated a merchant API key (set MERCHANT_API_KEY to choose your own)');
  return key;
}
