import { describe, expect, it } from 'vitest';

describe('pay-checkout on a server', () => {
  it('imports without a DOM (the SSR-safe entry)', async () => {
    const sdk = await import('./index.js');
    expect(typeof sdk.PayCheckout).toBe('function');
    expect(new sdk.PayCompleteEvent({ paymentId: 'p', status: 'succeeded' })).toMatchObject({
      type: 'pay-complete',
      bubbles: true,
      composed: true,
      detail: { paymentId: 'p', status: 'succeeded' },
    });
  });

  it('can be defined twice without throwing', async () => {
    const { definePayCheckout } = await import('./pay-checkout.js');
    expect(() => {
      definePayCheckout();
      definePayCheckout();
    }).not.toThrow();
  });
});
