import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { testPostgres } from '../testing/postgres-database.js';
import { openStoreWithAdmin } from '../testing/postgres-outage.js';
import { PostgresStore } from './postgres-store.js';

const { url: serverUrl, problem } = testPostgres();

if (!serverUrl) {
  it('runs the PostgreSQL outage tests', () => {
    throw new Error(problem);
  });
} else {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  /** A store on a fresh database, and the server's superuser to cut it off with. */
  const openWithAdmin = (options: { statementTimeoutMs?: number } = {}) => openStoreWithAdmin(serverUrl, cleanups, options);

  const now = new Date().toISOString();
  const session = { id: 'ses_outage', orderId: 'o', amount: 100, currency: 'USD', returnUrl: 'https://shop.example/r', locale: 'en', captureMethod: 'automatic' as const, createdAt: now, expiresAt: now };
  const payment = { id: 'pay_outage', sessionId: 'ses_outage', orderId: 'o', provider: 'milkypay' as const, methodId: 'milkypay:card', amount: 100, currency: 'USD', status: 'pending' as const };

  describe('PostgreSQL store while the database is unavailable', () => {
    it('answers storage_unavailable (HTTP 503) while the database refuses connections, and works again once it accepts them', async () => {
      const { store, refuse } = await openWithAdmin();
      await store.createSession(session);
      await store.createPayment(payment);
      await refuse(true);
      const calls: [string, () => Promise<unknown>][] = [
        ['a read', () => store.getPayment(payment.id)],
        ['a write', () => store.markChecked(payment.id, now)],
        ['a transaction', () => store.transitionPayment(payment.id, 'pending', 'succeeded', {}, { type: 'status_changed', source: 'callback' })],
        ['a lock', () => store.withLock('refund', async () => 'held')],
        ['a claim', () => store.claimOutbox(now, 10, 1000)],
      ];
      for (const [what, call] of calls) {
        await expect(call(), what).rejects.toMatchObject({ code: 'storage_unavailable', status: 503 });
      }
      await refuse(false);
      expect(await store.transitionPayment(payment.id, 'pending', 'succeeded', {}, { type: 'status_changed', source: 'callback' })).toMatchObject({ status: 'succeeded' });
      expect(await store.withLock('refund', async () => store.getPayment(payment.id))).toMatchObject({ status: 'succeeded' });
    });

    it('gives up on a statement stuck behind another client\'s lock after the statement timeout, but lets a named lock wait for its holder', async () => {
      const { store, url } = await openWithAdmin({ statementTimeoutMs: 300 });
      await store.createSession(session);
      await store.createPayment(payment);
      // Another client (a migration, an operator's maintenance) holds the table.
      const other = new pg.Client({ connectionString: url });
      await other.connect();
      cleanups.push(() => other.end());
      await other.query('BEGIN');
      await other.query('LOCK TABLE payments IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      const outcome = await Promise.race([
        store.getPayment(payment.id).then(
          () => 'answered',
          (error: unknown) => error,
        ),
        new Promise((resolve) => setTimeout(() => resolve('still waiting after 3 s'), 3_000)),
      ]);
      const waitedMs = Date.now() - started;
      await other.query('ROLLBACK');
      expect(outcome).toMatchObject({ code: 'storage_unavailable' });
      expect(waitedMs).toBeLessThan(1_500);

      // A refund on another instance holds the payment's lock across its provider call, longer than any statement may take.
      const second = await PostgresStore.open(url, { statementTimeoutMs: 300 });
      cleanups.push(() => second.close());
      const trace: string[] = [];
      await Promise.all([
        store.withLock('payment:pay_outage', async () => {
          trace.push('first');
          await new Promise((resolve) => setTimeout(resolve, 800));
        }),
        new Promise((resolve) => setTimeout(resolve, 100)).then(() => second.withLock('payment:pay_outage', async () => trace.push('second'))),
      ]);
      expect(trace).toEqual(['first', 'second']);
    });

    it('answers a readiness ping while every pooled connection is held by a lock holder', async () => {
      // Refunds of different payments each hold a connection across their provider call: a busy
      // instance is not one whose database is unreachable, and must not be taken out of the balancer.
      const { store } = await openWithAdmin();
      const holders = [1, 2, 3].map((i) => store.withLock(`payment:${i}`, () => new Promise((resolve) => setTimeout(resolve, 1_500))));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const started = Date.now();
      await store.ping();
      const pingMs = Date.now() - started;
      await Promise.all(holders);
      expect(pingMs).toBeLessThan(500);
    });

    it('lets a lock holder whose connection was cut record what happened on another connection, and lock again for real', async () => {
      // As a refund whose provider call succeeded while an operator or a proxy cut the holder's
      // connection: the database is there, and the provider's answer must still be recorded.
      const { store, url } = await openWithAdmin();
      await store.createSession(session);
      await store.createPayment(payment);
      const other = await PostgresStore.open(url);
      cleanups.push(() => other.close());
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      cleanups.push(() => admin.end());
      const trace: string[] = [];
      const held = store.withLock('payment:pay_outage', async () => {
        await store.getPayment(payment.id);
        await admin.query("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND pid <> pg_backend_pid()");
        await new Promise((resolve) => setTimeout(resolve, 50));
        const moved = await store.transitionPayment(payment.id, 'pending', 'succeeded', {}, { type: 'status_changed', source: 'merchant' });
        // A lock taken now is a lock: another instance waits for it.
        await store.withLock('ledger:pay_outage', async () => {
          const waiting = other.withLock('ledger:pay_outage', async () => trace.push('other'));
          await new Promise((resolve) => setTimeout(resolve, 100));
          trace.push('inner');
          void waiting;
        });
        return moved;
      });
      expect(await held).toMatchObject({ status: 'succeeded' });
      await other.withLock('ledger:pay_outage', async () => undefined);
      expect(trace).toEqual(['inner', 'other']);
    });
  });
}
