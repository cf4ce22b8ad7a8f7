import type { Request, RequestHandler } from 'express';
import { TtlCache } from '../cache/ttl-cache.js';
import { AppError } from '../errors.js';
import type { SessionTokenIssuer } from '../sessions/session-token.js';
import type { SessionRecord, Store } from '../store/store.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      session?: SessionRecord;
    }
  }
}

const SESSION_CACHE_TTL_MS = 10 * 60_000;
const SESSION_CACHE_ENTRIES = 10_000;

/** The header the proxy's card-entry frame names the page that embeds it with (set by our own script, from the channel's origin). */
export const EMBEDDER_ORIGIN_HEADER = 'pay-embedder-origin';

/**
 * Allows a browser request only from ALLOWED_ORIGINS, or from the proxy's own card-entry frame
 * embedded in such a page. Browsers always send Origin on cross-origin requests; a request without
 * one is same-origin (the proxy's own pages) or not from a browser.
 */
export function requireAllowedOrigin(allowedOrigins: readonly string[], proxyOrigin: string): RequestHandler {
  const allowed = new Set(allowedOrigins);
  return (req, _res, next) => {
    const origin = req.get('origin');
    const fetchSite = req.get('sec-fetch-site');
    const embedder = req.get(EMBEDDER_ORIGIN_HEADER);
    if (origin !== undefined && origin !== proxyOrigin && !allowed.has(origin)) {
      throw new AppError('forbidden_origin', `origin ${origin} is not allowed; add it to ALLOWED_ORIGINS`);
    }
    if (embedder !== undefined && (origin !== proxyOrigin || !allowed.has(embedder))) {
      throw new AppError('forbidden_origin', `the card entry's page origin ${embedder} is not allowed; add it to ALLOWED_ORIGINS`);
    }
    if (origin === undefined && fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') {
      throw new AppError('forbidden_origin', 'cross-site request without an Origin header');
    }
    next();
  };
}

/**
 * Verifies the session token (Bearer) and loads its session into `res.locals.session`. A token
 * bound to a merchant origin is refused on any other page, even one in ALLOWED_ORIGINS.
 */
export function requireSession(tokens: SessionTokenIssuer, store: Store, proxyOrigin: string): RequestHandler {
  // A session never changes once created (before its token exists), so every instance may keep a copy.
  const sessions = new TtlCache<SessionRecord>(SESSION_CACHE_TTL_MS, Date.now, SESSION_CACHE_ENTRIES);
  return async (req, res, next) => {
    const { sessionId, origin } = await tokens.verify(bearerToken(req));
    // Browsers leave Origin out of same-origin GETs: such a page is on the proxy's own origin.
    const requestOrigin = req.get('origin') ?? (req.get('sec-fetch-site') === 'same-origin' ? proxyOrigin : undefined);
    // The card-entry frame is the proxy's own page: the binding is to the page that embeds it.
    const pageOrigin = requestOrigin === proxyOrigin ? (req.get(EMBEDDER_ORIGIN_HEADER) ?? proxyOrigin) : requestOrigin;
    if (origin && pageOrigin && pageOrigin !== origin) {
      throw new AppError('forbidden_origin', `this session belongs to ${origin}, not ${pageOrigin}`);
    }
    res.locals.session = await sessions.get(sessionId, async () => {
      const session = await store.getSession(sessionId);
      if (!session) throw new AppError('unauthorized', 'the session token names an unknown session');
      return session;
    });
    next();
  };
}

export function currentSession(res: { locals: { session?: SessionRecord } }): SessionRecord {
  if (!res.locals.session) throw new AppError('unauthorized', 'no session');
  return res.locals.session;
}

function bearerToken(req: Request): string {
  const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
  if (!match?.[1]) throw new AppError('unauthorized', 'missing session token: send Authorization: Bearer <session token>');
  return match[1];
}
