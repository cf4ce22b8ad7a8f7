import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { PaymentStatus } from '../payments/payment-status.js';
import { KeyedMutex } from './keyed-mutex.js';
import { MIGRATIONS } from './migrations.js';
import { LockHolder } from './postgres-lock-holder.js';
import { unlessUnavailable } from './postgres-unavailable.js';
import {
  eventFromRow,
  outboxFromRow,
  patchColumns,
  paymentFromRow,
  sessionFromRow,
  toJson,
  type EventRow,
  type IdempotencyRow,
  type OutboxRow,
  type PaymentRow,
  type SessionRow,
} from './rows.js';
import type {
  IdempotentRequest,
  NewEvent,
  NewOutboxMessage,
  NewPayment,
  OutboxMessage,
  PaymentEvent,
  PaymentPatch,
  PaymentRecord,
  SessionRecord,
  Store,
  TransitionFrom,
} from './store.js';
import { changeTimeAfter } from './change-time.js';

/** Taken by every instance while it migrates, so instances started together apply each migration once. */
const MIGRATION_LOCK = 'pay-checkout:migrations';
const UNSETTLED = "('created', 'pending', 'requires_action', 'refund_pending')";
/** Unique violation, from PostgreSQL's error codes. */
const UNIQUE_VIOLATION = '23505';

/** The pool, or one connection: what a query can run on. */
interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

export interface PostgresStoreOptions {
  /** Connections kept by this instance for its work (default 10); readiness pings have one more of their own. */
  poolSize?: number;
  /** Where a broken idle connection is reported; the pool replaces it by itself. */
  logger?: Logger;
  /**
   * How long one statement may run, waits for another client's row or table lock included, before
   * the server cancels it and the caller gets 503 storage_unavailable (default 5 s). A
   * `statement_timeout` in the URL's parameters wins. Named locks and migrations wait without it.
   */
  statementTimeoutMs?: number;
}

/**
 * Every statement here takes milliseconds; one that has run for 5 s is stuck behind a lock or an
 * overloaded server, and the merchant's backend and the shopper are better told to retry than
 * kept waiting with a pooled connection taken.
 */
const DEFAULT_STATEMENT_TIMEOUT_MS = 5_000;

/**
 * The store for several proxy instances on one PostgreSQL. Every write that must happen once is
 * decided by the database, not by the process: a status change is a conditional UPDATE (compare-
 * and-set, which PostgreSQL re-checks after waiting for a concurrent writer of the row), a payment
 * in creation is unique per session by a partial unique index, a repeated idempotency key finds
 * the first row, reconciliation claims rows with FOR UPDATE SKIP LOCKED, and named locks are
 * advisory locks held by one instance at a time.
 */
export class PostgresStore implements Store {
  /** Waiters of one lock name queue here, holding no connection, while one of them waits in PostgreSQL. */
  private readonly locks = new KeyedMutex();
  /** The lock holder the current call runs for, if any: its queries go on the holder's connection. */
  private readonly holders = new AsyncLocalStorage<LockHolder>();

  private constructor(
    private readonly pool: pg.Pool,
    /**
     * One connection of its own for readiness pings: lock holders may hold every pooled one across
     * slow provider calls, and a busy instance must not look as if its database were unreachable.
     */
    private readonly pings: pg.Pool,
  ) {}

  /** Queries outside any lock; an unavailable database rejects with StorageUnavailableError. */
  private readonly onPool: Queryable = { query: (text, values) => unlessUnavailable(() => this.pool.query(text, values)) };

  /** Where a query of the current call goes: its lock holder's connection, or the pool. */
  private get db(): Queryable {
    return this.currentHolder() ?? this.onPool;
  }

  private currentHolder(): LockHolder | undefined {
    const holder = this.holders.getStore();
    return holder?.usable ? holder : undefined;
  }

