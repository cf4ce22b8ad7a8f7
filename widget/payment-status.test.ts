import { describe, expect, it } from 'vitest';
import { allowsNewAttempt, isFinalStatus } from './payment-status.js';

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
});
