import { describe, expect, it } from 'vitest';
import { ChallengePages } from './challenge-pages.js';

describe('ChallengePages', () => {
  it('serves a page until its challenge ends or it expires', () => {
    let now = 0;
    const pages = new ChallengePages(() => now);
    const first = pages.add('pay_1', '<form></form>');
    const second = pages.add('pay_2', '<form id="b"></form>');
    expect(first).toMatch(/^chl_[\w-]{24}$/);
    expect(pages.get(first)).toEqual({ paymentId: 'pay_1', html: '<form></form>' });
    pages.endChallenge('pay_1');
    expect(pages.get(first)).toBeUndefined();
    now = 15 * 60_000;
    expect(pages.get(second)).toBeUndefined();
  });
});
