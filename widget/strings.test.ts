import { describe, expect, it } from 'vitest';
import { en, interpolate, t } from './strings.js';

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
    expect(t('pay', { amount: '$12.50' })).toBe('Pay $12.50');
  });

  it('holds the strings integrators and tests look for', () => {
    expect(en.methodsLegend).toBe('Payment method');
    expect(en.frameTitle3ds).toBe('3-D Secure verification');
    expect(en.noMethods).toBe('No payment method is available for this order.');
  });
});
