import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { PaymentStatus } from '../payments/payment-status.js';
import { GroupFlush } from './group-flush.js';
import { KeyedMutex } from './keyed-mutex.js';
import { WalCheckpointer } from './wal-checkpointer.js';
import { WalFlush } from './wal-flush.js';
import { MIGRATIONS } from './migrations.js';
import { unlessSqliteUnavailable } from './sqlite-unavailable.js';
import { StorageUnavailableError } from './storage-unavailable.js';
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

export interface SqliteStoreOptions {
  /** Where a stopped checkpointer is reported. */
  logger?: Logger;
  /** How often the worker thread checkpoints; by default CHECKPOINT_INTERVAL_MS. */
  checkpointIntervalMs?: number;
  /**
   * How long a statement waits for another connection's lock (an operator's sqlite3 shell, a
   * backup) before the store answers storage_unavailable; by default BUSY_TIMEOUT_MS.
   */
  busyTimeoutMs?: number;
}

const BUSY_TIMEOUT_MS = 5_000;

/** SQLite's own automatic checkpoint threshold, in WAL pages. */
const SQLITE_CHECKPOINT_PAGES = 1_000;
/**
 * Past this many WAL pages a commit checkpoints after all: only if the worker has fallen behind, or
 * has never found a quiet moment to let the WAL start over. Frames it has already copied are not
 * copied again, so that checkpoint is then short.
 */
const BACKSTOP_CHECKPOINT_PAGES = 10_000;

