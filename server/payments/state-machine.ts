import type { PaymentStatus } from './payment-status.js';

/**
 * Legal moves of a payment. A status not listed as a source is terminal.
 *
 * - `pending` and `requires_action` may alternate: a provider can ask for another step.
 * - `refund_pending` may fall back to `succeeded` (or stay partially refunded) when a refund fails.
 * - `partially_refunded` may move to itself with a new refunded amount; that is recorded, not refused.
 */
const TRANSITIONS: Record<PaymentStatus, readonly PaymentStatus[]> = {
  created: ['pending', 'requires_action', 'authorized', 'succeeded', 'failed', 'canceled', 'expired'],
  pending: ['requires_action', 'authorized', 'succeeded', 'failed', 'canceled', 'expired'],
  requires_action: ['pending', 'authorized', 'succeeded', 'failed', 'canceled', 'expired'],
  authorized: ['succeeded', 'failed', 'canceled', 'expired'],
  succeeded: ['refund_pending', 'partially_refunded', 'refunded'],
  refund_pending: ['succeeded', 'partially_refunded', 'refunded'],
  partially_refunded: ['refund_pending', 'refunded'],
  failed: [],
  canceled: [],
  expired: [],
  refunded: [],
};

export type TransitionVerdict =
  | { kind: 'apply' }
  | { kind: 'noop' }
  | { kind: 'illegal'; reason: string };

/** Decides whether `from → to` may happen. The same status twice is a no-op, never an error. */
export function judgeTransition(from: PaymentStatus, to: PaymentStatus): TransitionVerdict {
  if (from === to) return { kind: 'noop' };
  if (TRANSITIONS[from].includes(to)) return { kind: 'apply' };
  return { kind: 'illegal', reason: `a ${from} payment cannot become ${to}` };
}

export function isTerminal(status: PaymentStatus): boolean {
  return TRANSITIONS[status].length === 0;
}
