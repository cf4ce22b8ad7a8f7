import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '../errors.js';
import type { PaymentStatus } from '../payments/payment-status.js';
import { MIGRATIONS } from './migrations.js';
import type {
  NewEvent,
  NewPayment,
  PaymentEvent,
  PaymentPatch,
  PaymentRecord,
  SessionRecord,
  Store,
} from './store.js';

/**
 * The embedded store: better-sqlite3 in WAL mode. Its calls are synchronous, which makes each
 * compare-and-set and its event insert one atomic step inside a single process.
 *
 * Durability: every commit survives a crash of the process. Only the insert of a new payment,
 * made before the provider is called, is also flushed to disk (synchronous=FULL), so that after
 * a power loss we still know every invoice created under our reference. Other writes use
 * synchronous=NORMAL (the last ones may be lost with the machine, never corrupted): sessions can be
 * opened again, and statuses are looked up again from the provider by the reconciler.
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  /** Prepared statements by SQL text: preparing is a large share of a query's cost. */
  private readonly statements = new Map<string, Database.Statement>();
  /** The tail of each named lock's queue (withLock). */
  private readonly locks = new Map<string, Promise<void>>();

  private constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
  }

  /** Opens (creating when absent) the database at `path` and applies pending migrations. */
  static open(path: string): SqliteStore {
    const store = new SqliteStore(path);
    store.migrate();
    return store;
  }

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const applied = new Set(
      this.sql('SELECT version FROM schema_migrations').all().map((row) => (row as { version: number }).version),
    );
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      this.db.transaction(() => {
        this.db.exec(migration.sql);
        this.db
          .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
          .run(migration.version, migration.name, new Date().toISOString());
      })();
    }
  }

  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
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

  async createPayment(payment: NewPayment): Promise<{ payment: PaymentRecord; created: boolean }> {
    return this.flushed(() => this.insertPayment(payment));
  }

  /** Runs one write transaction with synchronous=FULL: it is on disk when this returns. */
  private flushed<T>(write: () => T): T {
    this.db.pragma('synchronous = FULL');
    try {
      return write();
    } finally {
      this.db.pragma('synchronous = NORMAL');
    }
  }

  private insertPayment(payment: NewPayment): { payment: PaymentRecord; created: boolean } {
    return this.db.transaction(() => {
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
        throw new AppError('conflict', 'another payment of this checkout is being created; try again in a moment');
      }
      this
        .sql(
          `INSERT INTO payments (id, session_id, order_id, provider, method_id, amount, currency, status, provider_ref,
             action, idempotency_key, request_hash, refunded_amount, card_mask, card_brand, failure, created_at, updated_at)
           VALUES (@id, @sessionId, @orderId, @provider, @methodId, @amount, @currency, @status, @providerRef,
             @action, @idempotencyKey, @requestHash, 0, @cardMask, @cardBrand, @failure, @now, @now)`,
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
          failure: toJson(payment.failure),
          now,
        });
      this.insertEvent(payment.id, { type: 'created', toStatus: status, source: 'pay' }, now);
      return { payment: this.mustGetPayment(payment.id), created: true };
    })();
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
    return this.db.transaction(() => {
      const now = new Date().toISOString();
      const { assignments, values } = patchToSql(patch);
      const result = this
        .sql(`UPDATE payments SET ${[...assignments, 'updated_at = @now'].join(', ')} WHERE id = @id`)
        .run({ ...values, now, id });
      if (result.changes === 0) throw new AppError('not_found', `payment ${id} does not exist`);
      if (event) this.insertEvent(id, event, now);
      return this.mustGetPayment(id);
    })();
  }

  async transitionPayment(
    id: string,
    from: PaymentStatus,
    to: PaymentStatus,
    patch: PaymentPatch,
    event: NewEvent,
  ): Promise<PaymentRecord | undefined> {
    return this.db.transaction(() => {
      const now = new Date().toISOString();
      const { assignments, values } = patchToSql(patch);
      const result = this
        .sql(
          `UPDATE payments SET ${['status = @to', ...assignments, 'updated_at = @now'].join(', ')}
           WHERE id = @id AND status = @from`,
        )
        .run({ ...values, to, from, now, id });
      if (result.changes === 0) return undefined;
      this.insertEvent(id, { ...event, fromStatus: from, toStatus: to }, now);
      return this.mustGetPayment(id);
    })();
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

  async listUnsettledPayments(checkedBefore: string, limit: number): Promise<PaymentRecord[]> {
    const rows = this
      .sql(
        `SELECT * FROM payments WHERE status IN ('created', 'pending', 'requires_action', 'refund_pending')
           AND COALESCE(checked_at, updated_at) < ? ORDER BY COALESCE(checked_at, updated_at) LIMIT ?`,
      )
      .all(checkedBefore, limit);
    return (rows as PaymentRow[]).map(paymentFromRow);
  }

  async getProviderState(key: string): Promise<string | undefined> {
    const row = this.sql('SELECT value FROM provider_state WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  async saveProviderState(key: string, value: string): Promise<void> {
    // Flushed: the value may be a rotated credential, the only one that works from now on.
    this.flushed(() =>
      this
        .sql(
          `INSERT INTO provider_state (key, value, updated_at) VALUES (?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
        )
        .run(key, value, new Date().toISOString()),
    );
  }

  async withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    // One process owns the database file, so a promise chain per name is the whole lock.
    const previous = this.locks.get(name) ?? Promise.resolve();
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => held);
    this.locks.set(name, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (this.locks.get(name) === tail) this.locks.delete(name);
    }
  }

  async close(): Promise<void> {
    this.db.close();
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

interface SessionRow {
  id: string;
  order_id: string;
  amount: number;
  currency: string;
  provider: string | null;
  description: string | null;
  customer: string | null;
  billing_address: string | null;
  return_url: string;
  locale: string;
  capture_method: string;
  created_at: string;
  expires_at: string;
}

interface PaymentRow {
  id: string;
  session_id: string;
  order_id: string;
  provider: string;
  method_id: string;
  amount: number;
  currency: string;
  status: string;
  provider_ref: string | null;
  action: string | null;
  idempotency_key: string | null;
  request_hash: string | null;
  refunded_amount: number;
  captured_amount: number | null;
  card_mask: string | null;
  card_brand: string | null;
  failure: string | null;
  created_at: string;
  updated_at: string;
  checked_at: string | null;
}

interface EventRow {
  id: number;
  payment_id: string;
  type: string;
  from_status: string | null;
  to_status: string | null;
  source: string;
  detail: string | null;
  at: string;
}

function toJson(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

function fromJson<T>(text: string | null): T | undefined {
  return text === null ? undefined : (JSON.parse(text) as T);
}

function sessionFromRow(row: SessionRow): SessionRecord {
  return withoutUndefined({
    id: row.id,
    orderId: row.order_id,
    amount: Number(row.amount),
    currency: row.currency,
    provider: (row.provider ?? undefined) as SessionRecord['provider'],
    description: row.description ?? undefined,
    customer: fromJson(row.customer),
    billingAddress: fromJson(row.billing_address),
    returnUrl: row.return_url,
    locale: row.locale,
    captureMethod: row.capture_method === 'manual' ? 'manual' : 'automatic',
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  });
}

function paymentFromRow(row: PaymentRow): PaymentRecord {
  return withoutUndefined({
    id: row.id,
    sessionId: row.session_id,
    orderId: row.order_id,
    provider: row.provider as PaymentRecord['provider'],
    methodId: row.method_id,
    amount: Number(row.amount),
    currency: row.currency,
    status: row.status as PaymentStatus,
    providerRef: row.provider_ref ?? undefined,
    action: fromJson(row.action),
    idempotencyKey: row.idempotency_key ?? undefined,
    requestHash: row.request_hash ?? undefined,
    refundedAmount: Number(row.refunded_amount),
    capturedAmount: row.captured_amount === null ? undefined : Number(row.captured_amount),
    card: row.card_mask ? withoutUndefined({ mask: row.card_mask, brand: row.card_brand ?? undefined }) : undefined,
    failure: fromJson(row.failure),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    checkedAt: row.checked_at ?? undefined,
  });
}

function eventFromRow(row: EventRow): PaymentEvent {
  return withoutUndefined({
    id: row.id,
    paymentId: row.payment_id,
    type: row.type as PaymentEvent['type'],
    fromStatus: (row.from_status ?? undefined) as PaymentStatus | undefined,
    toStatus: (row.to_status ?? undefined) as PaymentStatus | undefined,
    source: row.source,
    detail: fromJson(row.detail),
    at: row.at,
  });
}

const PATCH_COLUMNS = {
  providerRef: 'provider_ref',
  action: 'action',
  refundedAmount: 'refunded_amount',
  capturedAmount: 'captured_amount',
  failure: 'failure',
} as const;

function patchToSql(patch: PaymentPatch): { assignments: string[]; values: Record<string, unknown> } {
  const assignments: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(PATCH_COLUMNS) as [keyof typeof PATCH_COLUMNS, string][]) {
    if (!(key in patch)) continue;
    const value = patch[key];
    assignments.push(`${column} = @${key}`);
    values[key] = typeof value === 'object' || value === undefined ? toJson(value) : value;
  }
  if ('card' in patch) {
    assignments.push('card_mask = @cardMask', 'card_brand = @cardBrand');
    values.cardMask = patch.card?.mask ?? null;
    values.cardBrand = patch.card?.brand ?? null;
  }
  return { assignments, values };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
