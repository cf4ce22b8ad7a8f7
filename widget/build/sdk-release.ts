import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'vite';

/**
 * The script tag's immutable copy of the SDK: beside `pay-checkout.js` (a stable name, cached
 * briefly) the build writes `pay-checkout.<hash>.js`, named after its content so the proxy can
 * let browsers and CDNs keep it for a year, and `release.json` with its name and Subresource
 * Integrity hash, which the build prints as a ready-to-paste script tag.
 */

export const SDK_FILE = 'pay-checkout.js';
export const RELEASE_FILE = 'release.json';

export interface SdkRelease {
  /** `pay-checkout.<first 12 hex digits of the content's SHA-256>.js` */
  file: string;
  /** `sha384-<base64>`, for the script tag's integrity attribute. */
  integrity: string;
}

export function sdkRelease(code: string | Uint8Array): SdkRelease {
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 12);
  return {
    file: `pay-checkout.${hash}.js`,
    integrity: `sha384-${createHash('sha384').update(code).digest('base64')}`,
  };
}

/** The line a merchant pastes: `base` is the proxy's public URL. */
export function scriptTag(release: SdkRelease, base: string): string {
  return `<script type="module" src="${base.replace(/\/+$/, '')}/sdk/${release.file}" integrity="${release.integrity}" crossorigin="anonymous"></script>`;
}

export function writeSdkRelease(): Plugin {
  return {
    name: 'pay-checkout:sdk-release',
    apply: 'build',
    writeBundle(output, bundle) {
      const chunk = bundle[SDK_FILE];
      if (!chunk || chunk.type !== 'chunk' || !output.dir) return;
      const release = sdkRelease(chunk.code);
      writeFileSync(join(output.dir, release.file), chunk.code);
      writeFileSync(join(output.dir, RELEASE_FILE), `${JSON.stringify(release, null, 2)}\n`);
      console.info(`\nScript tag (immutable copy, Subresource Integrity ${release.integrity}):\n  ${scriptTag(release, 'https://YOUR-PROXY')}\n`);
    },
  };
}
