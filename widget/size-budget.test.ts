import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CARD_ENTRY_GZIP_BUDGET_BYTES, measure, SDK_GZIP_BUDGET_BYTES } from './build/report-sizes.js';

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

/**
 * The card-entry frame's script (its form, the card checks, the channel), which the proxy inlines
 * into its card-entry page: loaded only once a card method is chosen, never for the first paint.
 */
const CARD_ENTRY_DIR = new URL('../dist/card-entry/', import.meta.url);

describe("the card-entry frame's build", () => {
  it(`is at most ${CARD_ENTRY_GZIP_BUDGET_BYTES / 1024} KiB gzip for the script, with its styles beside it`, () => {
    const script = new URL('card-entry.js', CARD_ENTRY_DIR);
    const style = new URL('card-entry.css', CARD_ENTRY_DIR);
    expect(existsSync(script) && existsSync(style), 'dist/card-entry is missing: run `npm run build` first').toBe(true);
    const sizes = measure(readFileSync(script));
    const styleSizes = measure(readFileSync(style));
    expect(CARD_ENTRY_GZIP_BUDGET_BYTES).toBe(8 * 1024);
    expect(sizes.gzip, `script gzip ${sizes.gzip} bytes (raw ${sizes.raw}); styles gzip ${styleSizes.gzip}`).toBeLessThanOrEqual(CARD_ENTRY_GZIP_BUDGET_BYTES);
    expect(styleSizes.gzip).toBeLessThanOrEqual(2 * 1024);
  });

  it('is one module without imports, and leaves Lit out', () => {
    const code = readFileSync(new URL('card-entry.js', CARD_ENTRY_DIR), 'utf8');
    expect(code).toContain('pay-checkout:card-entry-connect');
    expect(code).not.toMatch(/\bimport\s*[\w{*\s,}]*\s*from\s*["']|\bimport\(\s*["']/);
    expect(code).not.toContain('litHtmlVersions');
  });
});

describe("README's size figures", () => {
  it("are the build's, within 1 KiB", () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const [, sdk, cardScript, cardStyles] =
      /script-tag build is about (\d+) KB gzip[^|]*card-entry frame[^|]*about (\d+) KB gzip for its script and (\d+) KB for its styles/.exec(readme) ?? [];
    const kib = (file: URL) => measure(readFileSync(file)).gzip / 1024;
    const built = { sdk: kib(SDK_FILE), cardScript: kib(new URL('card-entry.js', CARD_ENTRY_DIR)), cardStyles: kib(new URL('card-entry.css', CARD_ENTRY_DIR)) };
    const stated = { sdk: Number(sdk), cardScript: Number(cardScript), cardStyles: Number(cardStyles) };
    for (const key of Object.keys(built) as (keyof typeof built)[]) {
      expect(Math.abs(stated[key] - built[key]), `README says ${stated[key]} KB for ${key}, the build has ${built[key].toFixed(2)} KiB`).toBeLessThan(1);
    }
  });
});
