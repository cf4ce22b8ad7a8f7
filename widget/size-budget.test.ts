import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { measure, SDK_GZIP_BUDGET_BYTES } from './build/report-sizes.js';

/**
 * The single-file build a script tag loads (Lit, every view, English) must stay small: 25 KiB
 * gzip. Reads the built file, so `npm test` builds first (`npm run build`).
 */
const SDK_FILE = new URL('../dist/sdk/pay-checkout.js', import.meta.url);

describe('the script-tag build', () => {
  it(`is at most ${SDK_GZIP_BUDGET_BYTES / 1024} KiB gzip`, () => {
    expect(existsSync(SDK_FILE), 'dist/sdk/pay-checkout.js is missing: run `npm run build` first').toBe(true);
    const sizes = measure(readFileSync(SDK_FILE));
    expect(SDK_GZIP_BUDGET_BYTES).toBe(25 * 1024);
    expect(sizes.gzip, `gzip ${sizes.gzip} bytes, raw ${sizes.raw}, brotli ${sizes.brotli}`).toBeLessThanOrEqual(SDK_GZIP_BUDGET_BYTES);
  });

  it('is one self-contained module: Lit inside, no imports of other files', () => {
    const code = readFileSync(SDK_FILE, 'utf8');
    expect(code).toContain('customElements.define');
    expect(code).not.toMatch(/\bimport\s*[\w{*\s,}]*\s*from\s*["']|\bimport\(\s*["']/);
  });
});
