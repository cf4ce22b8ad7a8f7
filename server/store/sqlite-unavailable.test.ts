/**
 * A SQLite database that cannot serve right now (another process holding its lock, a full or
 * failing disk, a file that became read-only) is an outage: 503 storage_unavailable, as with
 * PostgreSQL, never a 500. What the statement itself got wrong (a constraint) stays as it is.
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { merchantCall } from '../testing/api-calls.js';
import { startProxy } from '../testing/proxy-harness.js';
import { isSqliteUnavailable } from './sqlite-unavailable.js';
import { SqliteStore } from './sqlite-store.js';

const now = new Date().toISOString();
const session = (id: string) => ({ id, orderId: `order_${id}`, amount: 100, currency: 'USD', returnUrl: 'https://shop.example/r', locale: 'en', captureMethod: 'automatic' as const, createdAt: now, expiresAt: now });
const payment = { id: 'pay_busy', sessionId: 'ses_busy', orderId: 'order_ses_busy', provider: 'milkypay' as const, methodId: 'milkypay:card', amount: 100, currency: 'USD', status: 'pending' as const, providerRef: 'inv_busy' };

const databasePath = () => join(mkdtempSync(join(tmpdir(), 'pay-checkout-unavailable-')), 'checkout.db');

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A store on a fresh file that waits 50 ms for a lock, and a second connection to it, as an operator's sqlite3 shell. */
async function storeWithOperator(): Promise<{ store: SqliteStore; operator: Database.Database; path: string }> {
  const path = databasePath();
  const store = SqliteStore.open(path, { busyTimeoutMs: 50 });
  cleanups.push(() => store.close());
  await store.createSession(session('ses_busy'));
  await store.createPayment(payment);
  const operator = new Database(path);
  cleanups.push(() => {
    operator.close();
  });
  return { store, operator, path };
}

/** The store's own connection, to make it fail as a full disk or a read-only file would. */
const connectionOf = (store: SqliteStore) => (store as unknown as { db: Database.Database }).db;

describe('SQLite store while the database cannot serve', () => {
  it('answers storage_unavailable while another process holds the write lock beyond busy_timeout, and works again once it is released', async () => {
    const { store, operator } = await storeWithOperator();
    operator.exec('BEGIN IMMEDIATE');
    const writes: [string, () => Promise<unknown>][] = [
      ['a write', () => store.createSession(session('ses_later'))],
      ['a transaction', () => store.transitionPayment(payment.id, 'pending', 'succeeded', {}, { type: 'status_changed', source: 'callback' })],
      ['a creation', () => store.createPayment({ ...payment, id: 'pay_second', providerRef: 'inv_second' })],
      ['a claim', () => store.claimUnsettledPayments('9999-12-31', 10, now)],
      ['an idempotency key', () => store.beginIdempotentRequest('merchant', 'k1', 'hash', now)],
    ];
    for (const [what, call] of writes) {
      await expect(call(), what).rejects.toMatchObject({ code: 'storage_unavailable', status: 503, cause: { code: 'SQLITE_BUSY' } });
    }
    // WAL lets reads go on meanwhile.
    expect(await store.getPayment(payment.id)).toMatchObject({ status: 'pending' });

    operator.exec('ROLLBACK');
    // The failed transactions left nothing behind.
    expect(await store.listPaymentsBySession('ses_busy')).toHaveLength(1);
    expect(await store.listEvents(payment.id)).toHaveLength(1);
    expect(await store.transitionPayment(payment.id, 'pending', 'succeeded', {}, { type: 'status_changed', source: 'callback' })).toMatchObject({ status: 'succeeded' });
    await store.createSession(session('ses_later'));
  });

  it('answers storage_unavailable when the disk is full', async () => {
    const { store } = await storeWithOperator();
    // SQLite's own "database or disk is full" (SQLITE_FULL), as a full disk makes a write fail.
    const db = connectionOf(store);
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    await expect(store.createSession({ ...session('ses_full'), description: 'x'.repeat(20_000) })).rejects.toMatchObject({
      code: 'storage_unavailable',
      cause: { code: 'SQLITE_FULL' },
    });
  });

  it('answers storage_unavailable when the database cannot be written any more', async () => {
    const { store } = await storeWithOperator();
    // "attempt to write a readonly database" (SQLITE_READONLY), as after the volume is remounted read-only.
    connectionOf(store).pragma('query_only = ON');
    await expect(store.markChecked(payment.id, now)).rejects.toMatchObject({ code: 'storage_unavailable', cause: { code: 'SQLITE_READONLY' } });
    expect(await store.getPayment(payment.id)).toMatchObject({ status: 'pending' });
  });

  it('keeps a constraint as it is: it means something, not an outage', async () => {
    const { store } = await storeWithOperator();
    const duplicate = store.createPayment({ ...payment, id: 'pay_same_ref' });
    await expect(duplicate).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_UNIQUE' });
  });

  it("leaves a named lock's own errors to its holder", async () => {
    const { store } = await storeWithOperator();
    const own = new Database.SqliteError('disk I/O error', 'SQLITE_IOERR');
    await expect(store.withLock('refund', () => Promise.reject(own))).rejects.toBe(own);
  });

  it('answers 503 storage_unavailable on the JSON API while another process holds the write lock', async () => {
    const path = databasePath();
    const proxy = await startProxy({ dbPath: path, busyTimeoutMs: 50 });
    cleanups.push(() => proxy.close());
    const operator = new Database(path);
    cleanups.push(() => {
      operator.close();
    });
    const order = { orderId: 'order-busy', amount: '48.00', currency: 'USD', returnUrl: 'https://shop.example/return' };

    operator.exec('BEGIN IMMEDIATE');
    const refused = await merchantCall(proxy.url, 'POST', '/api/sessions', order);
    expect(refused).toMatchObject({ status: 503, body: { error: { code: 'storage_unavailable', message: expect.stringContaining('try again') } } });
    operator.exec('ROLLBACK');
    expect((await merchantCall(proxy.url, 'POST', '/api/sessions', order)).status).toBe(201);
  });
});

describe('isSqliteUnavailable', () => {
  // Failures that cannot be produced for real here (a failing or vanished disk, no memory, a WAL
  // locking race): the classification of better-sqlite3's errors as it reports them.
  it.each(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_IOERR', 'SQLITE_IOERR_WRITE', 'SQLITE_IOERR_FSYNC', 'SQLITE_FULL', 'SQLITE_CANTOPEN', 'SQLITE_NOMEM', 'SQLITE_READONLY_DBMOVED', 'SQLITE_PROTOCOL'])(
    '%s: the database cannot serve right now',
    (code) => {
      expect(isSqliteUnavailable(new Database.SqliteError('failed', code))).toBe(true);
    },
  );

  it.each(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_CHECK', 'SQLITE_ERROR', 'SQLITE_LOCKED', 'SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_MISMATCH', 'SQLITE_TOOBIG'])(
    '%s: the statement or the file is wrong, not unavailable',
    (code) => {
      expect(isSqliteUnavailable(new Database.SqliteError('failed', code))).toBe(false);
    },
  );

  it('reads only better-sqlite3 errors', () => {
    expect(isSqliteUnavailable(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }))).toBe(false);
  });
});
