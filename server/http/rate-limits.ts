import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { AppError } from '../errors.js';

const WINDOW_MS = 60_000;

/** The limiter as a list of handlers to spread into a route: empty when the limit is off, so it costs no layer. */
function limiter(limit: number, key: (req: Parameters<RequestHandler>[0], res: Parameters<RequestHandler>[1]) => string, what: string): RequestHandler[] {
  if (limit <= 0) return [];
  return [rateLimit({
    windowMs: WINDOW_MS,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: key,
    handler: (_req, _res, next) => next(new AppError('rate_limited', `too many requests from this ${what}; try again in a minute`)),
  })];
}

/**
 * Request limits of the browser-facing routes, per minute: per client IP (as Express sees it,
 * trusting only a loopback reverse proxy) before anything else, and per checkout session once its
 * token has been verified. 0 turns a limit off.
 */
export function widgetRateLimits(limits: { perIpPerMinute: number; perSessionPerMinute: number }): { perIp: RequestHandler[]; perSession: RequestHandler[] } {
  return {
    // IPv6 clients are grouped by /56, as one household or server usually holds a whole prefix.
    perIp: limiter(limits.perIpPerMinute, (req) => ipKeyGenerator(req.ip ?? 'unknown', 56), 'address'),
    perSession: limiter(limits.perSessionPerMinute, (_req, res) => String(res.locals.session?.id ?? 'none'), 'checkout session'),
  };
}
