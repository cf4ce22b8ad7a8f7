/**
 * Money for display. The API speaks integer minor units plus the currency's exponent
 * (ISO 4217 digits), so `1250` with exponent 2 is 12.50 and `1250` JPY with exponent 0 is ¥1,250.
 */
export interface MoneyFormat {
  currency: string;
  currencyExponent: number;
  locale?: string | undefined;
}

export function formatMoney(minor: number, { currency, currencyExponent, locale }: MoneyFormat): string {
  const major = toDecimalString(minor, currencyExponent);
  const options: Intl.NumberFormatOptions = {
    style: 'currency',
    currency,
    minimumFractionDigits: currencyExponent,
    maximumFractionDigits: currencyExponent,
  };
  try {
    return numberFormat(locale, options).format(major as Intl.StringNumericLiteral);
  } catch {
    // An unknown currency code: still show the amount, with the code beside it.
    return `${major} ${currency}`;
  }
}

/** A rate in percent (`3.5` means 3.5 %) written the locale's way: `3.5%`, `%3,5`, `3,5 %`. */
export function formatPercent(rate: number, locale?: string): string {
  return numberFormat(locale, { style: 'percent', maximumFractionDigits: 2 }).format(rate / 100);
}

/**
 * Minor units as an exact decimal string ("12.50"). Intl formats decimal strings without going
 * through a float, so large amounts keep every digit.
 */
export function toDecimalString(minor: number, exponent: number): string {
  const sign = minor < 0 ? '-' : '';
  const digits = Math.abs(Math.trunc(minor)).toString().padStart(exponent + 1, '0');
  if (exponent <= 0) return sign + digits;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/** A formatter for the locale, falling back to the runtime's default when the tag is malformed. */
function numberFormat(locale: string | undefined, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  try {
    return new Intl.NumberFormat(locale || undefined, options);
  } catch (error) {
    if (!(error instanceof RangeError) || !locale) throw error;
    // "en_US" and other malformed tags throw RangeError; a bad currency throws too, so retry once.
    return new Intl.NumberFormat(undefined, options);
  }
}
