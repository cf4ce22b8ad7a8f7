import cors from 'cors';
import { Router, type RequestHandler } from 'express';
import { LocaleCatalogs, type LocaleCatalog } from '../api/locales.js';
import type { CheckoutView, InstallmentsRequest, InstallmentsResponse, PayResponse } from '../api/widget-api.js';
import { checkoutQuerySchema, installmentsRequestSchema, payRequestSchema } from '../api/widget-api.js';
import { AppError } from '../errors.js';
import { jsonBody } from '../http/json-body.js';
import { describeIssues, validateBody } from '../http/validate.js';
import { currentSession, requireAllowedOrigin, requireSession } from '../http/widget-auth.js';
import { currencyExponent } from '../payments/money.js';
import { toMethodView, toPaymentView, type PaymentService } from '../payments/payment-service.js';
import type { SessionTokenIssuer } from '../sessions/session-token.js';
import type { Store } from '../store/store.js';

/** A GET route of the widget API: its handlers, the guard first, and its path after /api/checkout. */
export interface WidgetRead {
  /** `''` for /api/checkout itself. */
  path: string;
  handlers: RequestHandler[];
}

/**
 * The widget API (see server/api/widget-api.ts), called by `<pay-checkout>` with its session token,
 * mounted at /api/checkout. Every call passes the same guard first: CORS, the per-IP limit, the
 * origin, the session, the per-session limit.
 *
 * The element's two reads, the checkout load (every page view) and the status poll (every few
 * seconds while a payment is open), come as `reads`, for the app to put on flat routes: inside a
 * Router the checkout load cost 3-5% more instructions per request under cachegrind (1,024k-1,037k
 * against 980k-1,010k), the status poll 5%. The rest (pay, installments, preflights) is `router`.
 */
export function createWidgetApi(deps: {
  store: Store;
  tokens: SessionTokenIssuer;
  payments: PaymentService;
  allowedOrigins: readonly string[];
  proxyOrigin: string;
  /** The element's texts in other languages than English; by default widget/locales, read on first use. */
  catalogs?: LocaleCatalogs;
  /** Request limits per client IP (before the token is read) and per session (after). */
  rateLimits?: { perIp: RequestHandler[]; perSession: RequestHandler[] };
}): { reads: WidgetRead[]; router: Router } {
  const catalogs = deps.catalogs ?? new LocaleCatalogs();
  const guard: RequestHandler[] = [
    cors({
      // CORS answers every origin so that a page on a wrong origin can read the 403 below, which
      // names the origin to add to ALLOWED_ORIGINS; the origin check itself is on the server.
      origin: true,
      methods: ['GET', 'POST'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
      maxAge: 600,
    }),
    // After CORS, so that even a 429, a 401 or a 400 is readable by the element.
    ...(deps.rateLimits?.perIp ?? []),
    requireAllowedOrigin(deps.allowedOrigins, deps.proxyOrigin),
    requireSession(deps.tokens, deps.store, deps.proxyOrigin),
    ...(deps.rateLimits?.perSession ?? []),
  ];
  const router = Router();
  router.use(...guard);
  // Only the routes that take a body read one, and only for a caller with a valid session: the
  // element's GETs (its first load, every status poll) skip the parser.
  const json = jsonBody('16kb');

  const load: RequestHandler = async (req, res) => {
    const query = checkoutQuerySchema.safeParse(req.query);
    if (!query.success) throw new AppError('invalid_request', describeIssues(query.error.issues));
    const session = currentSession(res);
    const shopperLocale = query.data.locale ?? session.locale;
    // The texts travel with the methods, so no language costs the element a request of its own.
    const [methods, payments, catalog] = await Promise.all([
      deps.payments.listMethods(session, shopperLocale),
      deps.store.listPaymentsBySession(session.id),
      catalogs.resolve(shopperLocale).catch((error: unknown): LocaleCatalog | undefined => {
        // A catalog that cannot be read must not cost the shopper the checkout: English it is.
        req.log?.error({ err: error }, 'locale catalog unreadable; answering in English');
        return undefined;
      }),
    ]);
    const latest = payments.at(-1);
    const payment = latest && (await deps.payments.refreshIfStale(latest));
    const view: CheckoutView = {
      session: {
        id: session.id,
        orderId: session.orderId,
        amount: session.amount,
        currency: session.currency,
        currencyExponent: currencyExponent(session.currency),
        description: session.description,
        locale: session.locale,
        expiresAt: session.expiresAt,
      },
      methods: methods.map(toMethodView),
      ...(payment ? { payment: toPaymentView(payment) } : {}),
      ...(catalog ? { locale: catalog.locale, messages: catalog.messages } : {}),
    };
    res.set('Cache-Control', 'no-store').json(view);
  };

  router.post('/payments', json, validateBody(payRequestSchema), async (req, res) => {
    const key = req.get('idempotency-key')?.trim();
    if (!key || key.length > 255) {
      throw new AppError('invalid_request', 'Idempotency-Key: the header is required (1 to 255 characters)');
    }
    // directcard wants the shopper's IP and port as the proxy sees them (behind a reverse proxy: its own).
    const payment = await deps.payments.pay(currentSession(res), req.body, key, { ip: req.ip, port: req.socket.remotePort });
    const body: PayResponse = { payment: toPaymentView(payment) };
    res.status(201).set('Cache-Control', 'no-store').json(body);
  });

  router.post('/installments', json, validateBody(installmentsRequestSchema), async (req, res) => {
    const { methodId, bin } = req.body as InstallmentsRequest;
    const options = await deps.payments.installmentOptions(currentSession(res), methodId, bin);
    const body: InstallmentsResponse = {
      options: options.map(({ count, installmentAmount, totalAmount, interestRate }) => ({
        count,
        installmentAmount,
        totalAmount,
        ...(interestRate !== undefined ? { interestRate } : {}),
      })),
    };
    res.set('Cache-Control', 'no-store').json(body);
  });

  const status: RequestHandler = async (req, res) => {
    const payment = await deps.payments.getPaymentInSession(currentSession(res), String(req.params.id));
    res.set('Cache-Control', 'no-store').json(toPaymentView(await deps.payments.refreshIfStale(payment)));
  };

  return {
    reads: [
      { path: '', handlers: [...guard, load] },
      { path: '/payments/:id', handlers: [...guard, status] },
    ],
    router,
  };
}
