import { Router } from 'express';
import type { Logger } from '../logger.js';
import { sendFramedReturnPage } from '../pages/framed-return-page.js';
import type { PaymentService } from '../payments/payment-service.js';
import type { Store } from '../store/store.js';

/**
 * Where a provider sends the shopper's browser back (`/api/checkout/return/:paymentId`). The return
 * itself proves nothing: the proxy asks the provider, then either tells the element in the parent
 * frame (framed flows) or sends the shopper on to the merchant's returnUrl (top-level flows).
 */
export function createReturnsRouter(deps: {
  store: Store;
  payments: PaymentService;
  allowedOrigins: readonly string[];
  proxyOrigin: string;
  logger: Logger;
}): Router {
  const router = Router();
  router.all('/:paymentId', async (req, res) => {
    const stored = await deps.store.getPayment(String(req.params.paymentId));
    if (!stored) {
      res.status(404).type('text/plain').send('This payment is unknown.');
      return;
    }
    const payment = await deps.payments.refresh(stored, 'return').catch((error: unknown) => {
      deps.logger.warn({ paymentId: stored.id, err: error }, 'status lookup on return failed; the element will poll');
      return stored;
    });
    const framed = payment.action?.type === 'iframe' || payment.action?.type === 'html';
    if (framed) {
      // The parent is the element's frame, or the proxy's own 3-D Secure wrapper.
      sendFramedReturnPage(res, { paymentId: payment.id, allowedOrigins: [deps.proxyOrigin, ...deps.allowedOrigins], text: 'Returning to the checkout…' });
      return;
    }
    const session = await deps.store.getSession(payment.sessionId);
    const target = new URL(session?.returnUrl ?? '/');
    target.searchParams.set('paymentId', payment.id);
    res.redirect(303, target.toString());
  });
  return router;
}
