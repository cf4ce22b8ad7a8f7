import type { CardInput } from '../server/api/widget-api.js';
import type { FieldErrors } from './field-validation.js';
import { english, type Translate } from './strings.js';

/**
 * Card details as the shopper types them: brand detection, the Luhn check, grouping, the expiry
 * date. Pure functions, no DOM, so the card form and its tests share them. The proxy and the
 * gateway validate again; this is to answer the shopper at once.
 */

export interface CardBrand {
  id: 'visa' | 'mastercard' | 'amex' | 'troy' | 'discover' | 'jcb' | 'diners' | 'unionpay' | 'maestro' | 'mir';
  /** The scheme's own name, shown as it is in every language. */
  name: string;
  /** The lengths a number of this brand can have, in digits. */
  lengths: readonly number[];
  /** Digits of the security code. */
  codeLength: number;
  /** How the number is grouped for reading; groups of four when absent. */
  groups?: readonly number[];
  /** UnionPay issues numbers that fail the Luhn check, so the check would refuse good cards. */
  skipLuhn?: boolean;
}

const SIXTEEN_TO_NINETEEN = [16, 17, 18, 19];

/**
 * First match wins, so narrower ranges come before the wider ones they sit in (Discover's
 * 622126–622925 before UnionPay's 62). A pattern matches only once enough digits are typed to be
 * sure: "2" could still become Mir or Mastercard, so it is no brand yet.
 */
const BRANDS: readonly (CardBrand & { prefix: RegExp })[] = [
  { id: 'troy', name: 'Troy', prefix: /^9792/, lengths: [16], codeLength: 3 },
  { id: 'amex', name: 'American Express', prefix: /^3[47]/, lengths: [15], codeLength: 4, groups: [4, 6, 5] },
  { id: 'diners', name: 'Diners Club', prefix: /^3(0[0-5]|[689])/, lengths: [14, ...SIXTEEN_TO_NINETEEN], codeLength: 3 },
  { id: 'jcb', name: 'JCB', prefix: /^35(2[89]|[3-8])/, lengths: SIXTEEN_TO_NINETEEN, codeLength: 3 },
  { id: 'visa', name: 'Visa', prefix: /^4/, lengths: [13, 16, 19], codeLength: 3 },
  { id: 'mir', name: 'Mir', prefix: /^220[0-4]/, lengths: SIXTEEN_TO_NINETEEN, codeLength: 3 },
  { id: 'mastercard', name: 'Mastercard', prefix: /^(5[1-5]|222[1-9]|22[3-9]\d|2[3-6]\d\d|27[01]\d|2720)/, lengths: [16], codeLength: 3 },
  { id: 'maestro', name: 'Maestro', prefix: /^(5[06-8]|6304|6759|676[37])/, lengths: [12, 13, 14, 15, ...SIXTEEN_TO_NINETEEN], codeLength: 3 },
  {
    id: 'discover',
    name: 'Discover',
    prefix: /^(6011|64[4-9]|65|622(12[6-9]|1[3-9]\d|[2-8]\d\d|9[01]\d|92[0-5]))/,
    lengths: SIXTEEN_TO_NINETEEN,
    codeLength: 3,
  },
  { id: 'unionpay', name: 'UnionPay', prefix: /^62/, lengths: SIXTEEN_TO_NINETEEN, codeLength: 3, skipLuhn: true },
];

/** The most digits a card number has (ISO/IEC 7812). */
export const MAX_CARD_DIGITS = 19;
const MIN_CARD_DIGITS = 12;

/** Only the digits of what the shopper typed or pasted ("4111 1111-1111" -> "41111111111"). */
export function digitsOf(value: string): string {
  return value.replace(/\D/g, '');
}

/** The brand of a (partial) card number, once its leading digits say which it is. */
export function detectBrand(number: string): CardBrand | undefined {
  const digits = digitsOf(number);
  const match = BRANDS.find((brand) => brand.prefix.test(digits));
  if (!match) return undefined;
  const { prefix: _prefix, ...brand } = match;
  return brand;
}

