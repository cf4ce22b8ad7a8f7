import express, { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { merchantOpenApi } from './api/openapi.js';
import type { Config } from './config.js';
import { errorMiddleware, notFound } from './http/error-middleware.js';
import { idempotentRequests } from './http/idempotency.js';
import { jsonBody } from './http/json-body.js';
import { shopperPageErrors } from './http/page-error-middleware.js';
import { requireMerchantKey } from './http/merchant-auth.js';
import { apiSecurityHeaders, pageSecurityHeaders } from './http/security-headers.js';
import { widgetRateLimits } from './http/rate-limits.js';
import { serializeError, type Logger } from './logger.js';
import { Readiness } from './operations/readiness.js';
import { PaymentService } from './payments/payment-service.js';
import { simulatorPath, type ProviderRegistry } from './providers/registry.js';
import type { ProviderId } from './providers/provider.js';
import { createCallbacksRouter } from './routes/callbacks.js';
import { createCardEntryRouter } from './routes/card-entry.js';
import { createChallengesRouters } from './routes/challenges.js';
import { createWidgetApi } from './routes/checkout.js';
import { createPaymentsRouter } from './routes/payments.js';
import { createProvidersRouters } from './routes/providers.js';
import { createReturnsRouter } from './routes/returns.js';
import { createSdkRouter } from './routes/sdk.js';
import { createSessionHandlers } from './routes/sessions.js';
import type { SessionTokenIssuer } from './sessions/session-token.js';
import type { Store } from './store/store.js';

export interface AppDeps {
  config: Config;
  store: Store;
  tokens: SessionTokenIssuer;
  providers: ProviderRegistry;
  logger: Logger;
  merchantApiKey: string;
  /** Directory of the built widget (dist/sdk). */
  sdkDir: string;
  /** Directory of the built card-entry frame (dist/card-entry). */
  cardEntryDir: string;
  /** Simulators to mount at /simulators/<id> (sandbox mode). */
  simulators?: Partial<Record<ProviderId, Router>>;
  /** A merchant site to mount at / (the demo shop, in sandbox mode). */
  site?: Router;
}

/** Builds the Express app from its dependencies. Never reads the environment, never listens. */
export function createApp(deps: AppDeps): { app: express.Express; payments: PaymentService; readiness: Readiness } {
  const { config, store, tokens, providers, logger } = deps;
  const payments = new PaymentService({ store, providers, logger, publicUrl: config.publicUrl, merchantWebhooks: config.merchantWebhook !== undefined });
  const readiness = new Readiness({ store, providers, logger });
  const proxyOrigin = new URL(config.publicUrl).origin;
  const app = express();
  app.disable('x-powered-by');
  // API answers are not cached (no-store); hashing every body for an ETag is wasted work.
  app.set('etag', false);
  app.set('trust proxy', config.trustProxy);

  // The access log: one line per answered request at info. Below that level pino-http would still
  // build a child logger per request for nothing, so handlers get the plain logger instead.
  if (logger.isLevelEnabled('info')) {
    app.use(
      pinoHttp({
        logger,
        // The script is fetched on every page view; a challenge page's URL is a bearer link; probes come every few seconds.
        autoLogging: {
          ignore: (req) =>
            (req.url?.startsWith('/sdk/') || req.url?.startsWith('/api/checkout/challenge/') || req.url === '/healthz' || req.url === '/readyz') ?? false,
        },
        serializers: {
          req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url.split('?')[0] }),
          // The status is what an access log needs; the headers (a CSP on every line) only bloat it.
          res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          err: serializeError,
        },
      }),
    );
  } else {
    // An own property, not one on app.request: mounted in a host app that logs with pino-http, the
    // host's req.log would shadow it, and our handlers would log without our redaction.
    app.use((req, _res, next) => {
      req.log = logger;
      next();
    });
  }

  // Simulators stand in for the providers' own hosts, with the looser page policy a hosted payment page has.
  for (const [id, simulator] of Object.entries(deps.simulators ?? {})) {
    app.use(simulatorPath(id as ProviderId), helmet({ contentSecurityPolicy: false, frameguard: false }), simulator);
  }

  app.use(apiSecurityHeaders());
  const page = pageSecurityHeaders();
  // One router layer per mount: a request for another path skips it with one match, and the prefix
  // is taken off the URL once instead of once per handler.
  const mount = (path: string | string[], ...handlers: (RequestHandler | ErrorRequestHandler)[]) => app.use(path, Router().use(...handlers));

  const json = jsonBody('32kb');
  const form = express.urlencoded({ extended: false, limit: '32kb' });

  const merchantAuth = requireMerchantKey(deps.merchantApiKey);
  const idempotent = idempotentRequests({ store, scope: 'merchant', logger });
  const rateLimits = widgetRateLimits(config.rateLimits);
  const { challenges, postBacks } = createChallengesRouters({ payments, allowedOrigins: config.allowedOrigins, proxyOrigin, logger });
  const widget = createWidgetApi({ store, tokens, payments, allowedOrigins: config.allowedOrigins, proxyOrigin, rateLimits });
  // Express walks these layers in order for every request, so the hot routes come first: session
  // creation, then the element's reads (every page view, every poll). The proxy's own pages under
  // /api/checkout must precede the rest of the widget API, whose token check would refuse them.
  app.post('/api/sessions', merchantAuth, json, idempotent, ...createSessionHandlers({ store, tokens, providers, payments, sessionTtlSeconds: config.sessionTtlSeconds, allowedOrigins: config.allowedOrigins }));
  for (const read of widget.reads) app.get(`/api/checkout${read.path}`, ...read.handlers);
  // A shopper's browser lands on these: whatever fails, and whatever path under them, it gets a page, not JSON.
  const pageErrors = shopperPageErrors({ logger, frameAncestors: [proxyOrigin, ...config.allowedOrigins] });
  mount('/api/checkout/return', page, ...rateLimits.perIp, form, createReturnsRouter({ store, payments, allowedOrigins: config.allowedOrigins, proxyOrigin, logger }), notFound, pageErrors);
  mount('/api/checkout/challenge', page, ...rateLimits.perIp, challenges, notFound, pageErrors);
  mount('/api/checkout/3ds', page, ...rateLimits.perIp, form, postBacks, notFound, pageErrors);
  mount('/api/checkout/card-entry', page, ...rateLimits.perIp, createCardEntryRouter({ cardEntryDir: deps.cardEntryDir, allowedOrigins: config.allowedOrigins, logger }), notFound, pageErrors);
  app.use('/api/checkout', widget.router);
  mount('/api/payments', merchantAuth, json, idempotent, createPaymentsRouter({ store, payments, providers }));
  const backOffice = createProvidersRouters({ providers });
  mount('/api/providers', merchantAuth, backOffice.providers);
  mount('/api/payouts', merchantAuth, json, idempotent, backOffice.payouts);
  app.use('/sdk', createSdkRouter({ sdkDir: deps.sdkDir }));
  // Providers post JSON, forms or anything else here: no 415.
  mount('/api/callbacks', express.json({ limit: '32kb' }), form, express.text({ type: '*/*', limit: '64kb' }), createCallbacksRouter({ payments, providers, logger }));
  const openApi = merchantOpenApi(config.publicUrl);
  app.get('/api/openapi.json', (_req, res) => {
    res.set('Access-Control-Allow-Origin', '*').json(openApi);
  });
  // Liveness: the process answers; `providers` names whose credentials were refused (the operator must act).
  // Readiness (/readyz): it can serve (database, provider credentials, not shutting down).
  app.get('/healthz', (_req, res) => {
    const statuses = providers.ids.flatMap((id) => {
      const status = providers.get(id).credentialsStatus?.();
      return status ? [[id, status.ok ? { credentials: 'ok' } : { credentials: 'refused', message: status.message }] as const] : [];
    });
    res.json({ ok: true, ...(statuses.length > 0 ? { providers: Object.fromEntries(statuses) } : {}) });
  });
  app.get('/readyz', readiness.handler());
  if (deps.site) app.use(page, deps.site);

  app.use(notFound);
  app.use(errorMiddleware(logger));
  return { app, payments, readiness };
}
