import { describe, expect, it } from 'vitest';
import { TtlCache } from './ttl-cache.js';

describe('TtlCache', () => {
  it('loads a key once for concurrent callers and keeps it until its time is up', async () => {
    let now = 0;
    let loads = 0;
    const cache = new TtlCache<string>(1_000, () => now);
    const load = async () => `value-${++loads}`;
    expect(await Promise.all([cache.get('k', load), cache.get('k', load), cache.get('k', load)])).toEqual(['value-1', 'value-1', 'value-1']);
    now = 999;
    expect(await cache.get('k', load)).toBe('value-1');
    now = 1_000;
    expect(await cache.get('k', load)).toBe('value-2');
  });

  it('does not keep a failed load', async () => {
    const cache = new TtlCache<string>(1_000);
    await expect(cache.get('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('k', async () => 'back')).toBe('back');
  });

  it('drops the oldest entry beyond its bound', async () => {
    const cache = new TtlCache<number>(60_000, Date.now, 2);
    let loads = 0;
    const load = (value: number) => async () => {
      loads++;
      return value;
    };
    await cache.get('a', load(1));
    await cache.get('b', load(2));
    await cache.get('c', load(3));
    expect(loads).toBe(3);
    // b and c are kept; a was dropped and loads again.
    expect(await cache.get('b', load(20))).toBe(2);
    expect(await cache.get('c', load(30))).toBe(3);
    expect(await cache.get('a', load(10))).toBe(10);
    expect(loads).toBe(4);
  });
});