  /** Connects to `url` (postgres://...) and applies pending migrations. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const connection = { connectionString: url, connectionTimeoutMillis: 10_000, statement_timeout: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS };
    const pool = new pg.Pool({ ...connection, max: options.poolSize ?? 10 });
    const pings = new pg.Pool({ ...connection, max: 1 });
    for (const each of [pool, pings]) {
      // Without a listener, an idle connection dropped by the server (a restart, a failover) would crash the process.
      each.on('error', (error) => options.logger?.warn({ err: error }, 'an idle database connection failed; it is replaced'));
    }
    const store = new PostgresStore(pool, pings);
    try {
      await store.migrate();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  private async migrate(): Promise<void> {
    await this.transaction(async (client) => {
      // Another instance may be migrating, and a migration may rewrite a large table: neither is a stuck statement.
      await client.query('SET LOCAL statement_timeout = 0');
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [MIGRATION_LOCK]);
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
      const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((row) => row.version));
      // Every missing version, in version order: one merged later with a lower number still runs.
      for (const migration of [...MIGRATIONS].sort((a, b) => a.version - b.version)) {
        if (applied.has(migration.version)) continue;
        await client.query(toPostgres(migration.sql));
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
          migration.version,
          migration.name,
          new Date().toISOString(),
        ]);
      }
    });
  }

  /** Runs `work` in one transaction on one connection (a lock holder's own, inside a lock); any error rolls it back. */
  private transaction<T>(work: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    return unlessUnavailable(() => this.transactionOnce(work, begin));
  }

  private async transactionOnce<T>(work: (client: pg.PoolClient) => Promise<T>, begin: string): Promise<T> {
    const holder = this.currentHolder();
    if (holder) return holder.run((client) => inTransaction(client, work, begin, (failure) => holder.discard(failure)));
    const client = await this.pool.connect();
    let broken: Error | undefined;
    // A connection that fails between two statements says so here; unheard, the error would end the process.
    const onError = (error: Error) => {
      broken = error;
    };
    client.on('error', onError);
    try {
      return await inTransaction(client, work, begin, onError);
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  /** A transaction whose commit waits for the WAL to be on disk, whatever the server's or role's setting. */
  private durableTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    // One round trip: a query without parameters may hold several statements.
    return this.transaction(work, 'BEGIN; SET LOCAL synchronous_commit = on');
  }

  async createSession(session: SessionRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO sessions (id, order_id, amount, currency, provider, description, customer, billing_address,
         return_url, locale, capture_method, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        session.id,
        session.orderId,
        session.amount,
        session.currency,
        session.provider ?? null,
        session.description ?? null,
        toJson(session.customer),
        toJson(session.billingAddress),
        session.returnUrl,
        session.locale,
        session.captureMethod,
        session.createdAt,
        session.expiresAt,
      ],
    );
  }

  async getSession(id: string): Promise<SessionRecord | undefined> {
    const { rows } = await this.db.query<SessionRow>('SELECT * FROM sessions WHERE id = $1', [id]);
    return rows[0] && sessionFromRow(rows[0]);
  }

  /**
   * What must outlive a power loss (a new payment, a payment's change, a rotated provider
   * credential) is on disk when its own commit returns: those commits are made by `durableTransaction`.
   */
  async durable(): Promise<void> {}

  async createPayment(payment: NewPayment): Promise<{ payment: PaymentRecord; created: boolean }> {
    try {
      return await this.durableTransaction(async (client) => {
        const now = new Date().toISOString();
        const status = payment.status ?? 'created';
        // A concurrent insert under the same key makes this one wait, then do nothing.
        const inserted = await client.query<PaymentRow>(
          `INSERT INTO payments (id, session_id, order_id, provider, method_id, amount, currency, status, provider_ref,
             action, idempotency_key, request_hash, refunded_amount, card_mask, card_brand, installment_count, installment_total,
             failure, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0, $13, $14, $15, $16, $17, $18, $18)
           ON CONFLICT (session_id, idempotency_key) DO NOTHING
           RETURNING *`,
          [
            payment.id,
            payment.sessionId,
            payment.orderId,
            payment.provider,
            payment.methodId,
            payment.amount,
            payment.currency,
            status,
            payment.providerRef ?? null,
            toJson(payment.action),
            payment.idempotencyKey ?? null,
            payment.requestHash ?? null,
            payment.card?.mask ?? null,
            payment.card?.brand ?? null,
            payment.installments?.count ?? null,
            payment.installments?.totalAmount ?? null,
            toJson(payment.failure),
            now,
          ],
        );
        if (inserted.rows[0]) {
          await insertEvent(client, payment.id, { type: 'created', toStatus: status, source: 'pay' }, now);
          return { payment: paymentFromRow(inserted.rows[0]), created: true };
        }
        const existing = await this.paymentByKey(client, payment.sessionId, payment.idempotencyKey);
        if (!existing) throw new Error(`payment ${payment.id} was neither inserted nor found by its idempotency key`);
        return { payment: existing, created: false };
      });
    } catch (error) {
      if (!isUniqueViolation(error, 'payments_one_creating_per_session')) throw error;
      // The other payment in creation may be this very request's twin, committed while we waited.
      const twin = await this.paymentByKey(this.db, payment.sessionId, payment.idempotencyKey);
      if (twin) return { payment: twin, created: false };
      throw new AppError('payment_in_progress', 'another payment of this checkout is being created; try again in a moment');
    }
  }

