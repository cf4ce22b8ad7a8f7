/**
 * Payment Hub's wire shapes, named after the document's JSON (../../../../shared/providers/paymenthub.txt).
 *
 * The schemas are tolerant where the document is loose or contradicts itself:
 * - Every answer is the envelope `{success, message, data}`; validation errors add `errors`, of
 *   undocumented shape (kept as unknown).
 * - Amounts are "decimal": JSON numbers in every example, but a string is accepted too.
 * - Lists that may be empty come as `null` in places (`Refunds: null`): nullish lists read as [].
 * - A refund entry writes `VendorID` in the example and `VendorId` in its field table: both read.
 * - The cancel answer carries the older flat refund fields (`RefundVendorId`, `RefundTotal`...)
 *   instead of `Refunds`: both are optional on the transaction record.
 * - Status words are kept as strings here; transformers.ts reads them (the fetch-multiple example
 *   has a transaction whose `Status` is the refund word "success refund").
 * Unknown extra fields pass through.
 */
import { z } from 'zod';

/** The transaction statuses the document names (transaction status, `Status`). */
export const PAYMENTHUB_TRANSACTION_STATUSES = ['initial', 'paid', 'expired', 'pending refund', 'partial refund', 'full refund'] as const;
export type PaymentHubTransactionStatus = (typeof PAYMENTHUB_TRANSACTION_STATUSES)[number];

/** The refund statuses the document names (a `Refunds` entry's `Status`, the refund answer's `status`). */
export const PAYMENTHUB_REFUND_STATUSES = ['pending refund', 'success refund', 'failed refund'] as const;
export type PaymentHubRefundStatus = (typeof PAYMENTHUB_REFUND_STATUSES)[number];

/** A major-unit amount as Payment Hub writes it: 5000000, 6.43 (a string is tolerated). */
const paymentHubAmount = z.union([z.number(), z.string()]);
const optionalText = z.string().nullish();
const textList = z
  .array(z.string())
  .nullish()
  .transform((items) => items ?? []);

// ---------------------------------------------------------------------------------------------
// The envelope

/** What every answer shares, success or not. `errors`: the validation details of a 400. */
export const paymentHubEnvelopeSchema = z
  .object({
    success: z.boolean().optional(),
    message: z.string().nullish(),
    data: z.unknown().optional(),
    errors: z.unknown().optional(),
  })
  .loose();
export type PaymentHubEnvelope = z.infer<typeof paymentHubEnvelopeSchema>;

/** An envelope whose `data` is read with `data`. `success` may be absent on a 2xx; false is an error (client.ts). */
export function paymentHubAnswerSchema<T extends z.ZodType>(data: T) {
  return z
    .object({
      success: z.boolean().optional(),
      message: z.string().nullish(),
      data,
    })
    .loose();
}

// ---------------------------------------------------------------------------------------------
// Tokens: POST /api/v1/auth/reset-token, /reset-refresh-token, /reset-all-token (no body; the
// refresh token is the Bearer). All three answer the same `data`.

export const paymentHubTokenDataSchema = z
  .object({
    ID: optionalText,
    IpValidation: z.boolean().nullish(),
    // Typed "optional | decimal" with a text sample ("Client"), and never read: anything is accepted.
    Name: z.unknown().optional(),
    Token: z.string().min(1),
    RefreshToken: z.string().min(1),
    Ip: optionalText,
    Domain: optionalText,
    /** ISO 8601 ("2024-03-15T07:56:38.278Z"). */
    TokenExpired: optionalText,
    RefreshTokenExpired: optionalText,
  })
  .loose();
export type PaymentHubTokenData = z.infer<typeof paymentHubTokenDataSchema>;
export const paymentHubTokenResponseSchema = paymentHubAnswerSchema(paymentHubTokenDataSchema);
export type PaymentHubTokenResponse = z.infer<typeof paymentHubTokenResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Vendors and the client's payment gateways

/** One vendor of GET /api/v1/vendor-payment-gateway (and the `vendor_payment_gateway` of a gateway). */
export const paymentHubVendorSchema = z
  .object({
    ID: optionalText,
    Name: z.string(),
    Code: optionalText,
    /** Locales for `lang`, in the vendor's own spelling ("EN", "en-gb", "zh_TW", "zh-hant"). */
    Lang: textList,
    /** Empty: the vendor's page offers all its methods (Stripe, Omise...). Repeats occur (Xendit). */
    PaymentMethod: textList,
    Currency: textList,
    Tokenize: z.boolean().nullish(),
    Tokenize3ds: z.boolean().nullish(),
    SharedCredential: z.boolean().nullish(),
  })
  .loose();
