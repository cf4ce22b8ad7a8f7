/**
 * Versioned schema migrations of the SQLite store, applied in order and recorded in
 * `schema_migrations`. Kept close to the SQL PostgreSQL accepts (TEXT, BIGINT, CHECK, UNIQUE) so a
 * PostgreSQL store can mirror them version for version; only the auto-increment key differs.
 * Never edit a migration that has shipped: add the next one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'sessions, payments and payment events',
    sql: `
      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        order_id TEXT NOT NULL,
        amount BIGINT NOT NULL CHECK (amount > 0),
        currency TEXT NOT NULL,
        provider TEXT,
        description TEXT,
        customer TEXT,
        billing_address TEXT,
        return_url TEXT NOT NULL,
        locale TEXT NOT NULL,
        capture_method TEXT NOT NULL DEFAULT 'automatic',
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );
      CREATE INDEX sessions_order_id ON sessions (order_id);

      CREATE TABLE payments (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions (id),
        order_id TEXT NOT NULL,
        provider TEXT NOT NULL,
        method_id TEXT NOT NULL,
        amount BIGINT NOT NULL CHECK (amount > 0),
        currency TEXT NOT NULL,
        status TEXT NOT NULL,
        provider_ref TEXT,
        action TEXT,
        idempotency_key TEXT,
        request_hash TEXT,
        refunded_amount BIGINT NOT NULL DEFAULT 0,
        captured_amount BIGINT,
        card_mask TEXT,
        card_brand TEXT,
        failure TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        checked_at TEXT,
        UNIQUE (session_id, idempotency_key)
      );
      -- At most one payment per session is being created at a time: a second concurrent pay waits its turn.
      CREATE UNIQUE INDEX payments_one_creating_per_session ON payments (session_id) WHERE status = 'created';
      CREATE INDEX payments_order_id ON payments (order_id);
      CREATE INDEX payments_status_checked ON payments (status, checked_at);
      CREATE UNIQUE INDEX payments_provider_ref ON payments (provider, provider_ref);

      CREATE TABLE payment_events (
        id INTEGER PRIMARY KEY,
        payment_id TEXT NOT NULL REFERENCES payments (id),
        type TEXT NOT NULL,
        from_status TEXT,
        to_status TEXT,
        source TEXT NOT NULL,
        detail TEXT,
        at TEXT NOT NULL
      );
      CREATE INDEX payment_events_payment ON payment_events (payment_id, id);
    `,
  },
  {
    version: 2,
    name: 'provider state',
    sql: `
      CREATE TABLE provider_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'merchant webhook outbox and merchant API idempotency keys',
    sql: `
      CREATE TABLE outbox (
        id TEXT PRIMARY KEY,
        payment_id TEXT REFERENCES payments (id),
        type TEXT NOT NULL,
        body TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        created_at TEXT NOT NULL,
        delivered_at TEXT,
        last_error TEXT
      );
      -- Dispatchers look only at what is still to deliver, the earliest due first.
      CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL;
      CREATE INDEX outbox_payment ON outbox (payment_id);

      CREATE TABLE idempotency_keys (
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        status_code INTEGER,
        response_body TEXT,
        created_at TEXT NOT NULL,
        completed_at TEXT,
        PRIMARY KEY (scope, key)
      );
    `,
  },
  {
    version: 4,
    name: 'no index on sessions.order_id',
    // No query reads sessions by order (payments carry the order id, with their own index), and
    // every session creation paid for this index with one more page written to the WAL.
    sql: `
      DROP INDEX IF EXISTS sessions_order_id;
    `,
  },
  {
    version: 5,
    name: 'installment plan of a payment',
    // The total the shopper agreed to (interest included) differs from the order's amount, and
    // the result screen and the merchant must show what was charged.
    sql: `
      ALTER TABLE payments ADD COLUMN installment_count INTEGER;
      ALTER TABLE payments ADD COLUMN installment_total BIGINT;
    `,
  },
];