  private async paymentByKey(db: Queryable, sessionId: string, key: string | undefined): Promise<PaymentRecord | undefined> {
    if (!key) return undefined;
    const { rows } = await db.query<PaymentRow>('SELECT * FROM payments WHERE session_id = $1 AND idempotency_key = $2', [sessionId, key]);
    return rows[0] && paymentFromRow(rows[0]);
  }

  async getPayment(id: string): Promise<PaymentRecord | undefined> {
    const { rows } = await this.db.query<PaymentRow>('SELECT * FROM payments WHERE id = $1', [id]);
    return rows[0] && paymentFromRow(rows[0]);
  }

  async listPaymentsByOrder(orderId: string): Promise<PaymentRecord[]> {
    return this.listPayments('order_id', orderId);
  }

  async listPaymentsBySession(sessionId: string): Promise<PaymentRecord[]> {
    return this.listPayments('session_id', sessionId);
  }

  /** In creation order: by timestamp, then by the creation event's serial id (SQLite's rowid order). */
  private async listPayments(column: 'order_id' | 'session_id', value: string): Promise<PaymentRecord[]> {
    const { rows } = await this.db.query<PaymentRow>(
      `SELECT * FROM payments p WHERE ${column} = $1
       ORDER BY created_at, (SELECT min(e.id) FROM payment_events e WHERE e.payment_id = p.id)`,
      [value],
    );
    return rows.map(paymentFromRow);
  }

  async updatePayment(id: string, patch: PaymentPatch, event?: NewEvent): Promise<PaymentRecord> {
    return this.transaction(async (client) => {
      const now = new Date().toISOString();
      const { assignments, values } = patchToSql(patch, 3);
      const { rows } = await client.query<PaymentRow>(
        `UPDATE payments SET ${[...assignments, 'updated_at = $2'].join(', ')} WHERE id = $1 RETURNING *`,
        [id, now, ...values],
      );
      if (!rows[0]) throw new AppError('not_found', `payment ${id} does not exist`);
      if (event) await insertEvent(client, id, event, now);
      return paymentFromRow(rows[0]);
    });
  }

  async transitionPayment(
    id: string,
    expected: TransitionFrom,
    to: PaymentStatus,
    patch: PaymentPatch,
    event: NewEvent,
    outbox?: NewOutboxMessage,
  ): Promise<PaymentRecord | undefined> {
    const { status: from, refundedAmount, updatedAt } = typeof expected === 'string' ? { status: expected, refundedAmount: undefined, updatedAt: undefined } : expected;
    // Durable: a payment's change may be the write-ahead of a refund or capture about to be sent.
    return this.durableTransaction(async (client) => {
      const now = changeTimeAfter(updatedAt);
      const { assignments, values } = patchToSql(patch, 7);
      // Under READ COMMITTED a concurrent writer of the row makes this wait, then the WHERE is
      // evaluated again on the row it committed: the loser updates nothing.
      const { rows } = await client.query<PaymentRow>(
        `UPDATE payments SET ${['status = $3', ...assignments, 'updated_at = $4'].join(', ')}
         WHERE id = $1 AND status = $2 AND ($5::bigint IS NULL OR refunded_amount = $5) AND ($6::text IS NULL OR updated_at = $6) RETURNING *`,
        [id, from, to, now, refundedAmount ?? null, updatedAt ?? null, ...values],
      );
      if (!rows[0]) return undefined;
      await insertEvent(client, id, { ...event, fromStatus: from, toStatus: to }, now);
      if (outbox) {
        await client.query(
          'INSERT INTO outbox (id, payment_id, type, body, attempts, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, 0, $5, $5)',
          [outbox.id, outbox.paymentId ?? null, outbox.type, outbox.body, now],
        );
      }
      return paymentFromRow(rows[0]);
    });
  }

