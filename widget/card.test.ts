import { describe, expect, it } from 'vitest';
import {
  cardBin,
  detectBrand,
  formatCardNumber,
  formatExpiry,
  formatSecurityCode,
  isExpired,
  maskCardNumber,
  maxDigits,
  parseExpiry,
  passesLuhn,
  toCardInput,
  validateCard,
  type CardValues,
} from './card.js';
import { translator } from './strings.js';

/** The gateways' test cards, as the simulators and e2e specs use them. */
const TEST_CARDS = ['4111111111111111', '5421190122090656', '4000000000000002', '5528790000000008'];

describe('passesLuhn', () => {
  it.each(TEST_CARDS)('accepts the test card %s', (number) => {
    expect(passesLuhn(number)).toBe(true);
  });

  it('accepts them grouped as typed', () => {
    expect(passesLuhn('4111 1111 1111 1111')).toBe(true);
    expect(passesLuhn('378282246310005')).toBe(true);
  });

  it.each(TEST_CARDS)('refuses %s with one digit changed', (number) => {
    const last = Number(number.at(-1));
    expect(passesLuhn(number.slice(0, -1) + String((last + 1) % 10))).toBe(false);
  });

  it('refuses two neighbouring digits swapped, and nothing at all', () => {
    expect(passesLuhn('5421190122090665')).toBe(false);
    expect(passesLuhn('')).toBe(false);
  });
});

describe('detectBrand', () => {
  it.each([
    ['4111111111111111', 'Visa'],
    ['4', 'Visa'],
    ['5421190122090656', 'Mastercard'],
    ['5528790000000008', 'Mastercard'],
    ['2221000000000009', 'Mastercard'],
    ['2720990000000007', 'Mastercard'],
    ['378282246310005', 'American Express'],
    ['34', 'American Express'],
    ['9792030394440796', 'Troy'],
    ['6011111111111117', 'Discover'],
    ['6221260000000000', 'Discover'],
    ['6200000000000005', 'UnionPay'],
    ['3530111333300000', 'JCB'],
    ['36227206271667', 'Diners Club'],
    ['2200000000000004', 'Mir'],
    ['6759649826438453', 'Maestro'],
  ])('%s is %s', (number, name) => {
    expect(detectBrand(number)?.name).toBe(name);
  });

  it('waits for enough digits to be sure', () => {
    expect(detectBrand('')).toBeUndefined();
    expect(detectBrand('2')).toBeUndefined(); // Mir or Mastercard
    expect(detectBrand('22')).toBeUndefined();
    expect(detectBrand('979')).toBeUndefined();
    expect(detectBrand('1234')).toBeUndefined();
  });

  it('knows the lengths and code sizes of the brands that differ', () => {
    expect(detectBrand('37')).toMatchObject({ lengths: [15], codeLength: 4 });
    expect(detectBrand('4')).toMatchObject({ lengths: [13, 16, 19], codeLength: 3 });
    expect(maxDigits(detectBrand('5421'))).toBe(16);
    expect(maxDigits(undefined)).toBe(19);
  });
});

describe('formatCardNumber', () => {
  it('groups in fours as the shopper types', () => {
    expect(formatCardNumber('4')).toBe('4');
    expect(formatCardNumber('41111')).toBe('4111 1');
    expect(formatCardNumber('4111111111111111')).toBe('4111 1111 1111 1111');
  });

  it('groups American Express 4-6-5', () => {
    expect(formatCardNumber('3782822')).toBe('3782 822');
    expect(formatCardNumber('378282246310005')).toBe('3782 822463 10005');
  });

  it('cleans up a pasted number', () => {
    expect(formatCardNumber(' 5421-1901-2209-0656 ')).toBe('5421 1901 2209 0656');
    expect(formatCardNumber('4111 1111 1111 1111')).toBe('4111 1111 1111 1111');
  });

  it("stops at the brand's longest number, and at 19 digits", () => {
    expect(formatCardNumber('37828224631000599')).toBe('3782 822463 10005');
    expect(formatCardNumber('54211901220906561')).toBe('5421 1901 2209 0656');
    expect(formatCardNumber('4111111111111111111222')).toBe('4111 1111 1111 1111 111');
    expect(formatCardNumber('1234567890123456789012')).toBe('1234 5678 9012 3456 789');
  });
});

describe('formatSecurityCode', () => {
  it('keeps digits, three for most brands and four for American Express', () => {
    expect(formatSecurityCode('12a34', detectBrand('4111'))).toBe('123');
    expect(formatSecurityCode('12345', detectBrand('37'))).toBe('1234');
    expect(formatSecurityCode('12345', undefined)).toBe('1234');
  });
});

describe('formatExpiry', () => {
  it('puts in the slash after the month', () => {
    expect(formatExpiry('1')).toBe('1');
    expect(formatExpiry('12')).toBe('12 / ');
    expect(formatExpiry('12 / 2')).toBe('12 / 2');
    expect(formatExpiry('1229')).toBe('12 / 29');
  });

  it('reads a first digit above 1 as a month of its own', () => {
    expect(formatExpiry('4')).toBe('04 / ');
    expect(formatExpiry('429')).toBe('04 / 29');
    expect(formatExpiry('1/')).toBe('01 / ');
  });

  it('does not put back the slash the shopper just deleted', () => {
    expect(formatExpiry('12 /', true)).toBe('12');
    expect(formatExpiry('12 / 2', true)).toBe('12 / 2');
  });

  it('reads pasted and autofilled dates', () => {
    expect(formatExpiry('12/29')).toBe('12 / 29');
    expect(formatExpiry('01/2029')).toBe('01 / 29');
    expect(formatExpiry('3/29')).toBe('03 / 29');
    expect(formatExpiry('07-31')).toBe('07 / 31');
    expect(formatExpiry('12 / 2029')).toBe('12 / 29');
  });

  it('stops at four digits', () => {
    expect(formatExpiry('12 / 299')).toBe('12 / 29');
  });
});

