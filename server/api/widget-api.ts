/**
 * The widget API: what `<pay-checkout>` sends to the proxy and gets back. The server validates
 * requests with these zod schemas; the widget imports the types only (`import type`), so no
 * validation library ships to the browser.
 *
 *   GET  /api/checkout                  -> CheckoutView          (session summary + methods, one round trip)
 *   POST /api/checkout/payments         PayRequest -> PayResponse  (header Idempotency-Key required)
 *   GET  /api/checkout/payments/:id     -> PaymentView           (refreshes from the provider when unsettled)
 *
 * Every call carries `Authorization: Bearer <session token>` and the page's Origin.
 */
import { z } from 'zod';
import type { PaymentStatus } from '../payments/payment-status.js';
import type { MethodField, PaymentAction, PaymentMethod } from '../providers/provider.js';

export type { MethodField, PaymentAction, PaymentStatus };

export const payRequestSchema = z.strictObject({
  methodId: z.string().min(1).max(200),
  fields: z.record(z.string().max(100), z.string().max(500)).default({}),
});
export type PayRequest = z.input<typeof payRequestSchema>;

/** A method as the element shows it; amounts are minor units of the session currency. */
export type MethodView = Pick<PaymentMethod, 'id' | 'name' | 'category' | 'logoUrl' | 'iconUrl' | 'fields'>;

export interface PaymentView {
  id: string;
  status: PaymentStatus;
  amount: number;
  currency: string;
  /** Present while the shopper has something to do. */
  action?: PaymentAction;
  failure?: { code: string; message: string };
}

export interface CheckoutView {
  session: {
    id: string;
    orderId: string;
    amount: number;
    currency: string;
    /** Digits after the decimal point for `currency` (ISO 4217), for formatting minor units. */
    currencyExponent: number;
    description?: string;
    locale: string;
    expiresAt: string;
  };
  methods: MethodView[];
  /** The session's latest payment, so a shopper coming back sees where it stands. */
  payment?: PaymentView;
}

export interface PayResponse {
  payment: PaymentView;
}

/** The error body of every failed call. */
export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** The message a proxy return page posts to the element when a framed hosted page finishes. */
export interface ReturnMessage {
  type: 'pay-checkout:return';
  paymentId: string;
}
