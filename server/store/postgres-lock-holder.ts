import type { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';
import { storageError, unlessUnavailable } from './postgres-unavailable.js';

/**
 * One pooled connection held by whoever holds a named lock, and everything that holder asks of the
 * store while it holds it. The lock is a session-level advisory lock on this connection, so
 * PostgreSQL frees it when the connection dies and no transaction stays open across the provider
 * call it guards. The holder's queries, and locks it takes inside this one, use this connection
 * too: a holder needs one connection however deep it nests, and holders at once can never take
 * the whole pool and then wait for a connection none of them will free.
 *
 * Its queries run one at a time in the order they were asked, so a transaction of the holder is
 * never joined by another of its queries.
 */
export class LockHolder {
  /** False once the connection is given back: a late query of the holder's goes to the pool. */
  open = true;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly nested = new Set<Promise<unknown>>();
  /** Why the connection can no longer be trusted; it is then destroyed instead of reused. */
  private broken: Error | undefined;

  /**
   * Whether the holder's queries and nested locks still go on its connection. Once the connection
   * has failed, its lock is gone with it; what the holder still has to record (a provider's answer
   * to the call the lock guarded) goes to the pool, and a lock it takes then is taken afresh.
   */
  get usable(): boolean {
    return this.open && !this.broken;
  }

  /** A connection that fails while held (a restart, a killed backend) says so here; unheard, the error would end the process. */
  private readonly onError = (error: Error) => this.discard(error);

  constructor(
    private readonly client: pg.PoolClient,
    private readonly holders: AsyncLocalStorage<LockHolder>,
  ) {
    client.on('error', this.onError);
  }

  /** Runs `op` on the connection once every operation asked before it has finished. */
  run<T>(op: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const result = this.tail.then(() => op(this.client));
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** A query of the holder's, on its connection in turn; an unavailable database rejects with StorageUnavailableError. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    return unlessUnavailable(() => this.run((client) => client.query<R>(text, values)));
  }

  /** Holds `name` on this connection while `fn` runs; `fn` and what it calls see this holder. */
  async lock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    try {
      await this.run(async (client) => {
        // The holder may be another instance calling a provider, whose calls have time limits of
        // their own: the wait is not a stuck statement, so statement_timeout does not cut it.
        await client.query('SET statement_timeout = 0');
        try {
          await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [name]);
        } finally {
          await client.query('RESET statement_timeout');
        }
      });
    } catch (error) {
      this.discard(error);
      throw storageError(error);
    }
    try {
      return await this.holders.run(this, fn);
    } finally {
      await this.run((client) => client.query<{ unlocked: boolean }>('SELECT pg_advisory_unlock(hashtextextended($1, 0)) AS unlocked', [name])).then(
        ({ rows }) => {
          if (rows[0]?.unlocked !== true) this.discard(new Error(`the lock ${name} was no longer held when released`));
        },
        (error: unknown) => this.discard(error),
      );
    }
  }

  /** A lock taken inside this holder's (`work`, from its wait for the lock on): the connection outlives it even if nobody waits for it. */
  nest<T>(work: Promise<T>): Promise<T> {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.nested.add(settled);
    void settled.then(() => this.nested.delete(settled));
    return work;
  }

  /** Resolves when every lock taken inside this holder's has been released. */
  async nestedReleased(): Promise<void> {
    while (this.nested.size > 0) await Promise.all(this.nested);
  }

  /** The connection may hold a lock or a transaction it should not: it is closed rather than reused. */
  discard(reason: unknown): void {
    this.broken ??= reason instanceof Error ? reason : new Error(String(reason));
  }

  /**
   * Gives the connection back to the pool (or closes it) once its last operation has finished and
   * every lock taken inside has been released: a callback of the holder's may ask for one after the
   * holder returned, and that lock is taken on this connection, which must not be in the pool then.
   */
  async release(): Promise<void> {
    this.open = false;
    await this.nestedReleased();
    await this.tail;
    this.client.off('error', this.onError);
    this.client.release(this.broken);
  }
}
