import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../testing/postgres-cluster.js';
import { testPostgres } from '../testing/postgres-database.js';
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
  const openWithAdmin = async () => {
    const database = await createTestDatabase(serverUrl);
    cleanups.push(() => database.drop());
    const store = await PostgresStore.open(database.url, { poolSize: 3 });
    cleanups.push(() => store.close());
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    cleanups.push(() => admin.end());
    const name = new URL(database.url).pathname.slice(1);
    const terminate = () => admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
    const refuse = async (refused: boolean) => {
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS ${refused ? 'false' : 'true'}`);
      if (refused) await terminate();
    };
    return { store, terminate, refuse };
  };

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

    it('answers storage_unavailable for calls cut off by a terminated connection, a lock holder\'s included', async () => {
      const { store, terminate } = await openWithAdmin();
      await store.createSession(session);
      await store.createPayment(payment);
      const held = store.withLock('refund', async () => {
        await store.getPayment(payment.id);
        await terminate();
        // The holder's connection is gone, and its lock with it: the holder is told, in the store's words.
        return store.getPayment(payment.id);
      });
      await expect(held).rejects.toMatchObject({ code: 'storage_unavailable' });
      // Idle pooled connections died too; the pool replaces them by itself.
      for (let attempt = 0; attempt < 3; attempt++) {
        const read = await store.getPayment(payment.id).catch((error: unknown) => error);
        if (!(read instanceof Error)) break;
        expect(read).toMatchObject({ code: 'storage_unavailable' });
      }
      expect(await store.getPayment(payment.id)).toMatchObject({ id: payment.id });
    });
  });
}
