import type { InstallmentOptionView, PaymentView } from '../../server/api/widget-api.js';
import { CARD_FIELDS, type CardField } from '../card.js';
import type { StringKey } from '../strings.js';

/**
 * The messages between `<pay-checkout>` and its card-entry frame (a page of the proxy's own
 * origin). The element hands the frame one end of a MessageChannel, posted to the proxy's exact
 * origin; everything after that goes over the channel. No message carries card data: the frame
 * sends facts only (brand, last four, which fields are valid, which has focus, its height, the
 * installment plans it was offered for the card's first eight digits) and the pay call's answer.
 * Both sides parse what they receive with the functions below and ignore anything else, extra
 * keys included. Small hand-written checks rather than a schema library: both ends ship to browsers.
 */

/** The one message posted to the frame's window, with the channel's port attached. */
export const CONNECT_MESSAGE = 'pay-checkout:card-entry-connect';

/** The texts the frame shows, already in the shopper's language. */
export const CARD_STRING_KEYS = [
  'cardDetails',
  'cardNumber',
  'expiryDate',
  'securityCode',
  'nameOnCard',
  'expiryPlaceholder',
  'fieldRequired',
  'cardNumberInvalid',
  'expiryInvalid',
  'cardExpired',
  'securityCodeInvalid',
] as const satisfies readonly StringKey[];
export type CardStringKey = (typeof CARD_STRING_KEYS)[number];
export type CardStrings = Record<CardStringKey, string>;

/** `--pay-*` custom properties by name, as computed on the element. */
export type Theme = Record<string, string>;

/** The card method the frame is for: installments are looked up only where the method has them. */
export interface CardMethod {
  id: string;
  installments: boolean;
}

/** Asking for the installment plans of the card's first eight digits. */
export type InstallmentsState =
  /** No eight digits yet, or a method without installments. */
  | { status: 'initial' }
  | { status: 'pending' }
  /** `options` holds counts above 1; empty when the card has none. */
  | { status: 'complete'; options: readonly InstallmentOptionView[] }
  /** Asking failed: the shopper pays in one go, without being told anything went wrong. */
  | { status: 'error' };

export type ElementMessage =
  /** Everything the frame needs to show itself and to call the proxy; sent again whenever it changes. */
  | { type: 'configure'; token: string; lang: string; strings: CardStrings; theme: Theme; method: CardMethod }
  /** Check every field and show the errors; answered with `validated`. */
  | { type: 'validate'; id: number }
  | { type: 'focus'; field: CardField }
  /** Pay with the card; answered with `paid` or `pay-failed`. */
  | { type: 'pay'; id: number; methodId: string; fields: Record<string, string>; installments?: number; idempotencyKey: string }
  /** Forget the security code (`code`, after a pay answer) or the number and the code (`card`, once the payment is final). */
  | { type: 'wipe'; what: 'code' | 'card' };

export interface CardFacts {
  /** The scheme's name (Visa, Troy, ...) once the first digits tell. */
  brand: string | null;
  /** The last four digits, once the number is complete and valid. */
  lastFour: string | null;
  /** The fields with an error shown, by their error text's key. */
  errors: Partial<Record<CardField, StringKey>>;
  /** Which fields hold a value that would be accepted. */
  valid: Record<CardField, boolean>;
  focused: CardField | null;
  /** Tells one card (number, expiry, name) from another without saying anything about it: a counter per distinct card typed. */
  cardId: number;
}

export interface PayFailure {
  code: string;
  message: string;
  status: number;
}

export type FrameMessage =
  | ({ type: 'state' } & CardFacts)
  | { type: 'resize'; height: number }
  | { type: 'installments'; state: InstallmentsState }
  | { type: 'validated'; id: number; firstInvalid: CardField | null }
  | { type: 'paid'; id: number; payment: PaymentView }
  | { type: 'pay-failed'; id: number; error: PayFailure }
  /** Enter in a field: the element submits its form, as Enter in one of its own inputs would. */
  | { type: 'submit' };

type Data = Record<string, unknown>;

