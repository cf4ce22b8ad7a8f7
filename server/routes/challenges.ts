import { Router } from 'express';
import { AppError, isStorageUnavailable } from '../errors.js';
import type { Logger } from '../logger.js';
import { challengePagePolicy, challengeWrapper } from '../pages/challenge-page.js';
import { sendFramedReturnPage } from '../pages/framed-return-page.js';
import { sendShopperMessagePage } from '../pages/shopper-message-page.js';
import type { PaymentService } from '../payments/payment-service.js';

/**
 * 3-D Secure, as the shopper's browser sees it inside the element's dialog, in two routers so that
 * each is mounted on its own prefix and the widget API's requests never walk them:
 *   challenges, at /api/checkout/challenge:
 *     GET  /:id        the gateway's markup as a page of the proxy's own origin
 *     GET  /:id/content that markup itself, framed by the page above
 *   postBacks, at /api/checkout/3ds:
 *     POST /:paymentId where the gateway posts back (paymentId, securityKey); the proxy completes
 *                      the payment server-side, then tells the element.
 * Neither carries a session token: they are frame navigations. The challenge id is unguessable, and
 * a post back completes nothing the provider does not confirm.
 */
export function createChallengesRouters(deps: {
  payments: PaymentService;
  allowedOrigins: readonly string[];
  proxyOrigin: string;
  logger: Logger;
}): { challenges: Router; postBacks: Router } {
  const challenges = Router();
  const postBacks = Router();
  // The wrapper is framed by the element, the content and the post back by the wrapper.
  const frameAncestors = [deps.proxyOrigin, ...deps.allowedOrigins];
  const ended = (res: import('express').Response) =>
    sendShopperMessagePage(res, {
      status: 404,
      frameAncestors,
      title: 'Verification ended',
      text: 'This verification has ended or does not exist. Please close it and go back to the checkout.',
    });

  challenges.get('/:id', (req, res) => {
    const id = String(req.params.id);
    if (!deps.payments.challengePage(id)) return void ended(res);
    const { html, policy } = challengeWrapper({
      contentUrl: `${req.baseUrl}/${encodeURIComponent(id)}/content`,
      proxyOrigin: deps.proxyOrigin,
      allowedOrigins: deps.allowedOrigins,
    });
    res.set('Content-Security-Policy', policy).set('Cache-Control', 'no-store').set('Referrer-Policy', 'no-referrer').type('html').send(html);
  });

  challenges.get('/:id/content', (req, res) => {
    const page = deps.payments.challengePage(String(req.params.id));
    if (!page) return void ended(res);
    res
      // Framed by the wrapper, which the merchant's page frames: frame-ancestors is checked up to the top.
      .set('Content-Security-Policy', challengePagePolicy(page.html, ["'self'", ...deps.allowedOrigins]))
      .set('Cache-Control', 'no-store')
      .set('Referrer-Policy', 'no-referrer')
      .type('html')
      .send(page.html);
  });

  // The gateway's post back is a form: mount postBacks behind a form parser.
  postBacks.post('/:paymentId', async (req, res) => {
    const paymentId = String(req.params.paymentId);
    const fields = Object.fromEntries(
      Object.entries((req.body ?? {}) as Record<string, unknown>).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
    try {
      const payment = await deps.payments.completeChallenge(paymentId, fields);
      const text = payment.status === 'succeeded' || payment.status === 'authorized' ? 'Verified. Returning to the checkout…' : 'Returning to the checkout…';
      sendFramedReturnPage(res, { paymentId, allowedOrigins: frameAncestors, text });
    } catch (error) {
      const outage = isStorageUnavailable(error);
      if (outage || !(error instanceof AppError)) {
        // The bank may have been asked already: the shopper must not pay again. The element, told
        // of the return, polls the payment and shows what became of it.
        if (outage) {
          deps.logger.warn({ paymentId, err: error }, '3-D Secure post back while the database is unavailable');
          res.set('Retry-After', '30');
        } else {
          deps.logger.error({ paymentId, err: error }, '3-D Secure post back failed');
        }
        sendFramedReturnPage(res, {
          paymentId,
          allowedOrigins: frameAncestors,
          status: outage ? 503 : 500,
          text: 'We could not finish the verification right now. Please do not pay again: wait a moment, and the checkout will show whether the payment went through.',
        });
        return;
      }
      if (error.code === 'outcome_unknown') {
        sendFramedReturnPage(res, { paymentId, allowedOrigins: frameAncestors, status: 502, text: `We could not confirm this payment yet: ${error.message}.` });
        return;
      }
      // A forged, replayed or refused return: nothing changed, and the page says so.
      sendFramedReturnPage(res, {
        paymentId,
        // The 3-D Secure return lands in the wrapper's frame: its parent is the proxy's own page.
        allowedOrigins: frameAncestors,
        status: error.status,
        text: `This verification was not accepted, and nothing changed: ${error.message}`,
      });
    }
  });

  return { challenges, postBacks };
}
