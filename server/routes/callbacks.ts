import { Router, type Request, type Response } from 'express';
import type { Logger } from '../logger.js';
import type { PaymentService } from '../payments/payment-service.js';
import type { ProviderRegistry } from '../providers/registry.js';

/**
 * `POST /api/callbacks/:provider/:paymentId` (and GET: Payment Hub calls its webhook_url with a
 * GET): provider notifications. They are signals only; the
 * payment service asks the provider for the status. Unknown payments get 200 so the provider stops
 * retrying; a failed status lookup gets 503 so it tries again later.
 */
export function createCallbacksRouter(deps: { payments: PaymentService; providers: ProviderRegistry; logger: Logger }): Router {
  const router = Router();
  const paths = ['/:provider', '/:provider/:paymentId'];
  const receive = async (req: Request, res: Response): Promise<void> => {
    const providerId = String(req.params.provider);
    const paymentId = typeof req.params.paymentId === 'string' ? req.params.paymentId : undefined;
    if (!deps.providers.has(providerId)) {
      res.status(404).json({ error: { code: 'not_found', message: `no provider ${providerId}` } });
      return;
    }
    try {
      const payment = await deps.payments.handleCallback(providerId, {
        paymentId,
        headers: req.headers,
        body: req.body,
        query: req.query as Record<string, unknown>,
      });
      if (!payment) deps.logger.info({ provider: providerId, paymentId }, 'callback for an unknown payment ignored');
      res.json({ received: true });
    } catch (error) {
      deps.logger.warn({ provider: providerId, err: error }, 'callback could not be applied yet');
      res.status(503).json({ error: { code: 'provider_unavailable', message: 'status lookup failed; retry later' } });
    }
  };
  router.post(paths, receive);
  router.get(paths, receive);
  return router;
}
