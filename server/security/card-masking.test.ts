import { describe, expect, it } from 'vitest';
import { maskPanLike, passesLuhn, SCRUB, scrubPayload } from './card-masking.js';

describe('card masking', () => {
  it('masks card numbers in text, grouped or not, and leaves UUIDs and short numbers whole', () => {
    expect(maskPanLike('card 4111 1111 1111 1111 and 5421-1901-2209-0656')).toBe('card 411111******1111 and 542119******0656');
    expect(maskPanLike('payment 123e4567-e89b-12d3-a456-426614174000 of 4800')).toBe('payment 123e4567-e89b-12d3-a456-426614174000 of 4800');
    expect(maskPanLike('12345678901234567890123')).toBe('12345678901234567890123');
    expect(maskPanLike('pay_bb3cb2982d0043499705012d07f224ea')).toBe('pay_bb3cb2982d0043499705012d07f224ea');
    expect(maskPanLike('pan=4111111111111111&cvv')).toBe('pan=411111******1111&cvv');
  });

  it("checks Luhn's digit", () => {
    expect(['4111111111111111', '5421190122090656', '4000000000000002'].every(passesLuhn)).toBe(true);
    expect(passesLuhn('4111111111111112')).toBe(false);
    expect(passesLuhn('41111111a1111111')).toBe(false);
  });

  it('scrubs a payload by the rules given and masks card-like digits everywhere else', () => {
    const scrubbed = scrubPayload(
      { cvv: '123', nested: [{ note: 'card 4111111111111111', pan: 4111111111111111 }], keep: 'ok' },
      { onKey: (key) => (key === 'cvv' ? undefined : SCRUB) },
    );
    expect(scrubbed).toEqual({ nested: [{ note: 'card 411111******1111', pan: '411111******1111' }], keep: 'ok' });
  });
});
