/**
 * Money is kept as integer minor units. Providers and the merchant API write major units
 * (`100.5`, `"100.50"`), so this module is the one place where the two meet.
 */

// ISO 4217 minor-unit exponents that differ from the common 2.
const EXPONENT_EXCEPTIONS: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0,
  UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

const KNOWN_CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

export function isKnownCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && KNOWN_CURRENCIES.has(code);
}

export function currencyExponent(currency: string): number {
  return EXPONENT_EXCEPTIONS[currency] ?? 2;
}

export class AmountError extends Error {}

/**
 * Parses a major-unit amount (JSON number or decimal string) into minor units, refusing more
 * decimals than the currency has, negative or non-finite values and amounts beyond 2^53.
 */
export function toMinorUnits(amount: number | string, currency: string): number {
  const exponent = currencyExponent(currency);
  const text = typeof amount === 'number' ? numberToPlainString(amount, exponent) : amount.trim();
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new AmountError(`"${String(amount)}" is not a positive decimal amount`);
  const whole = match[1] ?? '0';
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > exponent) {
    throw new AmountError(`${currency} has ${exponent} decimal${exponent === 1 ? '' : 's'}; got "${text}"`);
  }
  const minor = BigInt(whole) * 10n ** BigInt(exponent) + BigInt(fraction.padEnd(exponent, '0') || '0');
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) throw new AmountError(`"${text}" is too large`);
  return Number(minor);
}

/** Minor units back to a major-unit decimal string with the currency's exponent ("100.50"). */
export function toMajorString(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const sign = minor < 0 ? '-' : '';
  const digits = Math.abs(minor).toString().padStart(exponent + 1, '0');
  if (exponent === 0) return sign + digits;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/** Minor units as a JSON number of major units (100.5), for providers that want a float. */
export function toMajorNumber(minor: number, currency: string): number {
  return Number(toMajorString(minor, currency));
}

/** A double holds 15 significant decimal digits exactly; beyond them JSON.parse has already rounded. */
const EXACT_DIGITS = 15;

function numberToPlainString(value: number, exponent: number): string {
  if (!Number.isFinite(value) || value < 0) return String(value);
  // More digits than a double keeps, at a size where the 15th is the minor unit or coarser: the
  // amount cannot be read back as written (12345678901234.56 would become ...34.60). Beyond that
  // size it is too large anyway; below it the extra digits are float noise under the minor unit.
  const integerDigits = value >= 1 ? Math.floor(Math.log10(value)) + 1 : 0;
  if (significantDigits(value) > EXACT_DIGITS && integerDigits >= EXACT_DIGITS - exponent && value < 1e16) {
    throw new AmountError(`${value} has more than ${EXACT_DIGITS} significant digits, more than a JSON number carries exactly; send the amount as a decimal string`);
  }
  // 15 significant digits, which every double holds exactly: float noise goes (0.1 + 0.2 is
  // "0.3") without adding any (toFixed(12) wrote 50000.01 as "50000.010000000002"). Exponent
  // notation (1e-7, 1e21) is spelled out with toFixed.
  const precise = value.toPrecision(15);
  const plain = /e/i.test(precise) ? value.toFixed(12) : precise;
  return plain.includes('.') ? plain.replace(/\.?0+$/, '') : plain;
}

/** Significant digits of the shortest decimal that reads back as `value`. */
function significantDigits(value: number): number {
  const mantissa = String(value).split('e')[0]!.replace('.', '');
  return mantissa.replace(/^0+/, '').replace(/0+$/, '').length;
}

/**
 * A provider's major-unit amount read tolerantly into minor units: absent is undefined, and an
 * amount finer than the currency allows (providers send floats) is rounded rather than refused.
 */
export function readProviderAmount(value: number | string | null | undefined, currency: string): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  try {
    return toMinorUnits(value, currency);
  } catch (error) {
    if (!(error instanceof AmountError)) throw error;
    const scaled = Number(value) * 10 ** currencyExponent(currency);
    return Number.isFinite(scaled) && scaled >= 0 ? Math.round(scaled) : undefined;
  }
}
