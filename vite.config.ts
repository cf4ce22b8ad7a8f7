/// <reference types="vitest/config" />
import { defineConfig, type UserConfig } from 'vite';
import { CARD_ENTRY_GZIP_BUDGET_BYTES, reportSizes, SDK_GZIP_BUDGET_BYTES } from './widget/build/report-sizes.js';
import { writeSdkRelease } from './widget/build/sdk-release.js';

/**
 * Three builds, each printing its files' raw, gzip and brotli sizes. Two of the element, each printing its files' raw, gzip and brotli sizes:
 *
 * - `vite build`: the single-file SDK the proxy serves at `/sdk/pay-checkout.js`, `widget/index.ts`
 *   with Lit bundled in, one ES module, no chunks (a script tag cannot load sibling chunks from
 *   a content-hashed copy). Budget: 25 KiB gzip (widget/size-budget.test.ts). Beside it the
 *   content-hashed copy and release.json with its SRI hash (widget/build/sdk-release.ts).
 * - `vite build --mode esm`: the npm build in `dist/esm`, one file per source module and Lit left
 *   as an import, so a merchant's bundler keeps only what the page uses (package.json
 *   `sideEffects` names the one module with a side effect: the entry, which defines the element).
 *   Its type declarations come from `tsc -p widget/tsconfig.esm.json`.
 *
 * And `vite build --mode card-entry`: the card-entry frame's script and styles in `dist/card-entry`,
 * which the proxy inlines into its card-entry page (`GET /api/checkout/card-entry`), so the page
 * is one response under a hash-based CSP. Budget: 8 KiB gzip for the script.
 *
 * Vitest reads the `test` section of this same file.
 */

const sdk: UserConfig = {
  // Nothing to copy: the SDK is one file, and a public/ folder would land inside dist/sdk.
  publicDir: false,
  plugins: [reportSizes({ gzipBudgets: { 'pay-checkout.js': SDK_GZIP_BUDGET_BYTES } }), writeSdkRelease()],
  build: {
    lib: {
      entry: 'widget/index.ts',
      formats: ['es'],
      fileName: () => 'pay-checkout.js',
    },
    outDir: 'dist/sdk',
    // Only dist/sdk is emptied; anything else under dist/ belongs to other builds.
    emptyOutDir: true,
    target: 'es2021',
    minify: true,
    sourcemap: false,
    // Vite's own table would repeat ours, without brotli.
    reportCompressedSize: false,
    rolldownOptions: {
      output: {
        // Rolldown's name for Rollup's `inlineDynamicImports: true`: everything in one file.
        codeSplitting: false,
        // Vite keeps whitespace and /*#__PURE__*/ marks in ES library builds for downstream
        // bundlers; this file goes straight to browsers, so minify it fully. Licence comments stay.
        minify: true,
        comments: { annotation: false, jsdoc: false, legal: true },
      },
    },
  },
};

/** The public modules of the npm build; everything they import comes along as its own file. */
const ESM_ENTRIES = ['widget/index.ts', 'widget/pay-checkout.ts', 'widget/events.ts', 'widget/format.ts', 'widget/theme-properties.ts'];

const esm: UserConfig = {
  publicDir: false,
  plugins: [reportSizes()],
  build: {
    lib: { entry: ESM_ENTRIES, formats: ['es'] },
    outDir: 'dist/esm',
    emptyOutDir: true,
    target: 'es2021',
    // Readable for the merchant's debugger; their bundler minifies. /*#__PURE__*/ marks stay.
    minify: false,
    sourcemap: false,
    reportCompressedSize: false,
    rolldownOptions: {
      // Lit is a dependency of the package: the merchant's bundler shares one copy with the page.
      external: [/^lit(\/|$)/, /^@lit\//, /^@lit-labs\//],
      output: {
        preserveModules: true,
        // dist/esm/widget/*.js, beside the declarations tsc writes from the repository root.
        preserveModulesRoot: '.',
        entryFileNames: '[name].js',
      },
    },
  },
};

const cardEntry: UserConfig = {
  publicDir: false,
  plugins: [reportSizes({ gzipBudgets: { 'card-entry.js': CARD_ENTRY_GZIP_BUDGET_BYTES } })],
  build: {
    lib: {
      entry: 'widget/card-entry/main.ts',
      formats: ['es'],
      fileName: () => 'card-entry.js',
      cssFileName: 'card-entry',
    },
    outDir: 'dist/card-entry',
    emptyOutDir: true,
    target: 'es2021',
    minify: true,
    sourcemap: false,
    reportCompressedSize: false,
    rolldownOptions: {
      output: {
        codeSplitting: false,
        minify: true,
        comments: { annotation: false, jsdoc: false, legal: true },
      },
    },
  },
};

const builds: Record<string, UserConfig> = { esm, 'card-entry': cardEntry };

export default defineConfig(({ mode }) => ({
  ...(builds[mode] ?? sdk),
  test: {
    include: ['server/**/*.test.ts', 'widget/**/*.test.ts', 'demo/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20000,
    // A throwaway PostgreSQL for the PostgreSQL store and the multi-instance tests.
    globalSetup: ['server/testing/postgres-global-setup.ts'],
  },
}));
