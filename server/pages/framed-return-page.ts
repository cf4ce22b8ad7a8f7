import type { Response } from 'express';
import { randomBytes } from 'node:crypto';
import type { ReturnMessage } from '../api/widget-api.js';
import { escapeHtml } from './html.js';

/**
 * The page a framed step (a hosted page in the dialog, 3-D Secure) ends on: it tells the element in
 * the parent frame that the shopper is back, and shows a short line for the moment it is visible.
 * postMessage drops a message whose targetOrigin is not the parent's, so only an allowed parent hears it.
 */
export function sendFramedReturnPage(
  res: Response,
  options: { paymentId: string; allowedOrigins: readonly string[]; text: string; status?: number },
): void {
  const nonce = randomBytes(16).toString('base64');
  const message: ReturnMessage = { type: 'pay-checkout:return', paymentId: options.paymentId };
  const script = `for (const origin of ${JSON.stringify(options.allowedOrigins)}) parent.postMessage(${JSON.stringify(message)}, origin);`;
  res
    .status(options.status ?? 200)
    .set(
      'Content-Security-Policy',
      `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; frame-ancestors ${options.allowedOrigins.join(' ') || "'none'"}`,
    )
    .set('Cache-Control', 'no-store')
    .type('html')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(options.text)}</title>` +
        `<style nonce="${nonce}">body{font:16px system-ui,sans-serif;color:#374151;display:grid;place-items:center;min-height:90vh;margin:0;padding:0 1rem}p{max-width:28rem;text-align:center;line-height:1.5}</style></head>` +
        `<body><p>${escapeHtml(options.text)}</p><script nonce="${nonce}">${script.replaceAll('<', '\\u003c')}</script></body></html>`,
    );
}
