import { describe, expect, it } from 'vitest';
import { en, english, interpolate, translator } from './strings.js';

describe('interpolate', () => {
  it('fills placeholders', () => {
    expect(interpolate('Pay {amount}', { amount: '$12.50' })).toBe('Pay $12.50');
    expect(interpolate('{a} and {b} and {a}', { a: 1, b: 'two' })).toBe('1 and two and 1');
  });

  it('leaves unknown placeholders as written', () => {
    expect(interpolate('Pay {amount}')).toBe('Pay {amount}');
  });

  it('does not read values as templates', () => {
    expect(interpolate('{x}', { x: '{y}', y: 'no' })).toBe('{y}');
  });
});

describe('the English catalog', () => {
  it('names the pay button with "Pay" first', () => {
    expect(english('pay', { amount: '$12.50' })).toBe('Pay $12.50');
  });

  it('holds the strings integrators and tests look for', () => {
    expect(en.methodsLegend).toBe('Payment method');
    expect(en.frameTitle3ds).toBe('3-D Secure verification');
    expect(en.noMethods).toBe('No payment method is available for this order.');
  });
});

describe('translator', () => {
  it("reads a language's messages, with their placeholders filled", () => {
    const t = translator({ pay: '{amount} Öde', methodsLegend: 'Ödeme yöntemi' });
    expect(t('pay', { amount: '$48,00' })).toBe('$48,00 Öde');
    expect(t('methodsLegend')).toBe('Ödeme yöntemi');
  });

  it('reads English where the messages are missing, empty or not text', () => {
    const t = translator({ pay: '', methodsLegend: 42, loading: null, unknownKey: 'x' });
    expect(t('pay', { amount: '$1.00' })).toBe('Pay $1.00');
    expect(t('methodsLegend')).toBe('Payment method');
    expect(t('loading')).toBe(en.loading);
    expect(translator()('tryAgain')).toBe('Try again');
  });

  it('does not take keys from the prototype chain', () => {
    expect(translator(JSON.parse('{"__proto__": {"pay": "hacked"}}') as Record<string, unknown>)('pay')).toBe('Pay {amount}');
  });
});