export type PaymentHubVendor = z.infer<typeof paymentHubVendorSchema>;
export const paymentHubVendorListResponseSchema = paymentHubAnswerSchema(
  z
    .array(paymentHubVendorSchema)
    .nullish()
    .transform((items) => items ?? []),
);
export type PaymentHubVendorListResponse = z.infer<typeof paymentHubVendorListResponseSchema>;

/** One of the client's gateways, GET /api/v1/payment-gateway. `ID` is what `payment_vendor` takes. */
export const paymentHubPaymentGatewaySchema = z
  .object({
    ID: z.string().min(1),
    Code: optionalText,
    /** Vendor credentials, never kept (scrubbed); null means Payment Hub's default ones. */
    Credential: z.unknown().optional(),
    ClientId: optionalText,
    vendor_payment_gateway: paymentHubVendorSchema.nullish(),
  })
  .loose();
export type PaymentHubPaymentGateway = z.infer<typeof paymentHubPaymentGatewaySchema>;
export const paymentHubPaymentGatewayListResponseSchema = paymentHubAnswerSchema(
  z
    .array(paymentHubPaymentGatewaySchema)
    .nullish()
    .transform((items) => items ?? []),
);
export type PaymentHubPaymentGatewayListResponse = z.infer<typeof paymentHubPaymentGatewayListResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Transactions

/** POST /api/v1/transactions, with the document's JSON types. */
export interface PaymentHubTransactionRequest {
  merchant_ref_code: string;
  amount: number;
  service_charge: number;
  description: string;
  first_name?: string;
  last_name?: string;
  mobile?: string;
  /** Required for Stripe and Reddot. */
  email?: string;
  currency: string;
  /** The client's payment gateway `ID`. */
  payment_vendor: string;
  /** "optional | array": absent means every method of the vendor. */
  payment_method?: string[];
  lang?: string;
  send_email: boolean;
  enable_3d_secure: boolean;
  /** "direct" or "invoice"; only Reddot reads it. */
  payment_link_type?: 'direct' | 'invoice';
  /** Called (GET) as a signal on every status change. */
  webhook_url?: string;
  success_redirect_url: string;
  failed_redirect_url: string;
  cancel_redirect_url: string;
  expires_in_minutes: number;
  link_expires_in_minutes: number;
}

export const paymentHubTransactionCreatedSchema = z.object({ payment_url: z.string().min(1) }).loose();
export const paymentHubTransactionResponseSchema = paymentHubAnswerSchema(paymentHubTransactionCreatedSchema);
export type PaymentHubTransactionResponse = z.infer<typeof paymentHubTransactionResponseSchema>;

/** One stage of a refund, in a transaction's `Refunds`. */
export const paymentHubRefundEntrySchema = z
  .object({
    Number: z.number().nullish(),
    SendDate: optionalText,
    Reason: optionalText,
    Amount: paymentHubAmount.nullish(),
    ApprovedDate: optionalText,
    VendorID: optionalText,
    VendorId: optionalText,
    Status: z.string(),
  })
  .loose();
export type PaymentHubRefundEntry = z.infer<typeof paymentHubRefundEntrySchema>;

/** A transaction as GET /transactions/{ref}, fetch-multiple and cancel answer it. */
export const paymentHubTransactionRecordSchema = z
  .object({
    ID: optionalText,
    ClientId: optionalText,
    Description: optionalText,
    FirstName: optionalText,
    LastName: optionalText,
    Amount: paymentHubAmount.nullish(),
    ServiceCharge: paymentHubAmount.nullish(),
    Mobile: optionalText,
    Currency: optionalText,
    Email: optionalText,
    // A string in the examples, an array in the create request ("optional | array"), null in the shared page's.
    PaymentMethod: z.union([z.string(), z.array(z.string())]).nullish(),
    PaymentVendor: optionalText,
    Status: z.string(),
    Total: paymentHubAmount.nullish(),
    MerchantRefCode: z.string().min(1),
    WebhookUrl: optionalText,
    PaymentFailReason: optionalText,
    Lang: optionalText,
    ExpiredAt: optionalText,
    CreatedAt: optionalText,
    UpdatedAt: optionalText,
    DeletedAt: optionalText,
    VendorId: optionalText,
    VendorOrderId: optionalText,
    VendorPaymentId: optionalText,
    VendorPaidAt: optionalText,
    VendorPaymentChannel: optionalText,
    VendorPaymentMethod: optionalText,
    Refunds: z
      .array(paymentHubRefundEntrySchema)
      .nullish()
      .transform((items) => items ?? []),
    // The cancel answer's flat refund fields.
    RefundVendorId: optionalText,
    RefundSendDate: optionalText,
    RefundReason: optionalText,
    RefundTotal: paymentHubAmount.nullish(),
    RefundApprovedDate: optionalText,
  })
  .loose();
