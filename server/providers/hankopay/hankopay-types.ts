/**
 * HankoPay's wire shapes (see ../shared/providers/hankopay.txt), as TypeScript types for what we
 * send and tolerant zod schemas for what HankoPay sends back.
 *
 * JSON types follow the document's examples exactly: amounts are JSON numbers (major units, see
 * the adapter's header), expiryMonth and expiryYear are strings ("01", "2030"), every id is a
 * string.
 *
 * Tolerance on what comes back, because the document shows one example per answer and none for
 * transaction details, callbacks or errors:
 * - every object passes unknown keys through (`z.looseObject`);
 * - fields beyond the ids may be absent or null; amounts are read as numbers or decimal strings;
 * - a transaction record is read with `_id` (the list's word), `transactionId` or `id`, and
 *   `fromAmount` (the list's word) or `amount`; a field of another type than expected (a numeric
 *   statusId) is dropped, not refused; the details answer may wrap it in `data` or `transaction`,
 *   or not wrap it at all, and is never refused for its shape (the document gives none);
 * - error bodies are not documented: every answer carries `success`, so an error is read as
 *   `{success: false, message | error | code}` in any combination.
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Status words

/**
 * Transaction status words. The document names `pending` and `success` only; the others are the
 * words a card gateway uses for the outcomes the document implies (a `failure` URL, refunds) and
 * the simulator's words for them. An unknown word is never read as final (see transformers).
 */
export const HANKOPAY_TRANSACTION_STATUSES = [
  'pending', // documented
  'success', // documented
  'failed',
  'declined',
  'cancelled',
  'expired',
  'refunded',
  'partially_refunded',
] as const;
export type HankoPayStatus = (typeof HANKOPAY_TRANSACTION_STATUSES)[number];

/** Refund status words: the document names `pending`; `success` and `failed` are its outcomes. */
export const HANKOPAY_REFUND_STATUSES = ['pending', 'success', 'failed'] as const;
export type HankoPayRefundStatus = (typeof HANKOPAY_REFUND_STATUSES)[number];

/** Payout status words: the document names `pending`; `success` and `failed` are its outcomes. */
export const HANKOPAY_PAYOUT_STATUSES = ['pending', 'success', 'failed'] as const;
export type HankoPayPayoutStatus = (typeof HANKOPAY_PAYOUT_STATUSES)[number];

const amountSchema = z.union([z.number(), z.string()]);
const optionalText = z.string().nullable().optional();
const optionalAmount = amountSchema.nullable().optional();

// ---------------------------------------------------------------------------------------------
// Requests

export interface HankoPayCustomer {
  firstName: string;
  lastName?: string;
  email?: string;
  phone?: string;
  ipAddress: string;
}

export interface HankoPayBillingAddress {
  street1?: string;
  street2?: string;
  city?: string;
  state?: string;
  country?: string;
  postalCode?: string;
}

export interface HankoPayUrls {
  success: string;
  failure: string;
  callback: string;
}

/** The card of a transaction. Memory only: never logged, never stored. */
export interface HankoPayCardPaymentMethod {
  cardNumber: string;
  cardholderName: string;
  cardSecurityCode: string;
  /** Two digits: "01". */
  expiryMonth: string;
  /** Four digits: "2030". */
  expiryYear: string;
}

/** POST /api/v1/transactions. */
export interface HankoPayTransactionRequest {
  orderId: string;
  amount: number;
  currency: string;
  customer: HankoPayCustomer;
  billingAddress?: HankoPayBillingAddress;
  urls: HankoPayUrls;
  paymentMethod: HankoPayCardPaymentMethod;
  metadata?: Record<string, string>;
}

/** POST /api/v1/transactions/:transactionId/refund. */
export interface HankoPayRefundRequest {
  amount: number;
  reason: string;
  metadata?: Record<string, string>;
}

/** The payout card: no security code and no holder name in the document's example. */
export interface HankoPayPayoutPaymentMethod {
  cardNumber: string;
  expiryMonth: string;
  expiryYear: string;
}

/** POST /api/v1/payouts. */
export interface HankoPayPayoutRequest {
  orderId: string;
  amount: number;
  currency: string;
  beneficiary: HankoPayCustomer | (Omit<HankoPayCustomer, 'ipAddress'> & { ipAddress?: string });
  billingAddress?: HankoPayBillingAddress;
  destination: Record<string, string>;
  paymentMethod?: HankoPayPayoutPaymentMethod;
  urls?: { callback: string };
}

// ---------------------------------------------------------------------------------------------
// Answers

/** The answer to POST /api/v1/transactions. */
export const hankoPayTransactionResponseSchema = z.looseObject({
  success: z.union([z.boolean(), z.string()]).nullable().optional(),
  transactionId: z.string().min(1),
  orderId: optionalText,
  status: optionalText,
  statusReason: optionalText,
  statusId: optionalText,
  paymentLink: optionalText,
  createdAt: optionalText,
});
export type HankoPayTransactionResponse = z.infer<typeof hankoPayTransactionResponseSchema>;

