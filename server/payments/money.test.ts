import { describe, expect, it } from 'vitest';
import { AmountError, currencyExponent, isKnownCurrency, toMajorNumber, toMajorString, toMinorUnits } from './money.js';

describe('money', () => {
  it('reads numbers and decimal strings as integer minor units', () => {
    expect(toMinorUnits(100.5, 'USD')).toBe(10050);
    expect(toMinorUnits('100.50', 'USD')).toBe(10050);
    expect(toMinorUnits('123.45', 'EUR')).toBe(12345);
    expect(toMinorUnits(0.1 + 0.2, 'USD')).toBe(30);
    expect(toMinorUnits('1500', 'JPY')).toBe(1500);
    expect(toMinorUnits('1.234', 'KWD')).toBe(1234);
  });

  it('reads large numbers with decimals without float noise', () => {
    expect(toMinorUnits(50000.01, 'IDR')).toBe(5_000_001);
    expect(toMinorUnits(12345678.91, 'USD')).toBe(1_234_567_891);
    expect(toMinorUnits(0.1 + 0.2, 'USD')).toBe(30);
    expect(toMinorUnits(1e15, 'JPY')).toBe(1e15);
    expect(() => toMinorUnits(1e21, 'JPY')).toThrow(AmountError);
  });

  it('refuses a JSON number with more significant digits than a double keeps, asking for a string', () => {
    // JSON.parse('12345678901234.56') is this double; 15 digits of it would be 12345678901234.6.
    expect(() => toMinorUnits(JSON.parse('12345678901234.56') as number, 'USD')).toThrow(/more than 15 significant digits.*send the amount as a decimal string/);
    expect(() => toMinorUnits(JSON.parse('1234567890123456') as number, 'JPY')).toThrow(/decimal string/);
    expect(() => toMinorUnits(JSON.parse('123456789012.3456') as number, 'KWD')).toThrow(/decimal string/);
    expect(toMinorUnits('12345678901234.56', 'USD')).toBe(1_234_567_890_123_456);
    expect(toMinorUnits(1234567890123.45, 'USD')).toBe(123_456_789_012_345);
    expect(toMinorUnits(123456789012345, 'JPY')).toBe(123_456_789_012_345);
  });

  it('refuses more decimals than the currency has, negatives and junk', () => {
    expect(() => toMinorUnits('1.005', 'USD')).toThrow(AmountError);
    expect(() => toMinorUnits('10.5', 'JPY')).toThrow(/JPY has 0 decimals/);
    expect(() => toMinorUnits(-1, 'USD')).toThrow(AmountError);
    expect(() => toMinorUnits('1e3', 'USD')).toThrow(AmountError);
    expect(() => toMinorUnits(Number.NaN, 'USD')).toThrow(AmountError);
    expect(() => toMinorUnits('99999999999999999', 'USD')).toThrow(/too large/);
  });

  it('writes minor units back in major units with the currency exponent', () => {
    expect(toMajorString(10050, 'USD')).toBe('100.50');
    expect(toMajorString(5, 'USD')).toBe('0.05');
    expect(toMajorString(1500, 'JPY')).toBe('1500');
    expect(toMajorString(1234, 'BHD')).toBe('1.234');
    expect(toMajorNumber(12345, 'USD')).toBe(123.45);
  });

  it('knows ISO 4217 codes and exponents', () => {
    expect(isKnownCurrency('USD')).toBe(true);
    expect(isKnownCurrency('usd')).toBe(false);
    expect(isKnownCurrency('ABC')).toBe(false);
    expect(currencyExponent('KRW')).toBe(0);
    expect(currencyExponent('TND')).toBe(3);
    expect(currencyExponent('GBP')).toBe(2);
  });
});
