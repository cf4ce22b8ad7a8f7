import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations.js';
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

/** Runs `work` as a build without migration `version` would: the database it leaves lacks that version. */
async function withoutMigration(version: number, work: () => Promise<void>): Promise<void> {
  const list = MIGRATIONS as Migration[];
  const index = list.findIndex((migration) => migration.version === version);
  if (index < 0) throw new Error(`there is no migration ${version}`);
  const [left] = list.splice(index, 1);
  try {
    await work();
  } finally {
    list.splice(index, 0, left!);
  }
}

it('applies a missing lower version merged after a higher one was applied', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'pay-checkout-db-')), 'checkout.db');
  // A database migrated by a build that had every version but 2 (merged later from another branch).
  await withoutMigration(2, () => SqliteStore.open(path).close());
  await SqliteStore.open(path).close();
  const db = new Database(path, { readonly: true });
  const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all().map((row) => (row as { version: number }).version);
  const table = db.prepare("SELECT name FROM sqlite_master WHERE name = 'provider_state'").get();
  db.close();
  expect(versions).toEqual(MIGRATIONS.map((m) => m.version).sort((a, b) => a - b));
  expect(table).toEqual({ name: 'provider_state' });
});

it('drops the sessions index by order that no query used, keeping the sessions of an older database', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'pay-checkout-db-')), 'checkout.db');
  // A database from the build before version 4.
  await withoutMigration(4, async () => {
    const older = SqliteStore.open(path);
    await older.createSession({
      id: 'ses_old', orderId: 'o1', amount: 100, currency: 'USD', returnUrl: 'https://shop.example/r', locale: 'en', captureMethod: 'automatic',
      createdAt: new Date().toISOString(), expiresAt: new Date().toISOString(),
    });
    await older.close();
  });
  const indexesOfSessions = (db: Database.Database) =>
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'sessions' AND sql IS NOT NULL").all();
  const before = new Database(path, { readonly: true });
  expect(indexesOfSessions(before)).toEqual([{ name: 'sessions_order_id' }]);
  before.close();

  const upgraded = SqliteStore.open(path);
  expect((await upgraded.getSession('ses_old'))?.orderId).toBe('o1');
  await upgraded.close();
  const after = new Database(path, { readonly: true });
  expect(indexesOfSessions(after)).toEqual([]);
  after.close();
});
