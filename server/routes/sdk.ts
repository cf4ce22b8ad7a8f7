import express, { Router } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `/sdk/pay-checkout.js`: the element's single-file build, so one script tag embeds it anywhere.
 * Module scripts load in CORS mode, hence the open CORS and cross-origin resource policy headers.
 */
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
    // A stable name: short caching so a new release reaches shoppers within minutes.
    res.set('Cache-Control', 'public, max-age=300');
    next();
  });
  router.use(express.static(options.sdkDir, { index: false, cacheControl: false, fallthrough: false }));
  return router;
}
