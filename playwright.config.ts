import { defineConfig } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, findChromium } from './e2e/find-chromium.js';

const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://localhost:${port}`;
// Workers inherit this environment, so the specs can call the merchant API as the shop's backend does.
process.env.E2E_MERCHANT_API_KEY ??= `sk_e2e_${randomBytes(16).toString('hex')}`;

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [['list']],
  outputDir: 'test-results/e2e',
  use: {
    baseURL,
    browserName: 'chromium',
    headless: true,
    launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  webServer: {
    command: 'npx vite build --logLevel warn && npx vite build --mode card-entry --logLevel warn && npx tsx server/main.ts',
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: baseURL,
      // The demo shop, and a merchant page on another (loopback) origin that e2e/embed.spec.ts serves.
      ALLOWED_ORIGINS: `${baseURL},http://127.0.0.1:${port + 1}`,
      SANDBOX: 'true',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'pay-checkout-e2e-')),
      LOG_LEVEL: 'warn',
      MERCHANT_API_KEY: process.env.E2E_MERCHANT_API_KEY,
    },
  },
});