export type PaymentHubTransactionRecord = z.infer<typeof paymentHubTransactionRecordSchema>;

/** GET /api/v1/transactions/{merchant_ref_code}. */
export const paymentHubTransactionStatusResponseSchema = paymentHubAnswerSchema(paymentHubTransactionRecordSchema);
export type PaymentHubTransactionStatusResponse = z.infer<typeof paymentHubTransactionStatusResponseSchema>;

/** POST /api/v1/transactions/fetch-multiple. */
export interface PaymentHubFetchMultipleRequest {
  merchant_ref_code: string[];
}
export const paymentHubFetchMultipleResponseSchema = paymentHubAnswerSchema(
  z
    .array(paymentHubTransactionRecordSchema)
    .nullish()
    .transform((items) => items ?? []),
);
export type PaymentHubFetchMultipleResponse = z.infer<typeof paymentHubFetchMultipleResponseSchema>;

/** POST /api/v1/transactions/{merchant_ref_code}/cancel (no body). */
export const paymentHubCancelResponseSchema = paymentHubAnswerSchema(paymentHubTransactionRecordSchema);
export type PaymentHubCancelResponse = z.infer<typeof paymentHubCancelResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Refunds

/** POST /api/v1/transactions/refund. Without `amount`: a full refund (of the remaining amount). */
export interface PaymentHubRefundRequest {
  merchant_ref_code: string;
  amount?: number;
  reason: string;
}

export const paymentHubRefundDataSchema = z
  .object({
    merchant_ref_code: optionalText,
    amount: paymentHubAmount.nullish(),
    created_at: optionalText,
    payment_method: optionalText,
    service_charge: paymentHubAmount.nullish(),
    status: z.string(),
    total: paymentHubAmount.nullish(),
  })
  .loose();
export type PaymentHubRefundData = z.infer<typeof paymentHubRefundDataSchema>;
export const paymentHubRefundResponseSchema = paymentHubAnswerSchema(paymentHubRefundDataSchema);
export type PaymentHubRefundResponse = z.infer<typeof paymentHubRefundResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Error log: POST /api/v1/transactions/log?page=N

export interface PaymentHubErrorLogRequest {
  service_name: string;
  action_name: string;
  metadata: { merchant_ref_code: string; transaction_id: string; token: string };
}

export const paymentHubErrorLogEntrySchema = z
  .object({
    ID: optionalText,
    ClientId: optionalText,
    LogLevel: optionalText,
    ServiceName: optionalText,
    ServiceEndpoint: optionalText,
    ActionName: optionalText,
    HttpCode: z.number().nullish(),
    ErrorCode: z.union([z.string(), z.number()]).nullish(),
    ErrorMessage: optionalText,
    RequestPayload: optionalText,
    ResponsePayload: optionalText,
    Metadata: z
      .array(z.object({ Key: z.string(), Value: z.string().nullish() }).loose())
      .nullish()
      .transform((items) => items ?? []),
    CreatedAt: optionalText,
  })
  .loose();
export type PaymentHubErrorLogEntry = z.infer<typeof paymentHubErrorLogEntrySchema>;
export const paymentHubErrorLogResponseSchema = paymentHubAnswerSchema(
  z
    .array(paymentHubErrorLogEntrySchema)
    .nullish()
    .transform((items) => items ?? []),
);
export type PaymentHubErrorLogResponse = z.infer<typeof paymentHubErrorLogResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Shared payment page: POST /api/v1/shared-payment/initialize

export interface PaymentHubSharedPaymentRequest {
  payment_method: { label: string; payment_method: string; payment_vendor?: string; currency?: string }[];
  payment_detail: {
    merchant_ref_code: string;
    external_id?: string;
    source_request?: string;
    amount: { mcp: boolean; founding_currency: string; value: number; mcp_rate: { currency: string; value: number }[] };
    guest_location?: string;
    hotel_location?: string;
    description?: string;
    first_name?: string;
    last_name?: string;
    mobile?: string;
    email?: string;
    lang?: string;
    webhook_url?: string;
    success_redirect_url: string;
    failed_redirect_url: string;
    cancel_redirect_url: string;
    expires_in_minutes: number;
  };
}

export const paymentHubSharedPaymentResponseSchema = paymentHubAnswerSchema(
  z
    .object({
      payment_link: z.string().min(1),
      shared_payment: z.object({ ID: z.string().min(1) }).loose(),
    })
    .loose(),
);
export type PaymentHubSharedPaymentResponse = z.infer<typeof paymentHubSharedPaymentResponseSchema>;
