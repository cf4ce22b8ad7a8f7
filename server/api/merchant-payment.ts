import { toMajorString } from '../payments/money.js';
import type { PaymentRecord } from '../store/store.js';

/**
 * The normalized payment as the merchant sees it, the same in `GET /api/payments/:id` and in the
 * `data.payment` of a webhook event: amounts both as integer minor units and as the major-unit
 * decimal string the merchant sent. The card appears masked only (first six, last four).
 */
export function toMerchantPayment(payment: PaymentRecord) {
  return {
    id: payment.id,
    orderId: payment.orderId,
    sessionId: payment.sessionId,
    provider: payment.provider,
    methodId: payment.methodId,
    status: payment.status,
    amount: toMajorString(payment.amount, payment.currency),
    amountMinor: payment.amount,
    refundedAmount: toMajorString(payment.refundedAmount, payment.currency),
    refundedAmountMinor: payment.refundedAmount,
    ...(payment.capturedAmount !== undefined
      ? { capturedAmount: toMajorString(payment.capturedAmount, payment.currency), capturedAmountMinor: payment.capturedAmount }
      : {}),
    currency: payment.currency,
    providerReference: payment.providerRef,
    card: payment.card,
    // What the shopper agreed to pay in installments, interest included; `amount` is the order's.
    ...(payment.installments
      ? {
          installments: {
            count: payment.installments.count,
            totalAmount: toMajorString(payment.installments.totalAmount, payment.currency),
            totalAmountMinor: payment.installments.totalAmount,
          },
        }
      : {}),
    failure: payment.failure,
    createdAt: payment.createdAt,
    updatedAt: payment.updatedAt,
  };
}

export type MerchantPayment = ReturnType<typeof toMerchantPayment>;
