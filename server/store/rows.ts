import type { PaymentStatus } from '../payments/payment-status.js';
import type { OutboxMessage, PaymentEvent, PaymentPatch, PaymentRecord, SessionRecord } from './store.js';

/**
 * Rows as both stores read them, and their mapping to records. The column types are those of the
 * migrations; PostgreSQL returns BIGINT columns as strings, hence the Number() on every amount.
 */

export interface SessionRow {
  id: string;
  order_id: string;
  amount: number | string;
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

export interface PaymentRow {
  id: string;
  session_id: string;
  order_id: string;
  provider: string;
  method_id: string;
  amount: number | string;
  currency: string;
  status: string;
  provider_ref: string | null;
  action: string | null;
  idempotency_key: string | null;
  request_hash: string | null;
  refunded_amount: number | string;
  captured_amount: number | string | null;
  card_mask: string | null;
  card_brand: string | null;
  installment_count: number | string | null;
  installment_total: number | string | null;
  failure: string | null;
  created_at: string;
  updated_at: string;
  checked_at: string | null;
}

export interface EventRow {
  id: number | string;
  payment_id: string;
  type: string;
  from_status: string | null;
  to_status: string | null;
  source: string;
  detail: string | null;
  at: string;
}

export interface OutboxRow {
  id: string;
  payment_id: string | null;
  type: string;
  body: string;
  attempts: number | string;
  next_attempt_at: string;
  created_at: string;
  delivered_at: string | null;
  last_error: string | null;
}

export interface IdempotencyRow {
  request_hash: string;
  status_code: number | null;
  response_body: string | null;
}

export function outboxFromRow(row: OutboxRow): OutboxMessage {
  return withoutUndefined({
    id: row.id,
    paymentId: row.payment_id ?? undefined,
    type: row.type,
    body: row.body,
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at ?? undefined,
    lastError: row.last_error ?? undefined,
  });
}

export function toJson(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

function fromJson<T>(text: string | null): T | undefined {
  return text === null ? undefined : (JSON.parse(text) as T);
}

export function sessionFromRow(row: SessionRow): SessionRecord {
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

export function paymentFromRow(row: PaymentRow): PaymentRecord {
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
    installments:
      row.installment_count === null || row.installment_total === null
        ? undefined
        : { count: Number(row.installment_count), totalAmount: Number(row.installment_total) },
    failure: fromJson(row.failure),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    checkedAt: row.checked_at ?? undefined,
  });
}

export function eventFromRow(row: EventRow): PaymentEvent {
  return withoutUndefined({
    id: Number(row.id),
    paymentId: row.payment_id,
    type: row.type as PaymentEvent['type'],
    fromStatus: (row.from_status ?? undefined) as PaymentStatus | undefined,
    toStatus: (row.to_status ?? undefined) as PaymentStatus | undefined,
    source: row.source,
    detail: fromJson(row.detail),
    at: row.at,
  });
}

/** The columns a patch sets, with their values as stored (JSON fields as text). */
export function patchColumns(patch: PaymentPatch): [column: string, value: unknown][] {
  const columns: [string, unknown][] = [];
  for (const [key, column] of Object.entries(PATCH_COLUMNS) as [keyof typeof PATCH_COLUMNS, string][]) {
    if (!(key in patch)) continue;
    const value = patch[key];
    columns.push([column, typeof value === 'object' || value === undefined ? toJson(value) : value]);
  }
  if ('card' in patch) columns.push(['card_mask', patch.card?.mask ?? null], ['card_brand', patch.card?.brand ?? null]);
  return columns;
}

const PATCH_COLUMNS = {
  providerRef: 'provider_ref',
  action: 'action',
  refundedAmount: 'refunded_amount',
  capturedAmount: 'captured_amount',
  failure: 'failure',
} as const;

// A loop rather than entries/filter/fromEntries: it runs for every row read, on the element's hot path.
function withoutUndefined<T extends object>(value: T): T {
  const defined: Record<string, unknown> = {};
  for (const key in value) {
    const field = value[key];
    if (field !== undefined) defined[key] = field;
  }
  return defined as T;
}
