import type { Response } from 'express';
import { randomBytes } from 'node:crypto';
import { escapeHtml } from '../pages/html.js';

/** What a simulator logs through: pino or console both fit. */
export interface SimulatorLogger {
  info(details: object, message?: string): void;
  warn(details: object, message?: string): void;
}

/** The look of one provider's simulated pages. */
export interface SimulatorTheme {
  background: string;
  text: string;
  /** The card's shadow colour, as `rgb(r g b / a)`. */
  shadow: string;
  accent: string;
  focus: string;
  /** CSS for what only this provider's pages have. */
  css?: string;
  brandWeight?: number;
  brandSize?: number;
}

/**
 * Sends a page of a provider simulator (hosted page, payment link, 3-D Secure): a card in the
 * provider's colours, with its own policy: inline styles, scripts only with this response's nonce,
 * forms to any http(s) URL (the merchant's return URLs). A framable page (shown in the checkout's
 * dialog) has no frame-ancestors; a top-level one refuses framing.
 */
export function sendSimulatorPage(
  res: Response,
  page: { status: number; title: string; content: string; script?: string; theme: SimulatorTheme; framable: boolean },
): void {
  const nonce = randomBytes(16).toString('base64');
  const { theme } = page;
  const policy = `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; form-action http: https:; base-uri 'none'`;
  res
    .status(page.status)
    .set('Cache-Control', 'no-store')
    .set('Content-Security-Policy', page.framable ? policy : `${policy}; frame-ancestors 'none'`)
    .type('html')
    .send(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>
  :root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  /* Widths include padding and border, so the card and its fields fit a 320 px phone. */
  *, *::before, *::after { box-sizing: border-box; }
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: ${theme.background}; color: ${theme.text}; }
  main { width: min(420px, calc(100vw - 32px)); overflow-wrap: anywhere; background: #fff; border-radius: 14px; padding: 24px; box-shadow: 0 10px 28px ${theme.shadow}; }
  header { display: flex; align-items: center; gap: 10px; margin-bottom: 16px; }
  .brand { font-weight: ${theme.brandWeight ?? 700}; font-size: ${theme.brandSize ?? 18}px; color: ${theme.accent}; }
  .badge { margin-left: auto; font-size: 12px; background: #fff3cd; color: #6b5300; padding: 2px 8px; border-radius: 99px; }
  h1 { font-size: 21px; margin: 0 0 8px; }
  dl { display: grid; grid-template-columns: auto 1fr; gap: 4px 12px; font-size: 14px; color: #444; margin: 12px 0 20px; }
  dt { font-weight: 600; } dd { margin: 0; min-width: 0; overflow-wrap: anywhere; font-family: ui-monospace, monospace; }
  form { display: grid; gap: 10px; }
  input, select { max-width: 100%; }
  button { font: inherit; font-weight: 600; padding: 12px; border-radius: 10px; border: 1px solid ${theme.accent}; background: ${theme.accent}; color: #fff; cursor: pointer; }
  button.secondary { background: #fff; color: #b3261e; border-color: #b3261e; }
  button:focus-visible { outline: 3px solid ${theme.focus}; outline-offset: 2px; }
  ${theme.css ?? ''}
</style>
</head>
<body>
<main>
${page.content}
</main>
${page.script ? `<script nonce="${nonce}">${page.script}</script>` : ''}
</body>
</html>`);
}
