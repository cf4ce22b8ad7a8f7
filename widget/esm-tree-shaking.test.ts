import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type Rolldown } from 'vite';

/**
 * The npm build (dist/esm) lets a merchant's bundler keep only what a page uses: a page that
 * imports an event class or the money formatter must not get the element, its registration or
 * Lit. Bundles a tiny page, as a merchant's Vite would, with the package linked into its
 * node_modules, so package.json's `sideEffects` applies as it does for them. No network.
 */

const REPO = fileURLToPath(new URL('..', import.meta.url));
const ESM = join(REPO, 'dist/esm/widget');
/** Strings Lit's code carries even minified: its version registries and template marker. */
const LIT_MARKERS = ['litElementVersions', 'litHtmlVersions', 'reactiveElementVersions', '_$litType$'];

let shop: string;

beforeAll(() => {
  shop = mkdtempSync(join(tmpdir(), 'pay-tree-shaking-'));
  mkdirSync(join(shop, 'node_modules'));
  symlinkSync(REPO, join(shop, 'node_modules', 'pay-checkout'), 'dir');
});

afterAll(() => {
  rmSync(shop, { recursive: true, force: true });
});

/** Bundles `source` as a merchant page's entry, minified like a production build; returns the code. */
async function bundle(name: string, source: string): Promise<string> {
  const entry = join(shop, `${name}.js`);
  writeFileSync(entry, source);
  const result = await build({
    configFile: false,
    root: shop,
    logLevel: 'silent',
    publicDir: false,
    build: {
      write: false,
      lib: { entry, formats: ['es'], fileName: name },
      minify: true,
      rolldownOptions: { output: { codeSplitting: false, minify: true } },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  const chunks = outputs.flatMap((output) => output.output).filter((file) => file.type === 'chunk');
  expect(chunks).toHaveLength(1);
  return chunks[0]!.code;
}

describe('the npm build, bundled by a merchant', () => {
  it('exists (run `npm run build` first)', () => {
    expect(existsSync(join(ESM, 'events.js'))).toBe(true);
  });

  it('keeps an event class alone: no element, no registration, no Lit, under 2 KiB', async () => {
    const code = await bundle(
      'events-only',
      `import { PayCompleteEvent } from 'pay-checkout/events';
       document.addEventListener(PayCompleteEvent.eventName, (event) => console.log(event instanceof PayCompleteEvent));`,
    );
    expect(code).toContain('pay-complete');
    expect(code).not.toContain('customElements.define');
    expect(code).not.toContain('pay-checkout');
    for (const marker of LIT_MARKERS) expect(code).not.toContain(marker);
    expect(Buffer.byteLength(code), code).toBeLessThan(2048);
    console.info(`events-only bundle: ${Buffer.byteLength(code)} bytes`);
  });

  it('keeps the money formatter alone, under 2 KiB', async () => {
    const code = await bundle(
      'format-only',
      `import { formatMoney } from 'pay-checkout/format';
       console.log(formatMoney(1250, { currency: 'JPY', currencyExponent: 0, locale: 'ja' }));`,
    );
    expect(code).toContain('Intl.NumberFormat');
    expect(code).not.toContain('customElements.define');
    for (const marker of LIT_MARKERS) expect(code).not.toContain(marker);
    expect(Buffer.byteLength(code), code).toBeLessThan(2048);
    console.info(`format-only bundle: ${Buffer.byteLength(code)} bytes`);
  });

  it('gives the class without registering it to a page that registers it itself', async () => {
    const code = await bundle(
      'class-only',
      `import { PayCheckout } from 'pay-checkout/element';
       customElements.define('shop-checkout', class extends PayCheckout {});`,
    );
    expect(code).toContain('litElementVersions');
    expect(code).not.toMatch(/define\(\s*["']pay-checkout["']/);
  });

  it('keeps the registration of a page that imports the element for its side effect', async () => {
    const code = await bundle('element', `import 'pay-checkout';`);
    expect(code).toContain('customElements.define');
    expect(code).toContain('pay-checkout');
    expect(code).toContain('litElementVersions');
  });
});
