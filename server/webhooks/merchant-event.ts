import { randomUUID } from 'node:crypto';
import { toMerchantPayment, type MerchantPayment } from '../api/merchant-payment.js';
import { isShopperFinal, type PaymentStatus } from '../payments/payment-status.js';
import type { NewOutboxMessage, PaymentRecord } from '../store/store.js';

/**
 * The normalized event posted to MERCHANT_WEBHOOK_URL when a payment reaches a final status (one
 * where the shopper's part is over: authorized, succeeded, failed, canceled, expired, and each
 * refund step). `id` is unique per event and stays the same on every retry: deduplicate by it.
 */
export interface MerchantWebhookEvent {
  id: string;
  type: `payment.${PaymentStatus}`;
  /** When the status changed (ISO-8601 UTC). */
  createdAt: string;
  data: {
    previousStatus: PaymentStatus;
    payment: MerchantPayment;
  };
}

export function isWebhookStatus(status: PaymentStatus): boolean {
  return isShopperFinal(status);
}

/** The outbox message for a payment that has just moved from `previousStatus` to `payment.status`. */
export function paymentEventMessage(payment: PaymentRecord, previousStatus: PaymentStatus, at = new Date().toISOString()): NewOutboxMessage {
  const event: MerchantWebhookEvent = {
    id: `evt_${randomUUID().replaceAll('-', '')}`,
    type: `payment.${payment.status}`,
    createdAt: at,
    data: {
      previousStatus,
      // The status has just changed: the record's own updatedAt is the previous change's.
      payment: toMerchantPayment({ ...payment, updatedAt: at }),
    },
  };
  return { id: event.id, paymentId: payment.id, type: event.type, body: JSON.stringify(event) };
}
