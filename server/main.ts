import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDemoRouter } from '../demo/server.js';
import { createApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { Reconciler } from './payments/reconciler.js';
import { PROVIDER_MODULES, ProviderRegistry, type ProviderSetup } from './providers/registry.js';
import type { PaymentProvider, ProviderId } from './providers/provider.js';
import type { Router } from 'express';
import { createSessionTokens } from './sessions/session-token.js';
import { loadSigningKey } from './sessions/signing-key.js';
import { SqliteStore } from './store/sqlite-store.js';
import type { Store } from './store/store.js';

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
  const store = openStore(config);
  const tokens = createSessionTokens(await loadSigningKey({ jwk: config.sessionSigningJwk, dataDir: config.dataDir }), config.publicUrl);
  const merchantApiKey = config.merchantApiKey ?? (await sandboxMerchantKey(config.dataDir, logger));

  const internalHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const internalUrl = `http://${internalHost.includes(':') ? `[${internalHost}]` : internalHost}:${config.port}`;
  const setups = PROVIDER_MODULES.map((module) => [module.id, module.setup({ config, logger, internalUrl })] as const).filter(
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

  const { app, payments } = createApp({
    config,
    store,
    tokens,
    providers,
    logger,
    merchantApiKey,
    sdkDir: join(root, 'dist', 'sdk'),
    simulators,
    site: config.sandbox ? createDemoRouter({ apiUrl: internalUrl, merchantApiKey, publicUrl: config.publicUrl }) : undefined,
  });

  const server = app.listen(config.port, config.host, () => {
    logger.info(
      { providers: providers.ids, simulated: Object.keys(simulators), allowedOrigins: config.allowedOrigins },
      `pay-checkout listening on ${config.publicUrl}${config.sandbox ? ' (demo shop at /)' : ''}`,
    );
  });

  const reconciler = new Reconciler({ store, payments, logger });
  reconciler.start();

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    server.close(() => {
      void reconciler
        .stop()
        .then(() => store.close())
        .then(() => process.exit(0));
    });
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

function openStore(config: Config): Store {
  if (config.databaseUrl.startsWith('sqlite:')) return SqliteStore.open(config.databaseUrl.slice('sqlite:'.length));
  console.error('DATABASE_URL: postgres:// is not supported yet; use sqlite:<path>.');
  process.exit(1);
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

void main();
