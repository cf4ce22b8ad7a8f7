/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

/**
 * Builds the single-file SDK the proxy serves at `/sdk/pay-checkout.js`: `widget/index.ts` with
 * Lit bundled in, one ES module, no chunks (a script tag cannot load sibling chunks from a
 * content-hashed copy). Vitest reads the `test` section of this same file.
 */
export default defineConfig({
  // Nothing to copy: the SDK is one file, and a public/ folder would land inside dist/sdk.
  publicDir: false,
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
  test: {
    include: ['server/**/*.test.ts', 'widget/**/*.test.ts', 'demo/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20000,
  },
});
