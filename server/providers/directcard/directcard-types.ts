/**
 * directcard's wire shapes (see ../shared/providers/directcard.txt), as TypeScript types for what
 * we send and tolerant zod schemas for what directcard sends back.
 *
 * The document gives every body as a schema whose values are JSON type words ("amount":
 * "number", "expiryMonth": "string"), so the request types follow those words exactly: amounts,
 * requestPort, installmentCount and maxInstallmentCount are JSON numbers; expiry month and year
 * are two-digit strings; interestPaidByCustomer is a boolean.
 *
 * Tolerance on what comes back, because the document shows no real answer except the
 * installment options:
 * - every object passes unknown keys through (`z.looseObject`);
 * - every field of ApiPaymentResponse may be absent or null (a checkout looked up before the
 *   shopper paid has no payment yet), and amounts are read as JSON numbers or decimal strings;
 * - `success` of the 3-D Secure answer is read as a boolean or as "true"/"false";
 * - error bodies are not documented at all: `resultCode`/`resultMessage` (the words the
 *   document uses for outcomes) are read first, then a Spring-style `message`/`error`.
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Shared pieces

/** The status words the document lists for ApiPaymentResponse.status. */
export const DIRECTCARD_PAYMENT_STATUSES = ['SUCCESS', 'FAILED', 'ENROLLED'] as const;
export type DirectCardPaymentStatus = (typeof DIRECTCARD_PAYMENT_STATUSES)[number];

const amountSchema = z.union([z.number(), z.string()]);
const optionalText = z.string().nullable().optional();
const optionalAmount = amountSchema.nullable().optional();

/** Card fields shared by /api/payment, /api/pre-authorization and /api/3ds. */
export interface DirectCardCardFields {
  cardHolderName: string;
  /** The full card number. Memory only. */
  pan: string;
  /** Two digits: "04". */
  expiryMonth: string;
  /** Two digits: "28". */
  expiryYear: string;
  /** Memory only. */
  cvv: string;
}

// ---------------------------------------------------------------------------------------------
// Requests

/** POST /api/payment and POST /api/pre-authorization (the same body). */
export interface DirectCardPaymentRequest extends DirectCardCardFields {
  orderId: string;
  amount: number;
  currency: string;
  requestIp: string;
  requestPort: number;
  customerId?: string;
}

/** POST /api/pre-authorization. */
export type DirectCardPreAuthorizationRequest = DirectCardPaymentRequest;

/** POST /api/pre-authorization/{paymentId}/capture. */
export interface DirectCardCaptureRequest {
  /** Less than or equal to the pre-authorized amount. */
  amount: number;
  currency: string;
}

/** POST /api/3ds. */
export interface DirectCardThreeDSecureRequest extends DirectCardCardFields {
  orderId: string;
  amount: number;
  currency: string;
  /** Optional at directcard (default 1); we always send it. */
  installmentCount?: number;
  interestPaidByCustomer?: boolean;
  successUrl: string;
  failureUrl: string;
  requestIp: string;
  requestPort: number;
  customerId?: string;
}

/** POST /api/3ds/{paymentId}/complete. */
export interface DirectCardThreeDSecureCompleteRequest {
  securityKey: string;
}

/** POST /api/installment-options. */
export interface DirectCardInstallmentOptionsRequest {
  amount: number;
  currency: string;
  pan: string;
  maxInstallmentCount?: number;
  interestPaidByCustomer?: boolean;
}

/** POST /api/checkout. */
export interface DirectCardCheckoutRequest {
  orderId: string;
  amount: number;
  currency: string;
  description: string;
  /** Called after the payment with `checkoutId` as form data. */
  callback: string;
  customerId?: string;
  maxInstallmentCount?: number;
  interestPaidByCustomer?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Answers

/** ApiPaymentResponse: payment, pre-authorization, capture, 3-D Secure completion and checkout lookup. */
export const directCardPaymentResponseSchema = z.looseObject({
  paymentId: optionalText,
  orderId: optionalText,
  amount: optionalAmount,
  installmentCount: optionalAmount,
  currency: optionalText,
  merchantCommission: optionalAmount,
  status: optionalText,
  paymentDate: optionalText,
  cardHolderName: optionalText,
  /** Masked: "411111******1111". */
  pan: optionalText,
  domInt: optionalText,
  cardScheme: optionalText,
  cardType: optionalText,
  loyaltyCode: optionalText,
  externalTransactionId: optionalText,
  authCode: optionalText,
  resultCode: optionalText,
  resultMessage: optionalText,
  customerId: optionalText,
});
export type DirectCardPaymentResponse = z.infer<typeof directCardPaymentResponseSchema>;

const booleanLike = z.union([z.boolean(), z.enum(['true', 'false', 'TRUE', 'FALSE', 'True', 'False'])]).transform((value) =>
  typeof value === 'boolean' ? value : value.toLowerCase() === 'true',
);

/** The answer to POST /api/3ds. */
export const directCardThreeDSecureResponseSchema = z.looseObject({
  paymentId: optionalText,
  success: booleanLike.nullable().optional(),
  resultCode: optionalText,
  resultMessage: optionalText,
  htmlContent: optionalText,
});
export type DirectCardThreeDSecureResponse = z.infer<typeof directCardThreeDSecureResponseSchema>;

/** The form fields directcard posts to successUrl / failureUrl after 3-D Secure. */
export interface DirectCardThreeDSecureReturn {
  paymentId: string;
  securityKey: string;
}

export const directCardInstallmentOptionSchema = z.looseObject({
  installmentCount: z.union([z.number(), z.string()]),
  installmentAmount: amountSchema,
  currency: optionalText,
  interestAmount: optionalAmount,
  totalAmount: amountSchema,
});
export type DirectCardInstallmentOption = z.infer<typeof directCardInstallmentOptionSchema>;

/** The answer to POST /api/installment-options. */
export const directCardInstallmentOptionsResponseSchema = z.looseObject({
  options: z.array(directCardInstallmentOptionSchema).nullable().optional(),
});
export type DirectCardInstallmentOptionsResponse = z.infer<typeof directCardInstallmentOptionsResponseSchema>;

/** The answer to POST /api/checkout. */
export const directCardCheckoutResponseSchema = z.looseObject({
  checkoutId: z.string().min(1),
  redirectUrl: z.string().min(1),
});
export type DirectCardCheckoutResponse = z.infer<typeof directCardCheckoutResponseSchema>;

/** The form field directcard posts to the checkout's callback URL. */
export interface DirectCardCheckoutCallback {
  checkoutId: string;
}

/** An error answer: undocumented, read loosely. */
export const directCardErrorBodySchema = z.looseObject({
  resultCode: z.union([z.string(), z.number()]).nullable().optional(),
  resultMessage: optionalText,
  success: z.unknown().optional(),
  message: optionalText,
  error: optionalText,
});
export type DirectCardErrorBody = z.infer<typeof directCardErrorBodySchema>;
