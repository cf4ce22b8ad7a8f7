#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { startCheckoutServer } from './checkout-server.js';
import { startupFailureLine } from './startup-failure.js';

/** `npm start` and the package's `pay-checkout` command: the standalone proxy from the environment. */
async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const { close } = await startCheckoutServer(process.env);
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    // Stops accepting, finishes in-flight requests, stops the reconciler and dispatcher, closes the database.
    void close().then((clean) => process.exit(clean ? 0 : 1));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

// A start-up failure (a bad variable, a bad SESSION_SIGNING_JWK, an unreadable DATA_DIR...) is an operator's problem: one line, no stack.
main().catch((error: unknown) => {
  console.error(startupFailureLine(error));
  process.exit(1);
});
