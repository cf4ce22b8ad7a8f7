import { describe, expect, it } from 'vitest';
import { allowsNewAttempt, canContinue, isFinalStatus } from './payment-status.js';

describe('payment statuses in the element', () => {
  it('waits on created, pending and requires_action only', () => {
    expect(['created', 'pending', 'requires_action'].filter((s) => !isFinalStatus(s as never))).toHaveLength(3);
    for (const status of ['authorized', 'succeeded', 'failed', 'canceled', 'expired', 'refund_pending', 'partially_refunded', 'refunded'] as const) {
      expect(isFinalStatus(status)).toBe(true);
    }
  });

  it('offers another method only after a payment that moved no money', () => {
    expect((['failed', 'canceled', 'expired'] as const).every(allowsNewAttempt)).toBe(true);
    expect((['succeeded', 'authorized', 'refunded', 'pending'] as const).some(allowsNewAttempt)).toBe(false);
  });

  it('lets the shopper continue only an unsettled payment that has an action', () => {
    const action = { type: 'redirect', url: 'https://psp.test/hpp/1' } as const;
    const view = (status: 'requires_action' | 'pending' | 'succeeded', withAction: boolean) => ({
      id: 'pay_1',
      status,
      amount: 100,
      currency: 'USD',
      ...(withAction && { action }),
    });
    expect(canContinue(view('requires_action', true))).toBe(true);
    expect(canContinue(view('pending', true))).toBe(true);
    expect(canContinue(view('pending', false))).toBe(false);
    expect(canContinue(view('succeeded', true))).toBe(false);
  });
});
