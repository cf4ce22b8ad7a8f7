import { Router, type Request, type Response } from 'express';
import { AppError, isStorageUnavailable } from '../errors.js';
import type { Logger } from '../logger.js';
import { sendFramedReturnPage } from '../pages/framed-return-page.js';
import { sendShopperMessagePage } from '../pages/shopper-message-page.js';
import type { PaymentService } from '../payments/payment-service.js';
import type { Store } from '../store/store.js';

/** The query parameter that counts the return page's own retries. */
const ATTEMPT = 'returnAttempt';
const MAX_ATTEMPTS = 10;
/** 3 s, 6 s, 12 s... then every minute: ten attempts span about five and a half minutes, more than a database failover takes. */
const secondsAfter = (attempt: number) => Math.min(3 * 2 ** (attempt - 1), 60);

/**
 * Where a provider sends the shopper's browser back (`/api/checkout/return/:paymentId`). The return
 * itself proves nothing: the proxy asks the provider, then either tells the element in the parent
 * frame (framed flows) or sends the shopper on to the merchant's returnUrl (top-level flows).
 * When the proxy cannot tell which (the database is unavailable, or something failed), the shopper
 * may well have paid: the page says the payment is being confirmed and loads itself again until
 * the return goes through, a bounded number of times.
 */
export function createReturnsRouter(deps: {
  store: Store;
  payments: PaymentService;
  allowedOrigins: readonly string[];
  proxyOrigin: string;
  logger: Logger;
}): Router {
  const router = Router();
  // The parent is the element's frame, or the proxy's own 3-D Secure wrapper.
  const frameAncestors = [deps.proxyOrigin, ...deps.allowedOrigins];

  const returnShopper = async (paymentId: string, res: Response) => {
    const stored = await deps.store.getPayment(paymentId);
    if (!stored) throw new AppError('not_found', 'this payment is unknown');
    const payment = await deps.payments.refresh(stored, 'return').catch((error: unknown) => {
      deps.logger.warn({ paymentId: stored.id, err: error }, 'status lookup on return failed; the element will poll');
      return stored;
    });
    const framed = payment.action?.type === 'iframe' || payment.action?.type === 'html';
    if (framed) {
      sendFramedReturnPage(res, { paymentId: payment.id, allowedOrigins: frameAncestors, text: 'Returning to the checkout…' });
      return;
    }
    const session = await deps.store.getSession(payment.sessionId);
    const target = URL.parse(session?.returnUrl ?? '');
    if (!target) {
      // Retrying cannot help: the shopper must find the shop without us.
      deps.logger.error({ paymentId: payment.id, sessionId: payment.sessionId, session: session ? 'returnUrl not a URL' : 'missing' }, 'return without a returnUrl to send the shopper to');
      sendShopperMessagePage(res, {
        status: 500,
        frameAncestors,
        title: 'Back to the shop',
        text: 'We could not take you back to the shop. Please do not pay again: open the shop again to see your order.',
      });
      return;
    }
    target.searchParams.set('paymentId', payment.id);
    res.redirect(303, target.toString());
  };

  const sendStillConfirming = (req: Request, res: Response, error: unknown) => {
    const outage = isStorageUnavailable(error);
    const attempt = attemptOf(req);
    if (outage) deps.logger.warn({ path: req.path, attempt, err: error }, 'return while the database is unavailable; the page tries again');
    else deps.logger.error({ path: req.path, attempt, err: error }, 'return failed; the page tries again');
    const again = attempt < MAX_ATTEMPTS;
    const seconds = secondsAfter(attempt);
    const next = new URL(req.originalUrl, 'http://return.invalid');
    next.searchParams.set(ATTEMPT, String(attempt + 1));
    sendShopperMessagePage(res, {
      status: outage ? 503 : 500,
      frameAncestors,
      retryAfterSeconds: seconds,
      title: 'Confirming your payment',
      text: again
        ? 'We are confirming your payment. Please do not pay again: this page will continue by itself in a few seconds.'
        : 'We could not confirm your payment yet. Please do not pay again: the shop will confirm your order. You can reload this page later to continue.',
      ...(again ? { refresh: { url: next.pathname + next.search, seconds } } : {}),
    });
  };

  router.all('/:paymentId', async (req, res) => {
    try {
      await returnShopper(String(req.params.paymentId), res);
    } catch (error) {
      // An unknown payment goes to the pages' error middleware: there is nothing to confirm.
      if (error instanceof AppError && error.code === 'not_found') throw error;
      if (!res.headersSent) sendStillConfirming(req, res, error);
    }
  });
  return router;
}

/** Which attempt this request is: 1 for the provider's own return, then as counted by the page. */
function attemptOf(req: Request): number {
  const value = req.query[ATTEMPT];
  const attempt = typeof value === 'string' && /^\d{1,2}$/.test(value) ? Number(value) : 1;
  return Math.min(Math.max(attempt, 1), MAX_ATTEMPTS);
}
