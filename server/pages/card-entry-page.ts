import { createHash } from 'node:crypto';
import { escapeHtml } from './html.js';

/**
 * The card-entry page the element frames: the card inputs on the proxy's own origin, so a script
 * on the merchant's page cannot read what the shopper types. The built script and styles are
 * inlined, so the page is one response, and allowed by their hashes: no 'unsafe-inline', nothing
 * else may load or run, forms post nowhere, and only the merchant origins may frame it. The same
 * origins are written into the page for the script, which takes its channel from such a parent only.
 */
export function cardEntryPage(options: { script: string; style: string; parentOrigins: readonly string[] }): { html: string; policy: string } {
  // A script or style could never end its element early, whatever the build emits.
  const script = options.script.replaceAll('</script', '<\\/script');
  const style = options.style.replaceAll('</style', '<\\/style');
  const html =
    `<!doctype html><html lang="en" data-parent-origins="${escapeHtml(JSON.stringify(options.parentOrigins))}"><head>` +
    `<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Card details</title>` +
    `<style>${style}</style></head><body><script type="module">${script}</script></body></html>`;
  const policy = [
    "default-src 'none'",
    `script-src '${sha256(script)}'`,
    `style-src '${sha256(style)}'`,
    // The pay and installments calls go to the proxy itself.
    "connect-src 'self'",
    "form-action 'none'",
    `frame-ancestors ${options.parentOrigins.join(' ') || "'none'"}`,
    "base-uri 'none'",
  ].join('; ');
  return { html, policy };
}

function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}
