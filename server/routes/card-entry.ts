import { Router } from 'express';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logger.js';
import { cardEntryPage } from '../pages/card-entry-page.js';
import { sendShopperMessagePage } from '../pages/shopper-message-page.js';

/**
 * `GET /api/checkout/card-entry`: the card-entry page `<pay-checkout>` frames for card methods
 * (directcard, HankoPay). It carries no session and no card data: the element hands it the
 * session token over a MessageChannel once it has loaded. Built once, on the first request, from
 * the frame's build in `cardEntryDir` (`vite build --mode card-entry`).
 */
export function createCardEntryRouter(deps: { cardEntryDir: string; allowedOrigins: readonly string[]; logger: Logger }): Router {
  const router = Router();
  let page: Promise<{ html: string; policy: string }> | undefined;
  const build = async () => {
    const [script, style] = await Promise.all([
      readFile(join(deps.cardEntryDir, 'card-entry.js'), 'utf8'),
      readFile(join(deps.cardEntryDir, 'card-entry.css'), 'utf8'),
    ]);
    return cardEntryPage({ script, style, parentOrigins: deps.allowedOrigins });
  };

  router.get('/', async (_req, res) => {
    page ??= build();
    let built: { html: string; policy: string };
    try {
      built = await page;
    } catch (error) {
      page = undefined;
      // The hint is for the operator; the shopper, in the element's frame, reads a sentence.
      deps.logger.error({ err: error }, 'the card entry is not built yet: run `npm run build`');
      sendShopperMessagePage(res, {
        status: 503,
        frameAncestors: deps.allowedOrigins,
        retryAfterSeconds: 60,
        title: 'Card form unavailable',
        text: 'The card form cannot be shown right now. Please try again in a few minutes.',
      });
      return;
    }
    res
      .set('Content-Security-Policy', built.policy)
      // The same for every shopper and free of any secret; short-lived so a new release arrives soon.
      .set('Cache-Control', 'public, max-age=300')
      .set('Referrer-Policy', 'no-referrer')
      .type('html')
      .send(built.html);
  });
  return router;
}
