import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.js';
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

it('applies a missing lower version merged after a higher one was applied', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'pay-checkout-db-')), 'checkout.db');
  (await SqliteStore.open(path).close());
  // Pretend the database predates a version-2 migration that another branch adds later.
  const late = { version: 2, name: 'late test table', sql: 'CREATE TABLE late_merged (id TEXT PRIMARY KEY)' };
  (MIGRATIONS as unknown as typeof late[]).push(late);
  try {
    const reopened = SqliteStore.open(path);
    await reopened.close();
  } finally {
    (MIGRATIONS as unknown as typeof late[]).pop();
  }
  const db = new Database(path, { readonly: true });
  const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all().map((row) => (row as { version: number }).version);
  const table = db.prepare("SELECT name FROM sqlite_master WHERE name = 'late_merged'").get();
  db.close();
  expect(versions).toEqual([...new Set([...MIGRATIONS.map((m) => m.version), 2])].sort((a, b) => a - b));
  expect(table).toEqual({ name: 'late_merged' });
});