describe('parseExpiry and isExpired', () => {
  it('reads a complete MM / YY with a real month', () => {
    expect(parseExpiry('12 / 29')).toEqual({ month: '12', year: '29' });
    expect(parseExpiry('01/30')).toEqual({ month: '01', year: '30' });
    expect(parseExpiry('13 / 29')).toBeUndefined();
    expect(parseExpiry('00 / 29')).toBeUndefined();
    expect(parseExpiry('12 / 2')).toBeUndefined();
    expect(parseExpiry('')).toBeUndefined();
  });

  it('keeps a card good to the end of its month, on the shopper\'s clock', () => {
    const now = new Date(2026, 4, 31, 23, 59); // 31 May 2026, local time
    expect(isExpired({ month: '05', year: '26' }, now)).toBe(false);
    expect(isExpired({ month: '04', year: '26' }, now)).toBe(true);
    expect(isExpired({ month: '12', year: '25' }, now)).toBe(true);
    expect(isExpired({ month: '01', year: '27' }, now)).toBe(false);
  });
});

describe('cardBin and maskCardNumber', () => {
  it('gives the first eight digits once there are eight, never more', () => {
    expect(cardBin('5421 190')).toBeUndefined();
    expect(cardBin('5421 1901')).toBe('54211901');
    expect(cardBin('5421 1901 2209 0656')).toBe('54211901');
  });

  it('masks to the first six and the last four', () => {
    expect(maskCardNumber('5421 1901 2209 0656')).toBe('542119…0656');
  });
});

describe('validateCard', () => {
  const now = new Date(2026, 4, 15);
  const good: CardValues = { number: '5421 1901 2209 0656', expiry: '12 / 29', securityCode: '123', holderName: 'Ada Lovelace' };

  it('finds nothing wrong with a good card', () => {
    expect(validateCard(good, undefined, now)).toEqual({});
    expect(validateCard({ ...good, number: '3782 822463 10005', securityCode: '1234' }, undefined, now)).toEqual({});
  });

  it('requires every field', () => {
    expect(validateCard({ number: '', expiry: '', securityCode: '', holderName: '  ' }, undefined, now)).toEqual({
      number: 'This field is required.',
      expiry: 'This field is required.',
      securityCode: 'This field is required.',
      holderName: 'This field is required.',
    });
  });

  it('checks the number: Luhn, and the length for its brand', () => {
    expect(validateCard({ ...good, number: '5421 1901 2209 0657' }, undefined, now).number).toBe('Enter a valid card number.');
    expect(validateCard({ ...good, number: '5421 1901 2209 065' }, undefined, now).number).toBe('Enter a valid card number.');
    // Visa's 13-digit test number is good; 14 digits is no Visa length.
    expect(validateCard({ ...good, number: '4222222222222' }, undefined, now).number).toBeUndefined();
    expect(validateCard({ ...good, number: '42222222222220' }, undefined, now).number).toBe('Enter a valid card number.');
  });

  it('checks the expiry date: its form, and not in the past', () => {
    expect(validateCard({ ...good, expiry: '13 / 29' }, undefined, now).expiry).toBe('Enter the expiry date as MM / YY.');
    expect(validateCard({ ...good, expiry: '12 / 2' }, undefined, now).expiry).toBe('Enter the expiry date as MM / YY.');
    expect(validateCard({ ...good, expiry: '04 / 26' }, undefined, now).expiry).toBe('This card has expired.');
    expect(validateCard({ ...good, expiry: '05 / 26' }, undefined, now).expiry).toBeUndefined();
  });

  it('checks the security code length for the brand', () => {
    expect(validateCard({ ...good, securityCode: '12' }, undefined, now).securityCode).toBe('Enter the 3-digit security code.');
    expect(validateCard({ ...good, securityCode: '1234' }, undefined, now).securityCode).toBe('Enter the 3-digit security code.');
    expect(validateCard({ ...good, number: '378282246310005', securityCode: '123' }, undefined, now).securityCode).toBe(
      'Enter the 4-digit security code.',
    );
  });

  it("speaks the shopper's language", () => {
    const t = translator({ cardExpired: 'Bu kartın süresi dolmuş.' });
    expect(validateCard({ ...good, expiry: '01 / 20' }, t, now).expiry).toBe('Bu kartın süresi dolmuş.');
  });
});

describe('toCardInput', () => {
  it('sends digits only, the month and year apart, the name trimmed', () => {
    expect(toCardInput({ number: '5421 1901 2209 0656', expiry: '03 / 29', securityCode: '123', holderName: ' Ada Lovelace ' })).toEqual({
      number: '5421190122090656',
      expiryMonth: '03',
      expiryYear: '29',
      securityCode: '123',
      holderName: 'Ada Lovelace',
    });
  });
});