  async appendEvent(paymentId: string, event: NewEvent): Promise<void> {
    await insertEvent(this.db, paymentId, event, new Date().toISOString());
  }

  async markChecked(id: string, at: string): Promise<void> {
    await this.db.query('UPDATE payments SET checked_at = $1 WHERE id = $2', [at, id]);
  }

  async listEvents(paymentId: string): Promise<PaymentEvent[]> {
    const { rows } = await this.db.query<EventRow>('SELECT * FROM payment_events WHERE payment_id = $1 ORDER BY id', [paymentId]);
    return rows.map(eventFromRow);
  }

  async claimUnsettledPayments(checkedBefore: string, limit: number, claimedAt: string): Promise<PaymentRecord[]> {
    // Rows another instance is claiming right now are skipped, not waited for; once it commits they
    // carry its claim time and no longer qualify.
    const { rows } = await this.db.query<PaymentRow & { since: string }>(
      `WITH claimed AS (
         SELECT id, COALESCE(checked_at, updated_at) AS since FROM payments
         WHERE status IN ${UNSETTLED} AND COALESCE(checked_at, updated_at) < $1
         ORDER BY COALESCE(checked_at, updated_at) LIMIT $2
         FOR UPDATE SKIP LOCKED
       )
       UPDATE payments p SET checked_at = $3 FROM claimed WHERE p.id = claimed.id RETURNING p.*, claimed.since`,
      [checkedBefore, limit, claimedAt],
    );
    return rows.sort((a, b) => a.since.localeCompare(b.since)).map(({ since: _since, ...row }) => paymentFromRow(row));
  }

  async claimOutbox(now: string, limit: number, leaseMs: number): Promise<OutboxMessage[]> {
    const leaseEnd = new Date(Date.parse(now) + leaseMs).toISOString();
    // Two dispatchers never hold one message: rows being claimed elsewhere are skipped, and once
    // claimed a message is not due again before its lease ends.
    const { rows } = await this.db.query<OutboxRow>(
      `WITH due AS (
         SELECT id FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= $1
         ORDER BY next_attempt_at, created_at LIMIT $2
         FOR UPDATE SKIP LOCKED
       )
       UPDATE outbox o SET attempts = o.attempts + 1, next_attempt_at = $3 FROM due WHERE o.id = due.id RETURNING o.*`,
      [now, limit, leaseEnd],
    );
    return rows.sort((a, b) => a.created_at.localeCompare(b.created_at)).map(outboxFromRow);
  }

  async markOutboxDelivered(id: string, at: string): Promise<void> {
    await this.db.query('UPDATE outbox SET delivered_at = $1, last_error = NULL WHERE id = $2 AND delivered_at IS NULL', [at, id]);
  }

  async markOutboxFailed(id: string, error: string, nextAttemptAt: string): Promise<void> {
    await this.db.query('UPDATE outbox SET last_error = $1, next_attempt_at = $2 WHERE id = $3 AND delivered_at IS NULL', [
      error.slice(0, 500),
      nextAttemptAt,
      id,
    ]);
  }

  async getOutboxMessage(id: string): Promise<OutboxMessage | undefined> {
    const { rows } = await this.db.query<OutboxRow>('SELECT * FROM outbox WHERE id = $1', [id]);
    return rows[0] && outboxFromRow(rows[0]);
  }

  async listOutboxByPayment(paymentId: string): Promise<OutboxMessage[]> {
    const { rows } = await this.db.query<OutboxRow>('SELECT * FROM outbox WHERE payment_id = $1 ORDER BY created_at, id', [paymentId]);
    return rows.map(outboxFromRow);
  }