/**
 * The embedded store: better-sqlite3 in WAL mode. Its calls are synchronous, which makes each
 * compare-and-set and its event insert one atomic step inside a single process.
 *
 * Durability: every commit survives a crash of the process (synchronous=NORMAL: the last ones may
 * be lost with the machine, never corrupted; sessions can be opened again, and statuses are looked
 * up again from the provider by the reconciler). What must survive a power loss (a new payment
 * before its provider is called, a rotated credential) waits for `durable()`: the WAL is flushed on
 * the thread pool, shared by every writer that asks meanwhile, while the event loop goes on (a
 * synchronous=FULL commit would block every other request for the whole flush).
 *
 * Checkpoints (copying the WAL into the database file) run on a worker thread, off the event loop
 * (WalCheckpointer); this connection checkpoints only past BACKSTOP_CHECKPOINT_PAGES.
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  /** Prepared statements by SQL text: preparing is a large share of a query's cost. */
  private readonly queries = new Map<string, Query>();
  private readonly locks = new KeyedMutex();
  private readonly wal: WalFlush | undefined;
  private readonly flushes: GroupFlush | undefined;
  private readonly checkpointer: WalCheckpointer | undefined;

  private constructor(path: string, options: SqliteStoreOptions) {
    const onDisk = path !== ':memory:';
    if (onDisk) mkdirSync(dirname(path), { recursive: true });
    this.wal = onDisk ? new WalFlush(path) : undefined;
    this.flushes = this.wal && new GroupFlush(() => this.wal!.flush());
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? BUSY_TIMEOUT_MS}`);
    if (onDisk) {
      this.db.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
      this.checkpointer = new WalCheckpointer(path, {
        intervalMs: options.checkpointIntervalMs,
        onFailure: (error) => {
          // SQLite's own checkpoints again: slower commits, but never a WAL that grows without end.
          if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${SQLITE_CHECKPOINT_PAGES}`);
          options.logger?.error({ err: error }, 'the WAL checkpointer stopped; commits checkpoint the database themselves again');
        },
      });
    }
  }

  /** Opens (creating when absent) the database at `path` and applies pending migrations. */
  static open(path: string, options: SqliteStoreOptions = {}): SqliteStore {
    const store = new SqliteStore(path, options);
    try {
      store.migrate();
    } catch (error) {
      // The checkpointer's thread and connection must not outlive a store that failed to open.
      void store.close().catch(() => undefined);
      throw error;
    }
    return store;
  }

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const applied = new Set(
      this.sql('SELECT version FROM schema_migrations').all().map((row) => (row as { version: number }).version),
    );
    // Every missing version is applied, in version order: one merged later with a lower number (a
    // branch's v2 after v3 shipped) still runs on a database that already has v3.
    for (const migration of [...MIGRATIONS].sort((a, b) => a.version - b.version)) {
      if (applied.has(migration.version)) continue;
      this.transaction(() => {
        this.db.exec(migration.sql);
        this.db
          .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
          .run(migration.version, migration.name, new Date().toISOString());
      });
    }
  }

  /**
   * The prepared statement of `text`. Every query of the store runs through it or `transaction`:
   * an unavailable database (a lock held elsewhere past busy_timeout, a full or failing disk)
   * throws StorageUnavailableError.
   */
  private sql(text: string): Query {
    let query = this.queries.get(text);
    if (!query) {
      const statement = unlessSqliteUnavailable(() => this.db.prepare(text));
      query = {
        run: (...params) => unlessSqliteUnavailable(() => statement.run(...params)),
        get: (...params) => unlessSqliteUnavailable(() => statement.get(...params)),
        all: (...params) => unlessSqliteUnavailable(() => statement.all(...params)),
      };
      this.queries.set(text, query);
    }
    return query;
  }

  /** Runs `work` in one transaction; any error rolls it back, and its BEGIN, COMMIT or ROLLBACK failing is reported as `sql`'s are. */
  private transaction<T>(work: () => T): T {
    return unlessSqliteUnavailable(() => this.db.transaction(work)());
  }

  async createSession(session: SessionRecord): Promise<void> {
    this
      .sql(
        `INSERT INTO sessions (id, order_id, amount, currency, provider, description, customer, billing_address,
           return_url, locale, capture_method, created_at, expires_at)
         VALUES (@id, @orderId, @amount, @currency, @provider, @description, @customer, @billingAddress,
           @returnUrl, @locale, @captureMethod, @createdAt, @expiresAt)`,
      )
      .run({
        ...session,
        provider: session.provider ?? null,
        description: session.description ?? null,
        customer: toJson(session.customer),
        billingAddress: toJson(session.billingAddress),
      });
  }

  async getSession(id: string): Promise<SessionRecord | undefined> {
    const row = this.sql('SELECT * FROM sessions WHERE id = ?').get(id) as SessionRow | undefined;
    return row && sessionFromRow(row);
  }

  /** A refused flush is an outage of the store, as an unavailable database is (it lasts until a restart: WalFlush). */
  async durable(): Promise<void> {
    try {
      await this.flushes?.sync();
    } catch (error) {
      throw new StorageUnavailableError(error);
    }
  }

  async createPayment(payment: NewPayment): Promise<{ payment: PaymentRecord; created: boolean }> {
    return this.transaction(() => {
      if (payment.idempotencyKey) {
        const existing = this
          .sql('SELECT * FROM payments WHERE session_id = ? AND idempotency_key = ?')
          .get(payment.sessionId, payment.idempotencyKey) as PaymentRow | undefined;
        if (existing) return { payment: paymentFromRow(existing), created: false };
      }
      const now = new Date().toISOString();
      const status = payment.status ?? 'created';
      const creating = this.sql("SELECT id FROM payments WHERE session_id = ? AND status = 'created'").get(payment.sessionId);
      if (creating && status === 'created') {
        throw new AppError('payment_in_progress', 'another payment of this checkout is being created; try again in a moment');
      }
      this
        .sql(
          `INSERT INTO payments (id, session_id, order_id, provider, method_id, amount, currency, status, provider_ref,
             action, idempotency_key, request_hash, refunded_amount, card_mask, card_brand, installment_count, installment_total,
             failure, created_at, updated_at)
           VALUES (@id, @sessionId, @orderId, @provider, @methodId, @amount, @currency, @status, @providerRef,
             @action, @idempotencyKey, @requestHash, 0, @cardMask, @cardBrand, @installmentCount, @installmentTotal,
             @failure, @now, @now)`,
        )
        .run({
          id: payment.id,
          sessionId: payment.sessionId,
          orderId: payment.orderId,
          provider: payment.provider,
          methodId: payment.methodId,
          amount: payment.amount,
          currency: payment.currency,
          status,
          providerRef: payment.providerRef ?? null,
          action: toJson(payment.action),
          idempotencyKey: payment.idempotencyKey ?? null,
          requestHash: payment.requestHash ?? null,
          cardMask: payment.card?.mask ?? null,
          cardBrand: payment.card?.brand ?? null,
          installmentCount: payment.installments?.count ?? null,
          installmentTotal: payment.installments?.totalAmount ?? null,
          failure: toJson(payment.failure),
          now,
        });
      this.insertEvent(payment.id, { type: 'created', toStatus: status, source: 'pay' }, now);
      return { payment: this.mustGetPayment(payment.id), created: true };
    });
  }

  async getPayment(id: string): Promise<PaymentRecord | undefined> {
    const row = this.sql('SELECT * FROM payments WHERE id = ?').get(id) as PaymentRow | undefined;
    return row && paymentFromRow(row);
  }

  async listPaymentsByOrder(orderId: string): Promise<PaymentRecord[]> {
    const rows = this.sql('SELECT * FROM payments WHERE order_id = ? ORDER BY created_at, rowid').all(orderId);
    return (rows as PaymentRow[]).map(paymentFromRow);
  }

  async listPaymentsBySession(sessionId: string): Promise<PaymentRecord[]> {
    const rows = this.sql('SELECT * FROM payments WHERE session_id = ? ORDER BY created_at, rowid').all(sessionId);
    return (rows as PaymentRow[]).map(paymentFromRow);
  }

  async updatePayment(id: string, patch: PaymentPatch, event?: NewEvent): Promise<PaymentRecord> {
    return this.transaction(() => {
      const now = new Date().toISOString();
      const { assignments, values } = patchToSql(patch);
      const result = this
        .sql(`UPDATE payments SET ${[...assignments, 'updated_at = @now'].join(', ')} WHERE id = @id`)
        .run({ ...values, now, id });
      if (result.changes === 0) throw new AppError('not_found', `payment ${id} does not exist`);
      if (event) this.insertEvent(id, event, now);
      return this.mustGetPayment(id);
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
    return this.transaction(() => {
      const now = changeTimeAfter(updatedAt);
      const { assignments, values } = patchToSql(patch);
      const result = this
        .sql(
          `UPDATE payments SET ${['status = @to', ...assignments, 'updated_at = @now'].join(', ')}
           WHERE id = @id AND status = @from${refundedAmount === undefined ? '' : ' AND refunded_amount = @fromRefunded'}${updatedAt === undefined ? '' : ' AND updated_at = @fromUpdated'}`,
        )
        .run({ ...values, to, from, now, id, ...(refundedAmount === undefined ? {} : { fromRefunded: refundedAmount }), ...(updatedAt === undefined ? {} : { fromUpdated: updatedAt }) });
      if (result.changes === 0) return undefined;
      this.insertEvent(id, { ...event, fromStatus: from, toStatus: to }, now);
      if (outbox) {
        this
          .sql('INSERT INTO outbox (id, payment_id, type, body, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, 0, ?, ?)')
          .run(outbox.id, outbox.paymentId ?? null, outbox.type, outbox.body, now, now);
      }
      return this.mustGetPayment(id);
    });
  }

  async appendEvent(paymentId: string, event: NewEvent): Promise<void> {
    this.insertEvent(paymentId, event, new Date().toISOString());
  }

  async markChecked(id: string, at: string): Promise<void> {
    this.sql('UPDATE payments SET checked_at = ? WHERE id = ?').run(at, id);
  }

  async listEvents(paymentId: string): Promise<PaymentEvent[]> {
    const rows = this.sql('SELECT * FROM payment_events WHERE payment_id = ? ORDER BY id').all(paymentId);
    return (rows as EventRow[]).map(eventFromRow);
  }

  async claimUnsettledPayments(checkedBefore: string, limit: number, claimedAt: string): Promise<PaymentRecord[]> {
    return this.transaction(() => {
      const rows = this
        .sql(
          `SELECT * FROM payments WHERE status IN ('created', 'pending', 'requires_action', 'refund_pending')
             AND COALESCE(checked_at, updated_at) < ? ORDER BY COALESCE(checked_at, updated_at) LIMIT ?`,
        )
        .all(checkedBefore, limit) as PaymentRow[];
      const mark = this.sql('UPDATE payments SET checked_at = ? WHERE id = ?');
      for (const row of rows) mark.run(claimedAt, row.id);
      return rows.map((row) => paymentFromRow({ ...row, checked_at: claimedAt }));
    });
  }

  /** One process owns a SQLite file, so an in-process lock is the whole lock. */
  async withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(name, fn);
  }

  async ping(): Promise<void> {
    this.sql('SELECT 1').get();
    // A store that could not flush a payment to disk takes none until it is restarted.
    if (this.wal?.failed) throw new Error(`the database could not be flushed to disk: ${this.wal.failed.message}`);
  }

  async getProviderState(key: string): Promise<string | undefined> {
    const row = this.sql('SELECT value FROM provider_state WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  async saveProviderState(key: string, value: string): Promise<void> {
    this
      .sql(
        `INSERT INTO provider_state (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(key, value, new Date().toISOString());
    // On disk before it is used: the value may be a rotated credential, the only one that works from now on.
    await this.durable();
  }

  async claimOutbox(now: string, limit: number, leaseMs: number): Promise<OutboxMessage[]> {
    const leaseEnd = new Date(Date.parse(now) + leaseMs).toISOString();
    return this.transaction(() => {
      const rows = this
        .sql('SELECT * FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= ? ORDER BY next_attempt_at, created_at LIMIT ?')
        .all(now, limit) as OutboxRow[];
      const lease = this.sql('UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?');
      for (const row of rows) lease.run(leaseEnd, row.id);
      return rows.map((row) => outboxFromRow({ ...row, attempts: Number(row.attempts) + 1, next_attempt_at: leaseEnd }));
    });
  }

  async markOutboxDelivered(id: string, at: string): Promise<void> {
    this.sql('UPDATE outbox SET delivered_at = ?, last_error = NULL WHERE id = ? AND delivered_at IS NULL').run(at, id);
  }

  async markOutboxFailed(id: string, error: string, nextAttemptAt: string): Promise<void> {
    this.sql('UPDATE outbox SET last_error = ?, next_attempt_at = ? WHERE id = ? AND delivered_at IS NULL').run(error.slice(0, 500), nextAttemptAt, id);
  }

  async getOutboxMessage(id: string): Promise<OutboxMessage | undefined> {
    const row = this.sql('SELECT * FROM outbox WHERE id = ?').get(id) as OutboxRow | undefined;
    return row && outboxFromRow(row);
  }

  async listOutboxByPayment(paymentId: string): Promise<OutboxMessage[]> {
    const rows = this.sql('SELECT * FROM outbox WHERE payment_id = ? ORDER BY created_at, rowid').all(paymentId) as OutboxRow[];
    return rows.map(outboxFromRow);
  }

  async beginIdempotentRequest(scope: string, key: string, requestHash: string, at: string): Promise<IdempotentRequest | undefined> {
    return this.transaction(() => {
      const inserted = this
        .sql('INSERT INTO idempotency_keys (scope, key, request_hash, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING')
        .run(scope, key, requestHash, at);
      if (inserted.changes === 1) return undefined;
      const row = this.sql('SELECT * FROM idempotency_keys WHERE scope = ? AND key = ?').get(scope, key) as IdempotencyRow;
      return row.status_code === null || row.response_body === null
        ? { state: 'started' as const, requestHash: row.request_hash }
        : { state: 'completed' as const, requestHash: row.request_hash, statusCode: row.status_code, responseBody: row.response_body };
    });
  }

  async completeIdempotentRequest(scope: string, key: string, statusCode: number, responseBody: string, at: string): Promise<void> {
    this
      .sql('UPDATE idempotency_keys SET status_code = ?, response_body = ?, completed_at = ? WHERE scope = ? AND key = ? AND completed_at IS NULL')
      .run(statusCode, responseBody, at, scope, key);
  }

  async abandonIdempotentRequest(scope: string, key: string, startedAt: string): Promise<void> {
    this.sql('DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND created_at = ? AND completed_at IS NULL').run(scope, key, startedAt);
  }

  async close(): Promise<void> {
    // The checkpointer's connection first, so that this one closes last: the last connection runs
    // the final checkpoint and removes the WAL, and here close() waits for that.
    await this.checkpointer?.close();
    this.db.close();
    await this.wal?.close();
  }

  private insertEvent(paymentId: string, event: NewEvent, at: string): void {
    this
      .sql(
        `INSERT INTO payment_events (payment_id, type, from_status, to_status, source, detail, at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(paymentId, event.type, event.fromStatus ?? null, event.toStatus ?? null, event.source, toJson(event.detail), at);
  }

  private mustGetPayment(id: string): PaymentRecord {
    const row = this.sql('SELECT * FROM payments WHERE id = ?').get(id) as PaymentRow | undefined;
    if (!row) throw new AppError('not_found', `payment ${id} does not exist`);
    return paymentFromRow(row);
  }
}

/** What the store runs of a prepared statement (better-sqlite3's, its failures reported by `sql`). */
interface Query {
  run(...params: unknown[]): Database.RunResult;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/** better-sqlite3 takes named parameters as @name; a patch's columns become @p0, @p1... */
function patchToSql(patch: PaymentPatch): { assignments: string[]; values: Record<string, unknown> } {
  const columns = patchColumns(patch);
  return {
    assignments: columns.map(([column], index) => `${column} = @p${index}`),
    values: Object.fromEntries(columns.map(([, value], index) => [`p${index}`, value])),
  };
}
