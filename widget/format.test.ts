import { describe, expect, it } from 'vitest';
import { formatMoney, formatPercent, toDecimalString } from './format.js';

describe('toDecimalString', () => {
  it('places the decimal point by the currency exponent', () => {
    expect(toDecimalString(1250, 2)).toBe('12.50');
    expect(toDecimalString(5, 2)).toBe('0.05');
    expect(toDecimalString(1250, 0)).toBe('1250');
    expect(toDecimalString(1, 3)).toBe('0.001');
    expect(toDecimalString(-1250, 2)).toBe('-12.50');
  });

  it('keeps every digit of amounts too large for a float to hold exactly in major units', () => {
    expect(toDecimalString(9007199254740991, 2)).toBe('90071992547409.91');
  });
});

describe('formatMoney', () => {
  it('formats minor units in the locale', () => {
    expect(formatMoney(1250, { currency: 'USD', currencyExponent: 2, locale: 'en-US' })).toBe('$12.50');
    expect(formatMoney(1250, { currency: 'EUR', currencyExponent: 2, locale: 'de-DE' })).toBe('12,50\u00a0€');
  });

  it('uses the exponent the API gives, not a guess', () => {
    expect(formatMoney(1250, { currency: 'JPY', currencyExponent: 0, locale: 'en-US' })).toBe('¥1,250');
    expect(formatMoney(1250, { currency: 'KWD', currencyExponent: 3, locale: 'en-US' })).toBe('KWD\u00a01.250');
  });

  it('formats large amounts exactly', () => {
    expect(formatMoney(9007199254740991, { currency: 'USD', currencyExponent: 2, locale: 'en-US' })).toBe(
      '$90,071,992,547,409.91',
    );
  });

  it('falls back to the default locale when the tag is malformed', () => {
    expect(formatMoney(1250, { currency: 'USD', currencyExponent: 2, locale: 'en_US' })).toMatch(/12[.,]50/);
  });

  it('still shows the amount for a currency Intl does not accept', () => {
    expect(formatMoney(1250, { currency: 'US', currencyExponent: 2, locale: 'en-US' })).toBe('12.50 US');
  });
});

describe('formatPercent', () => {
  it("writes a rate in percent the locale's way", () => {
    expect(formatPercent(2, 'en-US')).toBe('2%');
    expect(formatPercent(3.5, 'en-US')).toBe('3.5%');
    expect(formatPercent(2.19, 'tr-TR')).toBe('%2,19');
    expect(formatPercent(1.5, 'de-DE')).toBe('1,5\u00a0%');
  });
});