  async beginIdempotentRequest(scope: string, key: string, requestHash: string, at: string): Promise<IdempotentRequest | undefined> {
    // A concurrent insert of the same key waits for the first to commit, then inserts nothing.
    const inserted = await this.db.query(
      'INSERT INTO idempotency_keys (scope, key, request_hash, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [scope, key, requestHash, at],
    );
    if (inserted.rowCount === 1) return undefined;
    const { rows } = await this.db.query<IdempotencyRow>('SELECT * FROM idempotency_keys WHERE scope = $1 AND key = $2', [scope, key]);
    const row = rows[0];
    // Abandoned between our insert and our read: the key is free again, and this caller may take it.
    if (!row) return this.beginIdempotentRequest(scope, key, requestHash, at);
    return row.status_code === null || row.response_body === null
      ? { state: 'started', requestHash: row.request_hash }
      : { state: 'completed', requestHash: row.request_hash, statusCode: Number(row.status_code), responseBody: row.response_body };
  }

  async completeIdempotentRequest(scope: string, key: string, statusCode: number, responseBody: string, at: string): Promise<void> {
    await this.db.query(
      'UPDATE idempotency_keys SET status_code = $1, response_body = $2, completed_at = $3 WHERE scope = $4 AND key = $5 AND completed_at IS NULL',
      [statusCode, responseBody, at, scope, key],
    );
  }

  async abandonIdempotentRequest(scope: string, key: string, startedAt: string): Promise<void> {
    await this.db.query('DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND created_at = $3 AND completed_at IS NULL', [scope, key, startedAt]);
  }

  async getProviderState(key: string): Promise<string | undefined> {
    const { rows } = await this.db.query<{ value: string }>('SELECT value FROM provider_state WHERE key = $1', [key]);
    return rows[0]?.value;
  }

  async saveProviderState(key: string, value: string): Promise<void> {
    // The value may be a rotated credential, the only one that works from now on.
    await this.durableTransaction((client) =>
      client.query(
        `INSERT INTO provider_state (key, value, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
        [key, value, new Date().toISOString()],
      ),
    );
  }

  /**
   * An advisory lock on one connection, held while `fn` runs, which `fn`'s own queries and the locks
   * it takes inside share (LockHolder). PostgreSQL frees it when the connection dies, so a crashed
   * instance never leaves it taken.
   */
  async withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const outer = this.currentHolder();
    if (outer) return outer.nest(this.locks.run(name, () => outer.lock(name, fn)));
    return this.locks.run(name, async () => {
      const holder = new LockHolder(await unlessUnavailable(() => this.pool.connect()), this.holders);
      try {
        return await holder.lock(name, async () => {
          try {
            return await fn();
          } finally {
            await holder.nestedReleased();
          }
        });
      } finally {
        await holder.release();
      }
    });
  }

  async ping(): Promise<void> {
    await this.pings.query('SELECT 1');
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.end(), this.pings.end()]);
  }
}

/** SQLite's auto-increment key (`INTEGER PRIMARY KEY`) is PostgreSQL's BIGSERIAL; the rest is common SQL. */
export function toPostgres(sql: string): string {
  return sql.replace(/\bINTEGER PRIMARY KEY\b/g, 'BIGSERIAL PRIMARY KEY');
}

function patchToSql(patch: PaymentPatch, firstIndex: number): { assignments: string[]; values: unknown[] } {
  const columns = patchColumns(patch);
  return {
    assignments: columns.map(([column], index) => `${column} = $${firstIndex + index}`),
    values: columns.map(([, value]) => value),
  };
}

async function insertEvent(db: Queryable, paymentId: string, event: NewEvent, at: string): Promise<void> {
  await db.query(
    `INSERT INTO payment_events (payment_id, type, from_status, to_status, source, detail, at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [paymentId, event.type, event.fromStatus ?? null, event.toStatus ?? null, event.source, toJson(event.detail), at],
  );
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  const failure = error as { code?: string; constraint?: string };
  return failure.code === UNIQUE_VIOLATION && failure.constraint === constraint;
}

/** BEGIN (or `begin`), `work`, COMMIT on `client`; any error rolls back, and a failed rollback is reported to `broken`. */
async function inTransaction<T>(client: pg.PoolClient, work: (client: pg.PoolClient) => Promise<T>, begin: string, broken: (failure: Error) => void): Promise<T> {
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // A connection whose rollback fails is in an unknown state: it is destroyed rather than reused.
    const rollback = await client.query('ROLLBACK').then(() => undefined, (failure: Error) => failure);
    if (rollback) broken(rollback);
    throw error;
  }
}
