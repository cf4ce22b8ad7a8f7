import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { SqliteStore } from './sqlite-store.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('SQLite', async () => SqliteStore.open(':memory:'));

it('applies migrations once and keeps data across reopening', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'pay-checkout-db-')), 'checkout.db');
  const first = SqliteStore.open(path);
  await first.createSession({
    id: 'ses_keep', orderId: 'o1', amount: 100, currency: 'USD', returnUrl: 'https://shop.example/r', locale: 'en', captureMethod: 'automatic',
    createdAt: new Date().toISOString(), expiresAt: new Date().toISOString(),
  });
  await first.close();
  const second = SqliteStore.open(path);
  expect((await second.getSession('ses_keep'))?.orderId).toBe('o1');
  await second.close();
});

it('keeps provider state across reopening', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'pay-checkout-db-')), 'checkout.db');
  const first = SqliteStore.open(path);
  await first.saveProviderState('paymenthub:tokens', '{"refreshToken":"r2"}');
  await first.close();
  const second = SqliteStore.open(path);
  expect(await second.getProviderState('paymenthub:tokens')).toBe('{"refreshToken":"r2"}');
  await second.close();
});
