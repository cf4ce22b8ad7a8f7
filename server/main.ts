import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDemoRouter } from '../demo/server.js';
import { createApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { shutDownGracefully } from './operations/graceful-shutdown.js';
import { Reconciler } from './payments/reconciler.js';
import { PROVIDER_MODULES, ProviderRegistry, type ProviderSetup } from './providers/registry.js';
import type { PaymentProvider, ProviderId } from './providers/provider.js';
import type { Router } from 'express';
import { createSessionTokens } from './sessions/session-token.js';
import { loadSigningKey } from './sessions/signing-key.js';
import { PostgresStore } from './store/postgres-store.js';
import { SqliteStore } from './store/sqlite-store.js';
import type { Store } from './store/store.js';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ level: process.env.LOG_LEVEL });
  const store = await openStore(config, logger);
  const tokens = createSessionTokens(await loadSigningKey({ jwk: config.sessionSigningJwk, dataDir: config.dataDir }), config.publicUrl);
  const merchantApiKey = config.merchantApiKey ?? (await sandboxMerchantKey(config.dataDir, logger));

  const internalHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const internalUrl = `http://${internalHost.includes(':') ? `[${internalHost}]` : internalHost}:${config.port}`;
  const setups = PROVIDER_MODULES.map((module) => [module.id, module.setup({ config, logger, internalUrl, store })] as const).filter(
    (entry): entry is readonly [ProviderId, ProviderSetup] => entry[1] !== undefined,
  );
  if (setups.length === 0) {
    console.error('No provider is configured: set a provider\'s credentials, or SANDBOX=true to use the simulators.');
    process.exit(1);
  }
  const providers = new ProviderRegistry(setups.map(([, setup]): PaymentProvider => setup.provider));
  const simulators = Object.fromEntries(
    setups.flatMap(([id, setup]): [ProviderId, Router][] => (setup.simulator ? [[id, setup.simulator]] : [])),
  );
  warnOfCredentialsWithoutAdapter(config, logger);

  // The demo shop creates sessions with the merchant key for anyone who opens it, so it runs only
  // when every provider is a simulator: credentials for any provider (served or not yet) turn it off.
  const real = [...new Set([...Object.keys(config.providers), ...setups.filter(([, setup]) => !setup.simulator).map(([id]) => id)])];
  const demoOffReason = !config.sandbox
    ? 'SANDBOX is false'
    : real.length > 0
      ? `real credentials are set for ${real.join(', ')}, and the demo creates sessions with the merchant key for any visitor`
      : undefined;
  if (demoOffReason) logger.info({ realProviders: real }, `demo shop is off: ${demoOffReason}`);

  const { app, payments, readiness } = createApp({
    config,
    store,
    tokens,
    providers,
    logger,
    merchantApiKey,
    sdkDir: join(root, 'dist', 'sdk'),
    cardEntryDir: join(root, 'dist', 'card-entry'),
    simulators,
    site: demoOffReason ? undefined : createDemoRouter({ apiUrl: internalUrl, merchantApiKey, publicUrl: config.publicUrl }),
  });

  const server = app.listen(config.port, config.host, () => {
    logger.info(
      { providers: providers.ids, simulated: Object.keys(simulators), allowedOrigins: config.allowedOrigins },
      `pay-checkout listening on ${config.publicUrl}${demoOffReason ? '' : ' (demo shop at /)'}`,
    );
  });

  const intervalMs = config.reconcileIntervalSeconds * 1000;
  const reconciler = new Reconciler({ store, payments, logger }, { intervalMs, quietForMs: intervalMs, batchSize: 50 });
  reconciler.start();
  // Undelivered webhooks, this run's and any left by a previous one, go out until acknowledged.
  const dispatcher = config.merchantWebhook ? new WebhookDispatcher({ store, logger }, config.merchantWebhook) : undefined;
  dispatcher?.start();

  let stopping: Promise<void> | undefined;
  const shutdown = (signal: string) => {
    stopping ??= (async () => {
      logger.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
      const clean = await shutDownGracefully({
        server,
        drain: () => readiness.drain(),
        stopWorkers: [() => reconciler.stop(), async () => dispatcher?.stop()],
        closeStore: () => store.close(),
        logger,
      });
      logger.info({ clean }, 'stopped');
      process.exit(clean ? 0 : 1);
    })();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/** Credentials for a provider whose adapter is not in this build would otherwise be ignored without a word. */
function warnOfCredentialsWithoutAdapter(config: Config, logger: Logger): void {
  const served = new Set<string>(PROVIDER_MODULES.map((module) => module.id));
  for (const id of Object.keys(config.providers).filter((id) => !served.has(id))) {
    logger.warn({ provider: id }, `${id.toUpperCase()}_* credentials are set, but this build has no ${id} adapter yet; they are not used`);
  }
}

async function openStore(config: Config, logger: Logger): Promise<Store> {
  if (config.databaseUrl.startsWith('sqlite:')) return SqliteStore.open(config.databaseUrl.slice('sqlite:'.length));
  return PostgresStore.open(config.databaseUrl, { logger });
}

/** In sandbox mode without MERCHANT_API_KEY, a random key is generated once and kept beside the database. */
async function sandboxMerchantKey(dataDir: string, logger: Logger): Promise<string> {
  const path = join(dataDir, 'merchant-api-key');
  const existing = await readFile(path, 'utf8').catch(() => undefined);
  if (existing?.trim()) return existing.trim();
  const key = `sk_sandbox_${randomBytes(24).toString('hex')}`;
  await mkdir(dataDir, { recursive: true });
  await writeFile(path, key, { mode: 0o600 });
  logger.info({ path }, 'generated a sandbox merchant API key (set MERCHANT_API_KEY to choose your own)');
  return key;
}

// A start-up failure (a bad SESSION_SIGNING_JWK, an unreadable DATA_DIR...) is an operator's problem: one line, no stack.
main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`pay-checkout failed to start: ${message.replace(/\s*\n\s*/g, ' ')}`);
  process.exit(1);
});
