import { randomBytes } from 'node:crypto';
import { escapeHtml } from './html.js';

/**
 * The page the element frames for 3-D Secure: a wrapper of the proxy's origin holding the gateway's
 * markup in a frame of its own. The issuer's pages (any host, redirecting as they like) then load
 * inside the proxy's wrapper, so a merchant page's CSP needs `frame-src` for the proxy only. When
 * the inner frame ends on the proxy's return page, the wrapper passes its message on to the element.
 */
export function challengeWrapper(options: { contentUrl: string; proxyOrigin: string; allowedOrigins: readonly string[] }): {
  html: string;
  policy: string;
} {
  const nonce = randomBytes(16).toString('base64');
  const forward = `const frame = document.getElementById('challenge');
addEventListener('message', (event) => {
  if (event.origin !== ${JSON.stringify(options.proxyOrigin)} || event.source !== frame.contentWindow) return;
  if (!event.data || event.data.type !== 'pay-checkout:return') return;
  for (const origin of ${JSON.stringify(options.allowedOrigins)}) parent.postMessage(event.data, origin);
});`;
  const html =
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>3-D Secure verification</title>` +
    `<style nonce="${nonce}">html,body,iframe{margin:0;border:0;width:100%;height:100%;display:block}</style></head>` +
    `<body><iframe id="challenge" title="3-D Secure verification" src="${escapeHtml(options.contentUrl)}"></iframe>` +
    `<script nonce="${nonce}">${forward.replaceAll('<', '\\u003c')}</script></body></html>`;
  const policy = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    // The issuer's pages are on hosts nobody knows in advance, and may redirect: any https frame.
    "frame-src 'self' https:",
    `frame-ancestors ${options.allowedOrigins.join(' ') || "'none'"}`,
    "base-uri 'none'",
  ].join('; ');
  return { html, policy };
}

/**
 * The Content-Security-Policy of a provider's 3-D Secure markup served from the proxy's origin.
 * Its `sandbox` gives the document an opaque origin: whatever the markup runs (gateways auto-submit
 * with inline scripts and `onload` handlers) cannot reach the proxy's origin, its storage or its
 * pages. Inside that box, scripts and styles may run, forms may post to https (issuers redirect
 * where they like) and to the origins the markup's forms name, and nothing else is loaded.
 */
export function challengePagePolicy(html: string, frameAncestors: readonly string[]): string {
  const formOrigins = new Set<string>();
  for (const match of html.matchAll(/<form\b[^>]*\baction\s*=\s*["']([^"']+)["']/gi)) {
    try {
      const url = new URL(match[1]!.replaceAll('&amp;', '&'));
      if (url.protocol === 'https:' || url.protocol === 'http:') formOrigins.add(url.origin);
    } catch {
      // A relative or broken action posts nowhere we would allow.
    }
  }
  return [
    "default-src 'none'",
    "sandbox allow-scripts allow-forms",
    "script-src 'unsafe-inline' https:",
    "style-src 'unsafe-inline' https:",
    'img-src https: data:',
    `form-action https: ${[...formOrigins].join(' ')}`.trim(),
    `frame-ancestors ${frameAncestors.join(' ') || "'none'"}`,
    "base-uri 'none'",
  ].join('; ');
}