/** The Luhn (mod 10) check digit test every card scheme but some UnionPay ranges uses. */
export function passesLuhn(number: string): boolean {
  const digits = digitsOf(number);
  if (digits.length === 0) return false;
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** How many digits the number may have: the brand's longest, else 19. */
export function maxDigits(brand: CardBrand | undefined): number {
  return brand ? Math.max(...brand.lengths) : MAX_CARD_DIGITS;
}

/** The number grouped as printed on the card: `4111 1111 1111 1111`, Amex `3782 822463 10005`. Extra digits are dropped. */
export function formatCardNumber(value: string): string {
  const brand = detectBrand(value);
  const digits = digitsOf(value).slice(0, maxDigits(brand));
  const groups = brand?.groups ?? [];
  const parts: string[] = [];
  let start = 0;
  for (let index = 0; start < digits.length; index += 1) {
    const size = groups[index] ?? 4;
    parts.push(digits.slice(start, start + size));
    start += size;
  }
  return parts.join(' ');
}

/** The security code as typed: digits only, no more than the brand's code has (4 while the brand is unknown). */
export function formatSecurityCode(value: string, brand: CardBrand | undefined): string {
  return digitsOf(value).slice(0, brand?.codeLength ?? 4);
}

/**
 * The expiry date as `MM / YY` while it is typed. A first digit above 1 can only be a month on
 * its own (`4` -> `04 / `), the slash comes by itself after the month, and a pasted or autofilled
 * `1/29`, `01/2029` or `01-29` reads as the same date. `deleting` (the shopper pressed
 * Backspace) leaves `12` alone rather than putting back the slash just removed.
 */
export function formatExpiry(value: string, deleting = false): string {
  const whole = /^\s*(\d{1,2})\s*[/.\-\s]\s*(\d{2}|\d{4})\s*$/.exec(value);
  let digits: string;
  if (whole) {
    digits = (whole[1] ?? '').padStart(2, '0') + (whole[2] ?? '').slice(-2);
  } else {
    // "1/": a one-digit month, finished with the separator.
    const shortMonth = /^\s*(\d)\s*[/.\-]\s*$/.exec(value);
    digits = shortMonth ? `0${shortMonth[1] ?? ''}` : digitsOf(value);
    if (/^[2-9]/.test(digits)) digits = `0${digits}`;
    digits = digits.slice(0, 4);
  }
  if (digits.length > 2) return `${digits.slice(0, 2)} / ${digits.slice(2)}`;
  if (digits.length === 2 && !deleting) return `${digits} / `;
  return digits;
}

/** The month and two-digit year of a complete `MM / YY` (or `MM/YY`), else undefined. */
export function parseExpiry(value: string): { month: string; year: string } | undefined {
  const match = /^\s*(\d{2})\s*\/\s*(\d{2})\s*$/.exec(value);
  if (!match) return undefined;
  const [, month = '', year = ''] = match;
  const monthNumber = Number(month);
  return monthNumber >= 1 && monthNumber <= 12 ? { month, year } : undefined;
}

/** A card is good until the end of its expiry month, read on the shopper's own clock. */
export function isExpired(expiry: { month: string; year: string }, now: Date): boolean {
  const expiresMonth = (2000 + Number(expiry.year)) * 12 + Number(expiry.month);
  const currentMonth = now.getFullYear() * 12 + now.getMonth() + 1;
  return expiresMonth < currentMonth;
}

/** The card number's first eight digits, which the proxy may see before paying; undefined until there are eight. */
export function cardBin(number: string): string | undefined {
  const digits = digitsOf(number);
  return digits.length >= 8 ? digits.slice(0, 8) : undefined;
}

/** First six and last four, the only form of a number that may be kept: `411111…1111`. */
export function maskCardNumber(number: string): string {
  const digits = digitsOf(number);
  return `${digits.slice(0, 6)}…${digits.slice(-4)}`;
}

/** The card form's inputs, as typed. */
export interface CardValues {
  number: string;
  expiry: string;
  securityCode: string;
  holderName: string;
}

export type CardField = keyof CardValues;

/** The inputs in the order the form shows them, so the first error found is the first on screen. */
export const CARD_FIELDS: readonly CardField[] = ['number', 'expiry', 'securityCode', 'holderName'];

export const EMPTY_CARD: Readonly<CardValues> = { number: '', expiry: '', securityCode: '', holderName: '' };

/**
 * The card form's errors by field (`number`, `expiry`, `securityCode`, `holderName`); a field
 * without an entry is valid. `now` is the shopper's clock, for the expiry date.
 */
export function validateCard(values: CardValues, t: Translate = english, now: Date = new Date()): FieldErrors {
  const errors: FieldErrors = {};
  const number = digitsOf(values.number);
  const brand = detectBrand(number);
  if (!number) errors.number = t('fieldRequired');
  else if (!hasValidLength(number, brand) || (!brand?.skipLuhn && !passesLuhn(number))) errors.number = t('cardNumberInvalid');

  const expiry = parseExpiry(values.expiry);
  if (!values.expiry.trim()) errors.expiry = t('fieldRequired');
  else if (!expiry) errors.expiry = t('expiryInvalid');
  else if (isExpired(expiry, now)) errors.expiry = t('cardExpired');

  const code = values.securityCode.trim();
  const codeLength = brand?.codeLength;
  if (!code) errors.securityCode = t('fieldRequired');
  else if (codeLength ? !new RegExp(`^\\d{${codeLength}}$`).test(code) : !/^\d{3,4}$/.test(code)) {
    errors.securityCode = t('securityCodeInvalid', { digits: codeLength ?? 3 });
  }

  if (!values.holderName.trim()) errors.holderName = t('fieldRequired');
  return errors;
}

function hasValidLength(digits: string, brand: CardBrand | undefined): boolean {
  if (brand) return brand.lengths.includes(digits.length);
  return digits.length >= MIN_CARD_DIGITS && digits.length <= MAX_CARD_DIGITS;
}

/** What the pay request carries, once `validateCard` found nothing; undefined while the expiry date is incomplete. */
export function toCardInput(values: CardValues): CardInput | undefined {
  const expiry = parseExpiry(values.expiry);
  if (!expiry) return undefined;
  return {
    number: digitsOf(values.number),
    expiryMonth: expiry.month,
    expiryYear: expiry.year,
    securityCode: values.securityCode.trim(),
    holderName: values.holderName.trim(),
  };
}
