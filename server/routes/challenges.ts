import { Router } from 'express';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { challengePagePolicy } from '../pages/challenge-page.js';
import { sendFramedReturnPage } from '../pages/framed-return-page.js';
import type { PaymentService } from '../payments/payment-service.js';
import type { Store } from '../store/store.js';

/**
 * 3-D Secure, as the shopper's browser sees it inside the element's dialog:
 *   GET  /api/checkout/challenge/:id   the gateway's markup as a page of the proxy's own origin
 *   POST /api/checkout/3ds/:paymentId  where the gateway posts back (paymentId, securityKey); the
 *                                      proxy completes the payment server-side, then tells the element.
 * Neither carries a session token: they are frame navigations. The challenge id is unguessable, and
 * a post back completes nothing the provider does not confirm.
 */
export function createChallengesRouter(deps: { store: Store; payments: PaymentService; allowedOrigins: readonly string[]; logger: Logger }): Router {
  const router = Router();

  router.get('/challenge/:id', async (req, res) => {
    const page = await deps.store.getChallengePage(String(req.params.id));
    if (!page) {
      res.status(404).type('text/plain').send('This verification has ended or does not exist.');
      return;
    }
    res
      .set('Content-Security-Policy', challengePagePolicy(page.html, deps.allowedOrigins))
      .set('Cache-Control', 'no-store')
      .set('Referrer-Policy', 'no-referrer')
      .type('html')
      .send(page.html);
  });

  router.post('/3ds/:paymentId', async (req, res) => {
    const paymentId = String(req.params.paymentId);
    const fields = Object.fromEntries(
      Object.entries((req.body ?? {}) as Record<string, unknown>).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
    try {
      const payment = await deps.payments.completeChallenge(paymentId, fields);
      const text = payment.status === 'succeeded' || payment.status === 'authorized' ? 'Verified. Returning to the checkout…' : 'Returning to the checkout…';
      sendFramedReturnPage(res, { paymentId, allowedOrigins: deps.allowedOrigins, text });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      // A forged, replayed or refused return: nothing changed, and the page says so.
      sendFramedReturnPage(res, {
        paymentId,
        allowedOrigins: deps.allowedOrigins,
        status: error.status,
        text: `This verification was not accepted, and nothing changed: ${error.message}`,
      });
    }
  });

  return router;
}
