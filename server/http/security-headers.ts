import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * The security headers of every answer, chosen for JSON after OWASP's REST Security Cheat Sheet:
 * nothing may render, frame or sniff it (`default-src 'none'; frame-ancestors 'none'`, X-Frame-Options
 * DENY, nosniff), HTTPS only, no referrer, and no cross-site read except through CORS. The policy is
 * exactly that: helmet's document defaults (script-src, style-src, ...) are not merged into it.
 */
export function apiSecurityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    crossOriginResourcePolicy: { policy: 'same-site' },
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
    // Headers that only mean something to an HTML document: pageSecurityHeaders adds them where one is served.
    crossOriginOpenerPolicy: false,
    originAgentCluster: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
  });
}

/**
 * helmet's defaults for the proxy's HTML pages (the card-entry frame, 3-D Secure and return pages,
 * the demo shop), on top of apiSecurityHeaders. Each page sets its own Content-Security-Policy, so
 * the strict one from apiSecurityHeaders stays on anything else the route answers.
 */
export function pageSecurityHeaders(): RequestHandler {
  return helmet({ contentSecurityPolicy: false, crossOriginResourcePolicy: { policy: 'same-site' } });
}
