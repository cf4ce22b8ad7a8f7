import { describe, expect, it } from 'vitest';
import { CoalescedLookups } from './coalesced-lookups.js';

/** A lookup the test finishes by hand, answering the provider's state at the moment it started. */
function provider() {
  let state = 'pending';
  const started: { resolve: () => void; sawState: string }[] = [];
  const lookup = () =>
    new Promise<string>((resolve) => {
      const sawState = state;
      started.push({ resolve: () => resolve(sawState), sawState });
    });
  return { started, lookup, set: (next: string) => void (state = next) };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('CoalescedLookups', () => {
  it('runs one lookup at a time per key and one after it for every signal that came meanwhile', async () => {
    const lookups = new CoalescedLookups<string>();
    const p = provider();
    const first = lookups.run('pay_1', p.lookup);
    p.set('succeeded');
    const during = Array.from({ length: 50 }, () => lookups.run('pay_1', p.lookup));
    expect(p.started).toHaveLength(1);
    p.started[0]!.resolve();
    expect(await first).toBe('pending');
    await tick();
    // The signals that came during the first lookup share one that started after it: it sees the new state.
    expect(p.started).toHaveLength(2);
    p.started[1]!.resolve();
    expect(new Set(await Promise.all(during))).toEqual(new Set(['succeeded']));
    await tick();
    expect(p.started).toHaveLength(2);
    // Another key has its own lookups; and once all ended, the next signal starts afresh.
    const other = lookups.run('pay_2', p.lookup);
    const again = lookups.run('pay_1', p.lookup);
    expect(p.started).toHaveLength(4);
    p.started[2]!.resolve();
    p.started[3]!.resolve();
    await Promise.all([other, again]);
  });

  it('starts the waiting lookup after a failed one too', async () => {
    const lookups = new CoalescedLookups<string>();
    let calls = 0;
    const failing = lookups.run('pay_1', async () => {
      calls++;
      throw new Error('provider down');
    });
    const next = lookups.run('pay_1', async () => {
      calls++;
      return 'found';
    });
    await expect(failing).rejects.toThrow('provider down');
    expect(await next).toBe('found');
    expect(calls).toBe(2);
  });
});
