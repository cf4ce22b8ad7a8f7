import { afterEach, describe, expect, it, vi } from 'vitest';
import { canonicalLocale, wantedLocale } from './locale.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('canonicalLocale', () => {
  it('writes a tag the canonical way', () => {
    expect(canonicalLocale('TR-tr')).toBe('tr-TR');
    expect(canonicalLocale(' ja ')).toBe('ja');
    expect(canonicalLocale('zh-hant-tw')).toBe('zh-Hant-TW');
  });

  it('reads en_US as en-US', () => {
    expect(canonicalLocale('en_US')).toBe('en-US');
  });

  it('gives nothing for an empty or malformed tag', () => {
    expect(canonicalLocale('')).toBeUndefined();
    expect(canonicalLocale(undefined)).toBeUndefined();
    expect(canonicalLocale(null)).toBeUndefined();
    expect(canonicalLocale('not a tag!')).toBeUndefined();
  });
});

describe('wantedLocale', () => {
  it("takes the attribute, else the browser's language", () => {
    vi.stubGlobal('navigator', { language: 'th-TH' });
    expect(wantedLocale('tr')).toBe('tr');
    expect(wantedLocale('')).toBe('th-TH');
    expect(wantedLocale('###')).toBe('th-TH');
  });

  it("leaves the choice to the session's locale without a browser language", () => {
    vi.stubGlobal('navigator', { language: '' });
    expect(wantedLocale(undefined)).toBeUndefined();
  });
});