function isRecord(value: unknown): value is Data {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A plain object with all of `required`, and nothing beyond `required` and `optional`. */
function hasKeys(value: unknown, required: readonly string[], optional: readonly string[] = []): value is Data {
  if (!isRecord(value)) return false;
  if (!required.every((key) => key in value)) return false;
  return Object.keys(value).every((key) => required.includes(key) || optional.includes(key));
}

const isString = (value: unknown, max = 200): value is string => typeof value === 'string' && value.length <= max;
const isCount = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 1e9;
const isField = (value: unknown): value is CardField => CARD_FIELDS.includes(value as CardField);

function isStringMap(value: unknown, keyPattern: RegExp, maxEntries: number, maxLength: number): value is Record<string, string> {
  if (!isRecord(value)) return false;
  const entries = Object.entries(value);
  return entries.length <= maxEntries && entries.every(([key, text]) => keyPattern.test(key) && isString(text, maxLength));
}

function isStrings(value: unknown): value is CardStrings {
  return hasKeys(value, CARD_STRING_KEYS) && CARD_STRING_KEYS.every((key) => isString(value[key]));
}

/** A message from the element, or undefined for anything else. */
export function parseElementMessage(data: unknown): ElementMessage | undefined {
  if (!isRecord(data)) return undefined;
  switch (data.type) {
    case 'configure':
      return hasKeys(data, ['type', 'token', 'lang', 'strings', 'theme', 'method']) &&
        isString(data.token, 4096) &&
        isString(data.lang, 64) &&
        isStrings(data.strings) &&
        // Values are checked again, one by one, before the frame applies them (theme.ts).
        isStringMap(data.theme, /^--pay-[a-z0-9-]{1,40}$/, 40, 200) &&
        hasKeys(data.method, ['id', 'installments']) &&
        isString(data.method.id) &&
        typeof data.method.installments === 'boolean'
        ? (data as ElementMessage)
        : undefined;
    case 'validate':
      return hasKeys(data, ['type', 'id']) && isCount(data.id) ? (data as ElementMessage) : undefined;
    case 'focus':
      return hasKeys(data, ['type', 'field']) && isField(data.field) ? (data as ElementMessage) : undefined;
    case 'pay':
      return hasKeys(data, ['type', 'id', 'methodId', 'fields', 'idempotencyKey'], ['installments']) &&
        isCount(data.id) &&
        isString(data.methodId) &&
        isStringMap(data.fields, /^.{1,100}$/, 50, 500) &&
        isString(data.idempotencyKey, 255) &&
        (data.installments === undefined || (isCount(data.installments) && data.installments >= 1 && data.installments <= 48))
        ? (data as ElementMessage)
        : undefined;
    case 'wipe':
      return hasKeys(data, ['type', 'what']) && (data.what === 'code' || data.what === 'card') ? (data as ElementMessage) : undefined;
    default:
      return undefined;
  }
}

function isInstallmentOption(value: unknown): value is InstallmentOptionView {
  return (
    hasKeys(value, ['count', 'installmentAmount', 'totalAmount'], ['interestRate']) &&
    isCount(value.count) &&
    isCount(value.installmentAmount) &&
    isCount(value.totalAmount) &&
    (value.interestRate === undefined || (typeof value.interestRate === 'number' && Number.isFinite(value.interestRate)))
  );
}

function isInstallmentsState(value: unknown): value is InstallmentsState {
  if (!isRecord(value)) return false;
  switch (value.status) {
    case 'initial':
    case 'pending':
    case 'error':
      return hasKeys(value, ['status']);
    case 'complete':
      return hasKeys(value, ['status', 'options']) && Array.isArray(value.options) && value.options.length <= 48 && value.options.every(isInstallmentOption);
    default:
      return false;
  }
}

/** The payment as the proxy answered it; the element checks its action's URL again before following it. */
function isPaymentView(value: unknown): value is PaymentView {
  return (
    isRecord(value) &&
    isString(value.id) &&
    isString(value.status, 40) &&
    typeof value.amount === 'number' &&
    isString(value.currency, 3) &&
    (value.action === undefined || (isRecord(value.action) && isString(value.action.type, 20)))
  );
}

function isFacts(value: Data): boolean {
  return (
    (value.brand === null || isString(value.brand, 40)) &&
    (value.lastFour === null || (typeof value.lastFour === 'string' && /^\d{4}$/.test(value.lastFour))) &&
    isRecord(value.errors) &&
    Object.entries(value.errors).every(([field, key]) => isField(field) && isString(key, 40)) &&
    hasKeys(value.valid, CARD_FIELDS) &&
    CARD_FIELDS.every((field) => typeof (value.valid as Data)[field] === 'boolean') &&
    (value.focused === null || isField(value.focused)) &&
    isCount(value.cardId)
  );
}

/** A message from the frame, or undefined for anything else. */
export function parseFrameMessage(data: unknown): FrameMessage | undefined {
  if (!isRecord(data)) return undefined;
  switch (data.type) {
    case 'state':
      return hasKeys(data, ['type', 'brand', 'lastFour', 'errors', 'valid', 'focused', 'cardId']) && isFacts(data) ? (data as FrameMessage) : undefined;
    case 'resize':
      return hasKeys(data, ['type', 'height']) && isCount(data.height) && data.height <= 5000 ? (data as FrameMessage) : undefined;
    case 'installments':
      return hasKeys(data, ['type', 'state']) && isInstallmentsState(data.state) ? (data as FrameMessage) : undefined;
    case 'validated':
      return hasKeys(data, ['type', 'id', 'firstInvalid']) && isCount(data.id) && (data.firstInvalid === null || isField(data.firstInvalid))
        ? (data as FrameMessage)
        : undefined;
    case 'paid':
      return hasKeys(data, ['type', 'id', 'payment']) && isCount(data.id) && isPaymentView(data.payment) ? (data as FrameMessage) : undefined;
    case 'pay-failed':
      return hasKeys(data, ['type', 'id', 'error']) &&
        isCount(data.id) &&
        hasKeys(data.error, ['code', 'message', 'status']) &&
        isString(data.error.code, 100) &&
        isString(data.error.message, 1000) &&
        isCount(data.error.status)
        ? (data as FrameMessage)
        : undefined;
    case 'submit':
      return hasKeys(data, ['type']) ? (data as FrameMessage) : undefined;
    default:
      return undefined;
  }
}
