import { Router, type Response } from 'express';
import { z } from 'zod';
import { toMerchantPayment } from '../api/merchant-payment.js';
import { AppError, isStorageUnavailable } from '../errors.js';
import { validateBody } from '../http/validate.js';
import { AmountError, toMinorUnits } from '../payments/money.js';
import type { PaymentService } from '../payments/payment-service.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { PaymentRecord, Store } from '../store/store.js';

const optionalAmount = z.union([z.number(), z.string()], { message: 'must be a number or a decimal string' }).optional();
export const refundSchema = z.strictObject({ amount: optionalAmount, reason: z.string().trim().min(1).max(500) });
export const captureSchema = z.strictObject({ amount: optionalAmount });

/** The merchant's view of payments: read, refund, capture, cancel. */
export function createPaymentsRouter(deps: { store: Store; payments: PaymentService; providers: ProviderRegistry }): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const orderId = typeof req.query.orderId === 'string' ? req.query.orderId : undefined;
    if (!orderId) throw new AppError('invalid_request', 'orderId: the query parameter is required');
    const payments = await deps.store.listPaymentsByOrder(orderId);
    res.json({ data: await Promise.all(payments.map((payment) => merchantView(deps.store, payment))) });
  });

  router.get('/:id', async (req, res) => {
    const payment = await load(deps.store, String(req.params.id));
    const providerErrors = await deps.payments.providerErrors(payment);
    res.json({ ...(await merchantView(deps.store, payment)), ...(providerErrors ? { providerErrors } : {}) });
  });

  /** The provider's own record of the payment (scrubbed), beside ours: for support. */
  router.get('/:id/details', async (req, res) => {
    const payment = await load(deps.store, String(req.params.id));
    const provider = deps.providers.get(payment.provider);
    if (!provider.paymentDetails) throw new AppError('not_supported', `${payment.provider} offers no payment details`);
    const details = await provider.paymentDetails({ paymentId: payment.id, providerRef: payment.providerRef });
    res.json({ payment: await merchantView(deps.store, payment), provider: { status: details.state.providerStatus, record: details.record } });
  });

  router.post('/:id/refund', validateBody(refundSchema), async (req, res) => {
    const payment = await load(deps.store, String(req.params.id));
    const body = req.body as z.output<typeof refundSchema>;
    const updated = await deps.payments.refund(payment, minorOrUndefined(body.amount, payment.currency), body.reason);
    await sendMoved(res, deps.store, updated, 'refund');
  });

  router.post('/:id/capture', validateBody(captureSchema), async (req, res) => {
    const payment = await load(deps.store, String(req.params.id));
    const body = req.body as z.output<typeof captureSchema>;
    await sendMoved(res, deps.store, await deps.payments.capture(payment, minorOrUndefined(body.amount, payment.currency)), 'capture');
  });

  router.post('/:id/cancel', async (req, res) => {
    await sendMoved(res, deps.store, await deps.payments.cancel(await load(deps.store, String(req.params.id))), 'cancellation');
  });

  return router;
}

async function load(store: Store, id: string): Promise<PaymentRecord> {
  const payment = await store.getPayment(id);
  if (!payment) throw new AppError('not_found', `payment ${id} does not exist`);
  return payment;
}

/**
 * The answer to a call that was made at the provider and recorded. If the database fails as the
 * answer is read back, "try again" (503) would make it again: the merchant is told it was made.
 */
async function sendMoved(res: Response, store: Store, payment: PaymentRecord, what: string): Promise<void> {
  let view: Awaited<ReturnType<typeof merchantView>>;
  try {
    view = await merchantView(store, payment);
  } catch (error) {
    if (!isStorageUnavailable(error)) throw error;
    throw new AppError('outcome_unknown', `the ${what} was made and recorded (the payment is ${payment.status}), but the answer could not be read back: do not send it again; read the payment in a moment`);
  }
  res.json(view);
}

function minorOrUndefined(amount: number | string | undefined, currency: string): number | undefined {
  if (amount === undefined) return undefined;
  try {
    const minor = toMinorUnits(amount, currency);
    if (minor <= 0) throw new AmountError('must be greater than 0');
    return minor;
  } catch (error) {
    if (error instanceof AmountError) throw new AppError('invalid_request', `amount: ${error.message}`);
    throw error;
  }
}

/**
 * The normalized payment for the merchant: amounts both as integer minor units and as the
 * major-unit decimal string the merchant sent, plus the event history.
 */
async function merchantView(store: Store, payment: PaymentRecord) {
  const events = await store.listEvents(payment.id);
  return {
    ...toMerchantPayment(payment),
    events: events.map(({ type, fromStatus, toStatus, source, detail, at }) => ({ type, fromStatus, toStatus, source, detail, at })),
  };
}
