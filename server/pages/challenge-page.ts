import { createHash, randomBytes } from 'node:crypto';
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
 * The Content-Security-Policy of a provider's 3-D Secure page served from the proxy's origin.
 * Instead of allowing inline script in general, it allows exactly the inline scripts the gateway
 * sent (by hash) and form posts only to the origins its forms name (the card issuer's ACS).
 */
export function challengePagePolicy(html: string, frameAncestors: readonly string[]): string {
  const scriptHashes = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)]
    .map((match) => match[1] ?? '')
    .filter((body) => body.trim() !== '')
    .map((body) => `'sha256-${createHash('sha256').update(body).digest('base64')}'`);
  const styleHashes = [...html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)]
    .map((match) => `'sha256-${createHash('sha256').update(match[1] ?? '').digest('base64')}'`);
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
    `script-src ${scriptHashes.join(' ') || "'none'"}`,
    `style-src ${styleHashes.join(' ') || "'none'"}`,
    "img-src https: data:",
    `form-action ${[...formOrigins].join(' ') || "'none'"}`,
    `frame-ancestors ${frameAncestors.join(' ') || "'none'"}`,
    "base-uri 'none'",
  ].join('; ');
}
