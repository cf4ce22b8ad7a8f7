import type { PaymentStatus, PaymentView } from '../server/api/widget-api.js';

/**
 * How the element treats each normalized status. A `Record` over the whole union, so a status
 * added on the server fails type-checking here until the element knows what to show for it.
 */
export type Outcome = 'unsettled' | 'success' | 'refunded' | 'failure';

const OUTCOMES: Record<PaymentStatus, Outcome> = {
  created: 'unsettled',
  pending: 'unsettled',
  requires_action: 'unsettled',
  authorized: 'success',
  succeeded: 'success',
  refund_pending: 'refunded',
  partially_refunded: 'refunded',
  refunded: 'refunded',
  failed: 'failure',
  canceled: 'failure',
  expired: 'failure',
};

export function outcomeOf(status: PaymentStatus): Outcome {
  return OUTCOMES[status] ?? 'unsettled';
}

/** The shopper's part is over: the element shows the result and emits pay-complete. */
export function isFinalStatus(status: PaymentStatus): boolean {
  return outcomeOf(status) !== 'unsettled';
}

/** The payment ended without money moving, so the session may try again with another method. */
export function allowsNewAttempt(status: PaymentStatus): boolean {
  return outcomeOf(status) === 'failure';
}

/**
 * The payment is waiting for the shopper (a provider page, 3-D Secure) and says where to go, so
 * the shopper can take it up again: "Continue payment", or pay anew with another method.
 */
export function canContinue(payment: PaymentView): boolean {
  return !isFinalStatus(payment.status) && payment.action !== undefined;
}
