/**
 * The widget API: what `<pay-checkout>` sends to the proxy and gets back. The server validates
 * requests with these zod schemas; the widget imports the types only (`import type`), so no
 * validation library ships to the browser.
 *
 *   GET  /api/checkout?locale=tr-TR     -> CheckoutView          (session summary + methods + texts, one round trip)
 *   POST /api/checkout/payments         PayRequest -> PayResponse  (header Idempotency-Key required)
 *   GET  /api/checkout/payments/:id     -> PaymentView           (refreshes from the provider when unsettled)
 *   POST /api/checkout/installments     InstallmentsRequest -> InstallmentsResponse (card methods with installments)
 *
 * Every call carries `Authorization: Bearer <session token>` and the page's Origin.
 */
import { z } from 'zod';
import type { PaymentStatus } from '../payments/payment-status.js';
import type { MethodField, PaymentAction, PaymentMethod } from '../providers/provider.js';

export type { MethodField, PaymentAction, PaymentStatus };

const digits = (min: number, max: number, what: string) =>
  z.string().regex(new RegExp(`^\\d{${min},${max}}$`), `must be ${min === max ? min : `${min} to ${max}`} digits: ${what}`);

/**
 * Card details for methods with `cardEntry`. They pass through the proxy's memory to the provider
 * and are never stored, logged or echoed; only the provider's masked number is kept.
 */
export const cardSchema = z.strictObject({
  number: digits(12, 19, 'the card number without spaces'),
  expiryMonth: z.string().regex(/^(0[1-9]|1[0-2])$/, 'must be a month from 01 to 12'),
  expiryYear: z.string().regex(/^\d{2}$|^\d{4}$/, 'must be a year such as 29 or 2029'),
  securityCode: digits(3, 4, 'the security code'),
  holderName: z.string().trim().min(1, 'is required').max(100),
});
export type CardInput = z.input<typeof cardSchema>;

export const payRequestSchema = z.strictObject({
  methodId: z.string().min(1).max(200),
  fields: z.record(z.string().max(100), z.string().max(500)).default({}),
  card: cardSchema.optional(),
  /** A count offered by `POST /api/checkout/installments` for this card; absent or 1 is a single payment. */
  installments: z.number().int().min(1).max(48).optional(),
});
export type PayRequest = z.input<typeof payRequestSchema>;

/** Only the card's leading digits (its BIN) leave the element before paying, never the whole number. */
export const installmentsRequestSchema = z.strictObject({
  methodId: z.string().min(1).max(200),
  bin: digits(6, 8, "the card number's first 6 to 8 digits"),
});
export type InstallmentsRequest = z.input<typeof installmentsRequestSchema>;

/** One way to split the payment; amounts in minor units of the session currency. */
export interface InstallmentOptionView {
  count: number;
  installmentAmount: number;
  totalAmount: number;
  /** Percent, where the provider gives it (3.5 means 3.5 %). */
  interestRate?: number;
}

export interface InstallmentsResponse {
  /** Offered counts above 1, fewest first; empty when the card has none. A single payment is always possible. */
  options: InstallmentOptionView[];
}

/**
 * A BCP 47 language tag as `Intl` reads it (`tr`, `tr-TR`, `zh-Hant-TW`). The element sends only
 * canonical tags, so a malformed one is a caller's mistake and gets a 400 naming `locale`,
 * rather than being quietly answered in another language.
 */
export const localeTagSchema = z
  .string()
  .max(64)
  .regex(/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/, 'must be a BCP 47 language tag such as tr or tr-TR')
  .refine(isLanguageTag, 'must be a BCP 47 language tag such as tr or tr-TR');

function isLanguageTag(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

/**
 * `GET /api/checkout`'s query. `locale` is the language the shopper reads (the element's `locale`
 * attribute, else the browser's language); without it the session's locale applies. Other
 * parameters are ignored.
 */
export const checkoutQuerySchema = z.object({
  locale: localeTagSchema.optional(),
});
export type CheckoutQuery = z.input<typeof checkoutQuerySchema>;

/** A method as the element shows it; amounts are minor units of the session currency. */
export type MethodView = Pick<PaymentMethod, 'id' | 'name' | 'category' | 'logoUrl' | 'iconUrl' | 'fields' | 'cardEntry' | 'installments'>;

export interface PaymentView {
  id: string;
  status: PaymentStatus;
  amount: number;
  currency: string;
  /** Present while the shopper has something to do. */
  action?: PaymentAction;
  failure?: { code: string; message: string };
  /** The provider's masked card, once known: `542119******0656`. */
  card?: { mask: string; brand?: string };
  /** The installment plan chosen: the count and what the shopper pays in total (minor units, interest included). */
  installments?: { count: number; totalAmount: number };
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
  /**
   * The language of `messages`: the tag of the catalog chosen for the wanted locale (the query's,
   * else the session's), matched by the exact tag, then by its language (`tr-TR` -> `tr`).
   * Present, with `messages`, only when that is not English.
   */
  locale?: string;
  /**
   * The element's texts in `locale`, by key: the keys and `{placeholders}` of the English catalog
   * compiled into the element (widget/strings.ts), from `widget/locales/<locale>.json`. The
   * element shows them over English. Absent means English. Method names and field labels are
   * already in the session's locale, as the providers give them.
   */
  messages?: Record<string, string>;
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
