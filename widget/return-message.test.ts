import { describe, expect, it } from 'vitest';
import { isReturnMessage } from './return-message.js';

const frame = {};
const origin = 'https://pay.example.com';
const data = { type: 'pay-checkout:return', paymentId: 'pay_1' };

describe('isReturnMessage', () => {
  it('accepts the return message of our frame, from the proxy, about our payment', () => {
    expect(isReturnMessage({ origin, source: frame, data }, origin, frame, 'pay_1')).toBe(true);
  });

  it('refuses another origin', () => {
    expect(isReturnMessage({ origin: 'https://evil.example', source: frame, data }, origin, frame, 'pay_1')).toBe(false);
    expect(isReturnMessage({ origin: 'null', source: frame, data }, origin, frame, 'pay_1')).toBe(false);
  });

  it('refuses another window, even of the right origin', () => {
    expect(isReturnMessage({ origin, source: {}, data }, origin, frame, 'pay_1')).toBe(false);
    expect(isReturnMessage({ origin, source: null, data }, origin, null, 'pay_1')).toBe(false);
  });

  it('refuses another payment or another message', () => {
    expect(isReturnMessage({ origin, source: frame, data }, origin, frame, 'pay_2')).toBe(false);
    expect(isReturnMessage({ origin, source: frame, data: { ...data, type: 'other' } }, origin, frame, 'pay_1')).toBe(false);
    expect(isReturnMessage({ origin, source: frame, data: 'pay-checkout:return' }, origin, frame, 'pay_1')).toBe(false);
    expect(isReturnMessage({ origin, source: frame, data: null }, origin, frame, 'pay_1')).toBe(false);
  });

  it('refuses everything when the expected origin is unknown', () => {
    expect(isReturnMessage({ origin: '', source: frame, data }, '', frame, 'pay_1')).toBe(false);
  });
});
