import express, { Router } from 'express';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `/sdk/`: the element's single-file build, so one script tag embeds it anywhere.
 *
 * - `pay-checkout.js`, a stable name: cached five minutes, so a new release reaches shoppers soon.
 * - `pay-checkout.<hash>.js`, named after its content: cached for a year and never revalidated,
 *   for a script tag with an `integrity` hash (a changed file would have another name).
 * - `release.json`: the hashed name and its integrity hash, for a merchant's page templates.
 *
 * Module scripts load in CORS mode, hence the open CORS and cross-origin resource policy headers.
 */

const HASHED_SDK = /^\/pay-checkout\.[0-9a-f]{12}\.js$/;
const SHORT = 'public, max-age=300';
const IMMUTABLE = 'public, max-age=31536000, immutable';

export interface SdkRelease {
  file: string;
  integrity: string;
}

/** The hashed copy of the current build and its SRI hash, or undefined when the SDK is not built. */
export function readSdkRelease(sdkDir: string): SdkRelease | undefined {
  try {
    const release = JSON.parse(readFileSync(join(sdkDir, 'release.json'), 'utf8')) as Partial<SdkRelease>;
    return typeof release.file === 'string' && typeof release.integrity === 'string' ? { file: release.file, integrity: release.integrity } : undefined;
  } catch {
    return undefined;
  }
}

export function createSdkRouter(options: { sdkDir: string }): Router {
  const router = Router();
  router.use((_req, res, next) => {
    res.set('Access-Control-Allow-Origin', '*');
    res.set('Cross-Origin-Resource-Policy', 'cross-origin');
    next();
  });
  router.get('/pay-checkout.js', (_req, res, next) => {
    if (!existsSync(join(options.sdkDir, 'pay-checkout.js'))) {
      res.status(503).type('text/plain').send('The widget is not built yet: run `npm run build`.');
      return;
    }
    next();
  });
  router.use(
    express.static(options.sdkDir, {
      index: false,
      cacheControl: false,
      fallthrough: false,
      setHeaders: (res, path) => {
        const name = `/${path.split(/[\\/]/).at(-1)}`;
        res.setHeader('Cache-Control', HASHED_SDK.test(name) ? IMMUTABLE : SHORT);
      },
    }),
  );
  return router;
}
