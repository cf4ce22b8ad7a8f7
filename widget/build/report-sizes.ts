import { relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Logger, Plugin } from 'vite';

/**
 * A Vite plugin that prints every file a build wrote with its raw, gzip and brotli size, the
 * figures a merchant's shoppers download. gzip at level 9 and brotli at quality 11 are what a
 * server or CDN that precompresses static files sends. With `gzipBudgets`, a file above its
 * budget is flagged in the report; widget/size-budget.test.ts is what fails on it.
 */

/** The single-file build for the script tag (Lit, every view, English) may weigh this much, gzipped. */
export const SDK_GZIP_BUDGET_BYTES = 25 * 1024;

/** The card-entry frame's script (its form, the checks of a card number, the channel to the element). */
export const CARD_ENTRY_GZIP_BUDGET_BYTES = 8 * 1024;

export interface FileSizes {
  raw: number;
  gzip: number;
  brotli: number;
}

export function measure(content: string | Uint8Array): FileSizes {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  return {
    raw: bytes.byteLength,
    gzip: gzipSync(bytes, { level: 9 }).byteLength,
    brotli: brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength },
    }).byteLength,
  };
}

export function reportSizes(options: { gzipBudgets?: Record<string, number> } = {}): Plugin {
  let logger: Logger;
  let root = process.cwd();
  return {
    name: 'pay-checkout:report-sizes',
    apply: 'build',
    configResolved(config) {
      logger = config.logger;
      root = config.root;
    },
    writeBundle(output, bundle) {
      const outDir = relative(root, output.dir ?? root) || '.';
      const rows: { name: string; sizes: FileSizes; budget?: number }[] = [];
      for (const file of Object.values(bundle)) {
        const content = file.type === 'chunk' ? file.code : file.source;
        const budget = options.gzipBudgets?.[file.fileName];
        rows.push({ name: `${outDir}/${file.fileName}`, sizes: measure(content), ...(budget !== undefined && { budget }) });
      }
      rows.sort((a, b) => a.name.localeCompare(b.name));
      if (rows.length > 1) {
        const total = rows.reduce((sum, row) => ({ raw: sum.raw + row.sizes.raw, gzip: sum.gzip + row.sizes.gzip, brotli: sum.brotli + row.sizes.brotli }), { raw: 0, gzip: 0, brotli: 0 });
        rows.push({ name: `${outDir} (${rows.length} files, each compressed alone)`, sizes: total });
      }
      const width = Math.max(...rows.map((row) => row.name.length));
      logger.info('\nSizes (raw │ gzip -9 │ brotli q11):');
      for (const { name, sizes, budget } of rows) {
        const line = `  ${name.padEnd(width)}  ${kib(sizes.raw)} │ ${kib(sizes.gzip)} gzip │ ${kib(sizes.brotli)} brotli`;
        if (budget === undefined) logger.info(line);
        else if (sizes.gzip <= budget) logger.info(`${line}   (gzip budget ${kib(budget).trim()}: ok)`);
        else logger.warn(`${line}   OVER THE GZIP BUDGET OF ${kib(budget).trim()}`);
      }
    },
  };
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(2).padStart(7)} KiB`;
}
