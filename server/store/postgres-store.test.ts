import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase } from '../testing/postgres-cluster.js';
import { testPostgres } from '../testing/postgres-database.js';
import { PostgresStore, toPostgres } from './postgres-store.js';
import { describeStoreContract } from './store-contract.js';

const { url: serverUrl, problem } = testPostgres();

it('turns SQLite\'s auto-increment key into a serial column and leaves the rest alone', () => {
  expect(toPostgres('id INTEGER PRIMARY KEY,\n amount BIGINT NOT NULL')).toBe('id BIGSERIAL PRIMARY KEY,\n amount BIGINT NOT NULL');
});

if (!serverUrl) {
  it('runs the store suite against PostgreSQL', () => {
    throw new Error(problem);
  });
} else {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  /** A store on a database of its own, as SQLite's `:memory:` gives each test. */
  const openFresh = async (): Promise<{ url: string; store: PostgresStore }> => {
    const database = await createTestDatabase(serverUrl);
    const store = await PostgresStore.open(database.url);
    cleanups.push(() => database.drop(), () => store.close());
    return { url: database.url, store };
  };

  /** Another instance on the database at `url`, closed after the tests. */
  const openInstance = async (url: string): Promise<PostgresStore> => {
    const store = await PostgresStore.open(url);
    cleanups.push(() => store.close());
    return store;
  };

  describeStoreContract('PostgreSQL', async () => (await openFresh()).store);

  describe('PostgreSQL store across instances', () => {
    it('applies each migration once when instances start together, and keeps data across reopening', async () => {
      const database = await createTestDatabase(serverUrl);
      cleanups.push(() => database.drop());
      const stores = await Promise.all([1, 2, 3].map(() => PostgresStore.open(database.url)));
      await stores[0]!.saveProviderState('k', 'v');
      await Promise.all(stores.map((store) => store.close()));
      const again = await PostgresStore.open(database.url);
      expect(await again.getProviderState('k')).toBe('v');
      await again.close();
    });

    it('holds a named lock for one instance at a time, and releases it when the holder fails', async () => {
      const { url } = await openFresh();
      const instances = await Promise.all([1, 2, 3].map(() => openInstance(url)));
      let holders = 0;
      let most = 0;
      const hold = (store: PostgresStore, fail: boolean) =>
        store.withLock('token-refresh', async () => {
          most = Math.max(most, ++holders);
          await new Promise((resolve) => setTimeout(resolve, 20));
          holders--;
          if (fail) throw new Error('refresh failed');
          return 'done';
        });
      const results = await Promise.allSettled(instances.flatMap((store, i) => [hold(store, i === 0), hold(store, false)]));
      expect(most).toBe(1);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
      expect(await instances[0]!.withLock('token-refresh', async () => 'free again')).toBe('free again');
    });

    it('runs a lock holder\'s queries on the lock\'s own connection, so nested locks cannot starve a small pool', async () => {
      // As a refund does: the payment's lock, the provider's ledger lock inside it, and reads and
      // writes inside both. Before, each holder kept one connection per lock and queried on a third,
      // so a few holders at once took the whole pool and waited for a connection none would free.
      const database = await createTestDatabase(serverUrl);
      cleanups.push(() => database.drop());
      const store = await PostgresStore.open(database.url, { poolSize: 2 });
      cleanups.push(() => store.close());
      const refund = (i: number) =>
        store.withLock(`payment:${i}`, async () => {
          await store.getProviderState(`ledger:${i}`);
          return store.withLock(`ledger:${i}`, async () => {
            await store.saveProviderState(`ledger:${i}`, `refund ${i}`);
            await new Promise((resolve) => setTimeout(resolve, 20));
            return store.getProviderState(`ledger:${i}`);
          });
        });
      const holders = [1, 2, 3, 4, 5, 6].map(refund);
      // Outside any lock, a caller still gets a connection once a holder is done.
      const outside = store.getProviderState('ledger:1');
      expect(await Promise.all(holders)).toEqual([1, 2, 3, 4, 5, 6].map((i) => `refund ${i}`));
      expect([undefined, 'refund 1']).toContain(await outside);
    });

    it('gives a lock back only after the locks taken inside it, even ones its holder did not wait for', async () => {
      const { url, store } = await openFresh();
      const other = await openInstance(url);
      const trace: string[] = [];
      let inner!: Promise<void>;
      await store.withLock('outer', async () => {
        inner = store.withLock('inner', async () => {
          await new Promise((resolve) => setTimeout(resolve, 30));
          trace.push('inner done');
        });
      });
      trace.push('outer returned');
      await inner;
      expect(trace).toEqual(['inner done', 'outer returned']);
      expect(await other.withLock('inner', async () => 'free')).toBe('free');
      expect(await other.withLock('outer', async () => 'free')).toBe('free');
    });

    it('keeps its connection out of the pool until a lock taken inside it late is released, even one asked for after its holder returned', async () => {
      // A callback of the holder's (here: after one of its reads) asks for a lock once the holder
      // has returned: that lock still runs on the holder's connection, which must not be back in
      // the pool, where another caller's queries and transactions would share a connection holding it.
      const { url, store } = await openFresh();
      const other = await openInstance(url);
      const trace: string[] = [];
      let late!: Promise<void>;
      const lateAsked = new Promise<void>((resolve) => {
        void store.withLock('outer', async () => {
          void store.getProviderState('anything').then(() => {
            late = store.withLock('late', async () => {
              await new Promise((wait) => setTimeout(wait, 100));
              trace.push('late done');
            });
            resolve();
          });
        }).then(() => trace.push('outer returned'));
      });
      await lateAsked;
      await late;
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(trace).toEqual(['late done', 'outer returned']);
      expect(await other.withLock('late', async () => 'free')).toBe('free');
      expect(await other.withLock('outer', async () => 'free')).toBe('free');
    });

    it('frees a lock whose connection dies while it is held', async () => {
      const { url, store } = await openFresh();
      const other = await openInstance(url);
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      cleanups.push(() => admin.end());
      const held = store.withLock('doomed', async () => {
        await admin.query("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND pid <> pg_backend_pid()");
        await new Promise((resolve) => setTimeout(resolve, 50));
        return store.getProviderState('anything');
      });
      // The holder's own query may fail or be retried on another connection; either way the lock is free after.
      await held.catch(() => undefined);
      expect(await other.withLock('doomed', async () => 'taken')).toBe('taken');
      expect(await store.withLock('doomed', async () => store.getProviderState('anything'))).toBeUndefined();
    });

    it('keeps a lock held across a slow provider call where the server cuts idle transactions', async () => {
      // Managed PostgreSQL often sets this; a lock held by an open transaction would be cut with its connection.
      const { url, store } = await openFresh();
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`ALTER DATABASE "${admin.database}" SET idle_in_transaction_session_timeout = '100ms'`);
      await admin.end();
      const [first, second] = await Promise.all([1, 2].map(() => openInstance(url)));
      const trace: string[] = [];
      const hold = (store: PostgresStore, id: string) =>
        store.withLock('slow-refund', async () => {
          trace.push(`${id}+`);
          await new Promise((resolve) => setTimeout(resolve, 300));
          await store.saveProviderState(`after-${id}`, 'written');
          trace.push(`${id}-`);
        });
      const one = hold(first!, 'a');
      await new Promise((resolve) => setTimeout(resolve, 50));
      await Promise.all([one, hold(second!, 'b')]);
      expect(trace).toEqual(['a+', 'a-', 'b+', 'b-']);
      expect(await store.getProviderState('after-a')).toBe('written');
    });

    it('gives each unsettled payment to one of several claiming instances', async () => {
      const { url, store } = await openFresh();
      const others = await Promise.all([1, 2].map(() => openInstance(url)));
      const now = new Date().toISOString();
      for (let i = 0; i < 30; i++) {
        const sessionId = `ses_claim_${i}`;
        await store.createSession({ id: sessionId, orderId: `o${i}`, amount: 100, currency: 'USD', returnUrl: 'https://shop.example/r', locale: 'en', captureMethod: 'automatic', createdAt: now, expiresAt: now });
        await store.createPayment({ id: `pay_claim_${i}`, sessionId, orderId: `o${i}`, provider: 'milkypay', methodId: 'milkypay:card', amount: 100, currency: 'USD', status: 'pending' });
      }
      const later = new Date(Date.now() + 60_000).toISOString();
      const claims = await Promise.all([store, ...others].flatMap((s) => [s.claimUnsettledPayments(later, 7, later), s.claimUnsettledPayments(later, 7, later)]));
      const ids = claims.flat().map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(30);
    });

    it('hands each due webhook to one of several dispatching instances, and not again while its lease runs', async () => {
      const { url, store } = await openFresh();
      const others = await Promise.all([1, 2].map(() => openInstance(url)));
      const now = new Date().toISOString();
      for (let i = 0; i < 24; i++) {
        const sessionId = `ses_outbox_${i}`;
        await store.createSession({ id: sessionId, orderId: `o${i}`, amount: 100, currency: 'USD', returnUrl: 'https://shop.example/r', locale: 'en', captureMethod: 'automatic', createdAt: now, expiresAt: now });
        await store.createPayment({ id: `pay_outbox_${i}`, sessionId, orderId: `o${i}`, provider: 'milkypay', methodId: 'milkypay:card', amount: 100, currency: 'USD', status: 'pending' });
        await store.transitionPayment(`pay_outbox_${i}`, 'pending', 'succeeded', {}, { type: 'status_changed', source: 'callback' }, { id: `evt_${i}`, paymentId: `pay_outbox_${i}`, type: 'payment.succeeded', body: '{}' });
      }
      const due = new Date(Date.now() + 1000).toISOString();
      const claims = await Promise.all([store, ...others].flatMap((s) => [s.claimOutbox(due, 5, 30_000), s.claimOutbox(due, 5, 30_000)]));
      const ids = claims.flat().map((message) => message.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(24);
      expect(claims.flat().every((message) => message.attempts === 1)).toBe(true);
      expect(await others[0]!.claimOutbox(due, 50, 30_000)).toEqual([]);
    });
  });

  describe('PostgreSQL store durability', () => {
    it('commits a new payment, a change of a payment and provider state with synchronous_commit on, even where the database turns it off', async () => {
      // A database whose default lets commits return before their WAL is on disk.
      const database = await createTestDatabase(serverUrl);
      cleanups.push(() => database.drop());
      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      await admin.query(`ALTER DATABASE "${admin.database}" SET synchronous_commit = off`);
      await admin.end();
      const probe = new pg.Client({ connectionString: database.url });
      await probe.connect();
      expect((await probe.query('SHOW synchronous_commit')).rows[0]).toEqual({ synchronous_commit: 'off' });
      await probe.end();
      const store = await PostgresStore.open(database.url);
      cleanups.push(() => store.close());

      // A spy calls through to the real query and records what each was given.
      const spy = vi.spyOn(pg.Client.prototype, 'query');
      const statements = () => spy.mock.calls.map(([first]) => (typeof first === 'string' ? first : (first as { text: string }).text));
      try {
        const now = new Date().toISOString();
        await store.createSession({ id: 'ses_durable', orderId: 'o', amount: 100, currency: 'USD', returnUrl: 'https://shop.example/r', locale: 'en', captureMethod: 'automatic', createdAt: now, expiresAt: now });
        const sessionStatements = statements().length;
        await store.createPayment({ id: 'pay_durable', sessionId: 'ses_durable', orderId: 'o', provider: 'milkypay', methodId: 'milkypay:card', amount: 100, currency: 'USD' });
        await store.saveProviderState('token', 'rotated');
        // A refund or capture written ahead is such a change: it must outlive the machine before the provider is asked.
        await store.transitionPayment('pay_durable', 'created', 'pending', {}, { type: 'status_changed', source: 'test' });
        const durableBegins = statements().slice(sessionStatements).filter((text) => /^BEGIN; SET LOCAL synchronous_commit = on$/.test(text));
        expect(durableBegins).toHaveLength(3);
        // Sessions need no such wait: one lost with the machine is opened again.
        expect(statements().slice(0, sessionStatements).some((text) => text.includes('synchronous_commit'))).toBe(false);
      } finally {
        spy.mockRestore();
      }
    });
  });
}
