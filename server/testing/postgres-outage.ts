import pg from 'pg';
import { PostgresStore, type PostgresStoreOptions } from '../store/postgres-store.js';
import { createTestDatabase } from './postgres-cluster.js';

/**
 * A store (3 connections unless told) on a fresh database of the tests' server, and that server's
 * superuser to cut the database off with: `refuse(true)` refuses new connections and ends the live
 * ones, `refuse(false)` accepts them again. What it opens is undone by `cleanups`, run last first.
 */
export async function openStoreWithAdmin(serverUrl: string, cleanups: (() => Promise<unknown>)[], options: PostgresStoreOptions = {}) {
  const database = await createTestDatabase(serverUrl);
  cleanups.push(() => database.drop());
  const store = await PostgresStore.open(database.url, { poolSize: 3, ...options });
  cleanups.push(() => store.close());
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  cleanups.push(() => admin.end());
  const name = new URL(database.url).pathname.slice(1);
  const refuse = async (refused: boolean) => {
    await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS ${refused ? 'false' : 'true'}`);
    if (refused) await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
  };
  return { store, refuse, url: database.url };
}
