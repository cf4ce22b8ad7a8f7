/**
 * The normalized payment status every provider maps onto (see ARCHITECTURE.md).
 * Kept as a const tuple so zod schemas, SQL checks and exhaustive switches share one list.
 */
export const PAYMENT_STATUSES = [
  'created',
  'pending',
  'requires_action',
  'authorized',
  'succeeded',
  'failed',
  'canceled',
  'expired',
  'refund_pending',
  'partially_refunded',
  'refunded',
] as const;

export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** Statuses after which the shopper's part is over: the element shows a result screen. */
export const SHOPPER_FINAL_STATUSES: ReadonlySet<PaymentStatus> = new Set([
  'authorized',
  'succeeded',
  'failed',
  'canceled',
  'expired',
  'refund_pending',
  'partially_refunded',
  'refunded',
]);

export function isShopperFinal(status: PaymentStatus): boolean {
  return SHOPPER_FINAL_STATUSES.has(status);
}
