import { describe, expect, it } from 'vitest';
import { PAYMENT_STATUSES } from './payment-status.js';
import { isTerminal, judgeTransition } from './state-machine.js';

describe('payment state machine', () => {
  it('treats a repeated status as a no-op for every status', () => {
    for (const status of PAYMENT_STATUSES) expect(judgeTransition(status, status)).toEqual({ kind: 'noop' });
  });

  it('moves forward along the happy paths', () => {
    expect(judgeTransition('created', 'requires_action').kind).toBe('apply');
    expect(judgeTransition('requires_action', 'succeeded').kind).toBe('apply');
    expect(judgeTransition('authorized', 'succeeded').kind).toBe('apply');
    expect(judgeTransition('succeeded', 'partially_refunded').kind).toBe('apply');
    expect(judgeTransition('partially_refunded', 'refunded').kind).toBe('apply');
    expect(judgeTransition('refund_pending', 'succeeded').kind).toBe('apply');
  });

  it('refuses to move money backwards or out of a final state', () => {
    expect(judgeTransition('succeeded', 'failed')).toEqual({ kind: 'illegal', reason: 'a succeeded payment cannot become failed' });
    expect(judgeTransition('failed', 'succeeded').kind).toBe('illegal');
    expect(judgeTransition('refunded', 'succeeded').kind).toBe('illegal');
    expect(judgeTransition('succeeded', 'pending').kind).toBe('illegal');
    expect(judgeTransition('expired', 'succeeded').kind).toBe('illegal');
  });

  it('knows the terminal statuses', () => {
    expect(PAYMENT_STATUSES.filter(isTerminal)).toEqual(['failed', 'canceled', 'expired', 'refunded']);
  });
});
