import { Router } from 'express';
import { randomBytes } from 'node:crypto';
import type { ReturnMessage } from '../api/widget-api.js';
import type { Logger } from '../logger.js';
import type { PaymentService } from '../payments/payment-service.js';
import type { Store } from '../store/store.js';

/**
 * Where a provider sends the shopper's browser back (`/api/checkout/return/:paymentId`). The return
 * itself proves nothing: the proxy asks the provider, then either tells the element in the parent
 * frame (framed flows) or sends the shopper on to the merchant's returnUrl (top-level flows).
 */
export function createReturnsRouter(deps: { store: Store; payments: PaymentService; allowedOrigins: readonly string[]; logger: Logger }): Router {
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
      const nonce = randomBytes(16).toString('base64');
      const message: ReturnMessage = { type: 'pay-checkout:return', paymentId: payment.id };
      res
        .set('Content-Security-Policy', `default-src 'none'; script-src 'nonce-${nonce}'; frame-ancestors ${deps.allowedOrigins.join(' ') || "'none'"}`)
        .type('html')
        .send(framedReturnPage(message, deps.allowedOrigins, nonce));
      return;
    }
    const session = await deps.store.getSession(payment.sessionId);
    const target = new URL(session?.returnUrl ?? '/');
    target.searchParams.set('paymentId', payment.id);
    res.redirect(303, target.toString());
  });
  return router;
}

/** A page with no content of its own: it tells the element in the parent frame that the shopper is back. */
function framedReturnPage(message: ReturnMessage, allowedOrigins: readonly string[], nonce: string): string {
  // postMessage drops a message whose targetOrigin does not match the parent, so only an allowed parent hears it.
  const script = `for (const origin of ${JSON.stringify(allowedOrigins)}) parent.postMessage(${JSON.stringify(message)}, origin);`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Returning…</title></head><body><script nonce="${nonce}">${script.replaceAll('<', '\\u003c')}</script></body></html>`;
}
