import { createHash } from 'node:crypto';

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
