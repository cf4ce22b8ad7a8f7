import type { Response } from 'express';
import { randomBytes } from 'node:crypto';
import { html } from './html.js';

export interface ShopperMessage {
  status: number;
  /** The page's title and heading, a few words. */
  title: string;
  /** What happened and what the shopper should do, in plain words: never an error code or a stack. */
  text: string;
  /** Origins that may frame the page: the proxy's pages are opened in the element's frame too. */
  frameAncestors: readonly string[];
  /** Sent as Retry-After, for a failure that passes by itself. */
  retryAfterSeconds?: number;
  /** Load this URL after `seconds`, without the shopper doing anything. */
  refresh?: { url: string; seconds: number };
}

/**
 * A shopper-facing page for a step that could not be served (an outage, an unknown link, an
 * error): one self-contained document with the look of the framed return page, a policy that
 * loads nothing and runs nothing, and a sentence the shopper can act on. English only, as the
 * proxy's other pages: a failed request may not have a session, and so no locale, to go by.
 */
export function sendShopperMessagePage(res: Response, message: ShopperMessage): void {
  const nonce = randomBytes(16).toString('base64');
  const refresh = message.refresh && html`<meta http-equiv="refresh" content="${`${message.refresh.seconds}; url=${message.refresh.url}`}">`;
  const page = html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">${refresh ?? ''}<title>${message.title}</title><style nonce="${nonce}">${STYLE}</style></head><body><main${message.refresh ? html` aria-busy="true"` : ''}>${message.refresh ? html`<div class="spinner" aria-hidden="true"></div>` : ''}<h1>${message.title}</h1><p>${message.text}</p></main></body></html>`;
  if (message.retryAfterSeconds !== undefined) res.set('Retry-After', String(message.retryAfterSeconds));
  res
    .status(message.status)
    .set(
      'Content-Security-Policy',
      [
        "default-src 'none'",
        `style-src 'nonce-${nonce}'`,
        "form-action 'none'",
        "base-uri 'none'",
        `frame-ancestors ${message.frameAncestors.join(' ') || "'none'"}`,
      ].join('; '),
    )
    .set('Cache-Control', 'no-store')
    .type('html')
    .send(page.value);
}

const STYLE =
  'body{font:16px system-ui,sans-serif;color:#374151;display:grid;place-items:center;min-height:90vh;margin:0;padding:0 1rem}' +
  'main{max-width:28rem;text-align:center}' +
  'h1{font-size:1.25rem;font-weight:600;color:#111827;margin:0 0 .5rem}' +
  'p{margin:0;line-height:1.5}' +
  '.spinner{width:1.75rem;height:1.75rem;margin:0 auto 1rem;border:3px solid #e5e7eb;border-top-color:#6b7280;border-radius:50%;animation:spin 1s linear infinite}' +
  '@keyframes spin{to{transform:rotate(360deg)}}' +
  '@media (prefers-reduced-motion:reduce){.spinner{animation:none}}';
