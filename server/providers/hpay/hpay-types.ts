/**
 * HPAY's wire shapes, named after the document's JSON (../../../../shared/providers/hpay.txt).
 *
 * The schemas are tolerant where the document itself is: amounts come as JSON numbers in requests
 * and in getToken's balance, as strings in the payment answer and the history ("100", "7000.00"),
 * and `fees` is a number in one answer and a string in the other, so every amount field takes
 * either. Unknown extra fields pass through.
 */
import { z } from 'zod';

export const HPAY_MODES = ['TEST', 'PROD'] as const;
export type HpayMode = (typeof HPAY_MODES)[number];

/** The transaction statuses the document names (getPaymentHistory's `statut` filter and `status`). */
export const HPAY_TRANSACTION_STATUSES = ['UNPAID', 'PAID'] as const;
export type HpayTransactionStatus = (typeof HPAY_TRANSACTION_STATUSES)[number];

/** A major-unit amount as HPAY writes it: 14900, 0.5, "100", "7000.00". */
const hpayAmount = z.union([z.number(), z.string()]);

// ---------------------------------------------------------------------------------------------
// Requests (exactly the document's field names)

/** POST /getToken/. Note `api_public_key` here, `public_key` on /payment/ and /getPaymentHistory/. */
export interface HpayTokenRequest {
  api_key: string;
  api_public_key: string;
  api_secret_key: string;
  mode: HpayMode;
}

/** POST /payment/. `amount` in major units of the account's currency, as a JSON number. */
export interface HpayPaymentRequest {
  api_key: string;
  public_key: string;
  mode: HpayMode;
  amount: number;
  product_name: string;
  description: string;
  notify_url: string;
  success_url: string;
  cancel_url: string;
  token: string;
}

/** POST /getPaymentHistory/. Empty strings mean "no filter", as the example's `transaction_id`. */
export interface HpayPaymentHistoryRequest {
  api_key: string;
  public_key: string;
  mode: HpayMode;
  /** "UNPAID", "PAID" or "" (both). The document spells it `statut`. */
  statut: HpayTransactionStatus | '';
  /** yyyy-mm-dd or "". */
  date_from: string;
  date_to: string;
  /** "offset,count", as the example's "0,50". */
  fetch_limit: string;
  transaction_id: string;
  token: string;
}

/** POST /getCollectBalance/. The document sends no mode and no secret key here. */
export interface HpayCollectBalanceRequest {
  api_key: string;
  api_public_key: string;
  token: string;
}

// ---------------------------------------------------------------------------------------------
// Answers

/** The envelope every answer shares. Errors are not documented: see client.ts. */
export const hpayEnvelopeSchema = z
  .object({
    success: z.boolean().optional(),
    message: z.string().optional(),
    error_code: z.union([z.number(), z.string()]).optional(),
  })
  .loose();
export type HpayEnvelope = z.infer<typeof hpayEnvelopeSchema>;

export const hpayTokenResponseSchema = z
  .object({
    success: z.literal(true),
    message: z.string().optional(),
    token: z.string().min(1),
    /** "15mn" in the document. */
    livetime: z.string().optional(),
    /** Epoch seconds. */
    time_generated: z.number().optional(),
    error_code: z.union([z.number(), z.string()]).optional(),
    company: z.string().optional(),
    mode: z.string().optional(),
    balance: z
      .object({
        currency: z.string(),
        main_balance: hpayAmount.optional(),
        profit_balance: hpayAmount.optional(),
      })
      .loose()
      .optional(),
  })
  .loose();
export type HpayTokenResponse = z.infer<typeof hpayTokenResponseSchema>;

export const hpayPaymentResponseSchema = z
  .object({
    success: z.literal(true),
    message: z.string().optional(),
    amount: hpayAmount,
    fees: hpayAmount.optional(),
    currency: z.string(),
    transaction_id: z.string().min(1),
    mode: z.string().optional(),
    company: z.string().optional(),
    checkout_url: z.string().min(1),
  })
  .loose();
export type HpayPaymentResponse = z.infer<typeof hpayPaymentResponseSchema>;

export const hpayHistoryEntrySchema = z
  .object({
    transaction_id: z.string().min(1),
    amount: hpayAmount,
    fees: hpayAmount.optional(),
    profit: hpayAmount.optional(),
    currency: z.string(),
    mode: z.string().optional(),
    /** UNPAID or PAID; any other word is kept and read as not paid. */
    status: z.string(),
    product: z.string().optional(),
    description: z.string().optional(),
    payment_link: z.string().optional(),
    /** "2025-11-08 14:42:34", no time zone. */
    date_generated: z.string().optional(),
  })
  .loose();
export type HpayHistoryEntry = z.infer<typeof hpayHistoryEntrySchema>;

export const hpayPaymentHistoryResponseSchema = z
  .object({
    success: z.literal(true),
    message: z.string().optional(),
    error_code: z.union([z.number(), z.string()]).optional(),
    // A history with nothing in it may come as null or be left out.
    history: z
      .array(hpayHistoryEntrySchema)
      .nullish()
      .transform((rows) => rows ?? []),
  })
  .loose();
export type HpayPaymentHistoryResponse = z.infer<typeof hpayPaymentHistoryResponseSchema>;

export const hpayCollectBalanceResponseSchema = z
  .object({
    success: z.literal(true),
    message: z.string().optional(),
    error_code: z.union([z.number(), z.string()]).optional(),
    entreprise_name: z.string().optional(),
    entreprise_contact: z.string().optional(),
    entreprise_currency: z.string(),
    main_balance: hpayAmount,
    profit_balance: hpayAmount,
  })
  .loose();
export type HpayCollectBalanceResponse = z.infer<typeof hpayCollectBalanceResponseSchema>;