/** The answer to GET /api/v1/transactions/:transactionId/status. */
export const hankoPayStatusResponseSchema = z.looseObject({
  success: z.union([z.boolean(), z.string()]).nullable().optional(),
  transactionId: optionalText,
  orderId: optionalText,
  status: z.string(),
  statusReason: optionalText,
  statusId: optionalText,
  updatedAt: optionalText,
});
export type HankoPayStatusResponse = z.infer<typeof hankoPayStatusResponseSchema>;

/** Text; anything else is dropped. */
const lenientText = z.string().nullable().optional().catch(undefined);
/** An id or a statusId: text, or a number written as text; anything else is dropped. */
const lenientId = z
  .union([z.string(), z.number().transform(String)])
  .nullable()
  .optional()
  .catch(undefined);
/** An amount as a number or a decimal string; anything else is dropped. */
const lenientAmount = amountSchema.nullable().optional().catch(undefined);

/**
 * One stored transaction, as the list shows it (`_id`, `orderId`, `status`, `fromAmount`,
 * `currency`) and, read the same way, whatever the details endpoint answers: a field of an
 * unexpected type is dropped, never a reason to refuse the record.
 */
export const hankoPayTransactionRecordSchema = z.looseObject({
  _id: lenientId,
  id: lenientId,
  transactionId: lenientId,
  referenceTransactionId: lenientId,
  orderId: lenientId,
  status: lenientText,
  statusReason: lenientText,
  statusId: lenientId,
  fromAmount: lenientAmount,
  amount: lenientAmount,
  currency: lenientText,
  refundedAmount: lenientAmount,
  paymentLink: lenientText,
  createdAt: lenientText,
  updatedAt: lenientText,
});
export type HankoPayTransactionRecord = z.infer<typeof hankoPayTransactionRecordSchema>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * GET /api/v1/transactions/:transactionId, whose shape the document does not give: the record
 * wrapped in `data` or `transaction`, or bare. Never refused: what cannot be read is left out.
 */
export const hankoPayTransactionDetailsSchema = z.unknown().transform((body): HankoPayTransactionRecord => {
  const outer = isObject(body) ? body : {};
  const inner = [outer.data, outer.transaction].find(isObject) ?? outer;
  return hankoPayTransactionRecordSchema.parse(inner);
});

/** The record's transaction id: `_id` (the list's word), else `transactionId`, else `id`. */
export function recordIdOf(record: HankoPayTransactionRecord | undefined): string | undefined {
  return record?._id ?? record?.transactionId ?? record?.id ?? undefined;
}

export const hankoPayPaginationSchema = z.looseObject({
  page: z.coerce.number().int(),
  limit: z.coerce.number().int(),
  total: z.coerce.number().int(),
  pages: z.coerce.number().int(),
});

/** The answer to GET /api/v1/transactions?limit=&page=. */
export const hankoPayTransactionListSchema = z.looseObject({
  success: z.union([z.boolean(), z.string()]).nullable().optional(),
  data: z.array(hankoPayTransactionRecordSchema),
  pagination: hankoPayPaginationSchema,
});
export type HankoPayTransactionList = z.infer<typeof hankoPayTransactionListSchema>;

/** The answer to POST /api/v1/transactions/:transactionId/refund. */
export const hankoPayRefundResponseSchema = z.looseObject({
  success: z.union([z.boolean(), z.string()]).nullable().optional(),
  refundTransactionId: optionalText,
  referenceTransactionId: optionalText,
  status: optionalText,
  statusId: optionalText,
});
export type HankoPayRefundResponse = z.infer<typeof hankoPayRefundResponseSchema>;

/** The answer to POST /api/v1/payouts. */
export const hankoPayPayoutResponseSchema = z.looseObject({
  success: z.union([z.boolean(), z.string()]).nullable().optional(),
  payoutTransactionId: optionalText,
  orderId: optionalText,
  status: optionalText,
  statusId: optionalText,
  payoutLink: optionalText,
  createdAt: optionalText,
});
export type HankoPayPayoutResponse = z.infer<typeof hankoPayPayoutResponseSchema>;

export const hankoPayWalletSchema = z.looseObject({
  walletId: optionalText,
  currency: z.string(),
  amount: amountSchema,
  paymentMethod: optionalText,
  status: optionalText,
});
export type HankoPayWallet = z.infer<typeof hankoPayWalletSchema>;

/** The answer to GET /api/v1/wallet/balance. */
export const hankoPayBalanceResponseSchema = z.looseObject({
  success: z.union([z.boolean(), z.string()]).nullable().optional(),
  balance: z.looseObject({ wallets: z.array(hankoPayWalletSchema) }),
});
export type HankoPayBalanceResponse = z.infer<typeof hankoPayBalanceResponseSchema>;

/** A callback body (undocumented): only the ids are read, and only as a signal. */
export const hankoPayCallbackSchema = z.looseObject({
  transactionId: optionalText,
  _id: optionalText,
  orderId: optionalText,
});

/** An error body (undocumented): `{success: false, message | error | code}`. */
export const hankoPayErrorBodySchema = z.looseObject({
  success: z.union([z.boolean(), z.string()]).nullable().optional(),
  message: z.unknown().optional(),
  error: z.unknown().optional(),
  code: z.unknown().optional(),
});
