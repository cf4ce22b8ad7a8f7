import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { cardEntryPage } from '../pages/card-entry-page.js';
import { MERCHANT_KEY, OTHER_SHOP_ORIGIN, SHOP_ORIGIN, startProxy, type ProxyHarness } from '../testing/proxy-harness.js';
import { createCardEntryRouter } from './card-entry.js';

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
const inline = (html: string, tag: string) => new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`).exec(html)?.[1];

describe('the card-entry page', () => {
  const script = 'const a = "</script><img src=x>"; console.log(a);';
  const style = 'body{margin:0}';
  const { html, policy } = cardEntryPage({ script, style, parentOrigins: [SHOP_ORIGIN, OTHER_SHOP_ORIGIN] });

  it('allows exactly its own inline script and style, by hash, and nothing inline besides', () => {
    const directives = Object.fromEntries(policy.split('; ').map((directive) => [directive.split(' ')[0], directive]));
    expect(directives['script-src']).toBe(`script-src ${sha256(inline(html, 'script')!)}`);
    expect(directives['style-src']).toBe(`style-src ${sha256(inline(html, 'style')!)}`);
    expect(policy).not.toContain('unsafe-inline');
    expect(directives['default-src']).toBe("default-src 'none'");
    expect(directives['connect-src']).toBe("connect-src 'self'");
    expect(directives['form-action']).toBe("form-action 'none'");
  });

  it('may be framed by the merchant origins only, and tells its script which they are', () => {
    expect(policy).toContain(`frame-ancestors ${SHOP_ORIGIN} ${OTHER_SHOP_ORIGIN}`);
    expect(html).toContain(`data-parent-origins="[&quot;${SHOP_ORIGIN}&quot;,&quot;${OTHER_SHOP_ORIGIN}&quot;]"`);
    expect(cardEntryPage({ script, style, parentOrigins: [] }).policy).toContain("frame-ancestors 'none'");
  });

  it('keeps a "</script" inside the script from ending it early', () => {
    expect(inline(html, 'script')).toContain('<\\/script><img');
    expect(html.match(/<\/script>/g)).toHaveLength(1);
  });
});

describe('GET /api/checkout/card-entry', () => {
  const app = (dir: string) => express().use('/card-entry', createCardEntryRouter({ cardEntryDir: dir, allowedOrigins: [SHOP_ORIGIN], logger: createLogger({ level: 'silent' }) }));

  it('serves the built frame inlined, with its policy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'card-entry-'));
    writeFileSync(join(dir, 'card-entry.js'), 'document.title = "built";');
    writeFileSync(join(dir, 'card-entry.css'), '.card-form{gap:1px}');
    const response = await request(app(dir)).get('/card-entry');
    expect(response.status).toBe(200);
    expect(response.type).toBe('text/html');
    expect(response.text).toContain('<script type="module">document.title = "built";</script>');
    expect(response.text).toContain('<style>.card-form{gap:1px}</style>');
    expect(response.headers['content-security-policy']).toContain(`frame-ancestors ${SHOP_ORIGIN}`);
    expect(response.headers['content-security-policy']).toContain(sha256('document.title = "built";'));
  });

  it('answers 503 with a page for the shopper, frameable by the merchant, and logs the hint for the operator when the frame is not built', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'error', destination: { write: (line: string) => void lines.push(line) } });
    const unbuilt = express().use('/card-entry', createCardEntryRouter({ cardEntryDir: join(tmpdir(), 'no-such-build'), allowedOrigins: [SHOP_ORIGIN], logger }));
    const response = await request(unbuilt).get('/card-entry');
    expect(response.status).toBe(503);
    expect(response.type).toBe('text/html');
    expect(response.headers['retry-after']).toBe('60');
    expect(response.headers['content-security-policy']).toContain(`frame-ancestors ${SHOP_ORIGIN}`);
    expect(response.text).toContain('The card form cannot be shown right now. Please try again in a few minutes.');
    expect(response.text).not.toContain('npm run build');
    expect(lines.join('')).toContain('npm run build');
  });
});

describe("the card-entry frame's calls: the proxy's own origin, naming the page that embeds it", () => {
  let proxy: ProxyHarness;
  beforeAll(async () => {
    proxy = await startProxy();
  });
  afterAll(async () => {
    await proxy.close();
  });

  async function boundSession(): Promise<string> {
    const response = await fetch(`${proxy.url}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${MERCHANT_KEY}` },
      body: JSON.stringify({ orderId: `frame-${Math.random().toString(36).slice(2)}`, amount: '48.00', currency: 'USD', returnUrl: `${SHOP_ORIGIN}/return` }),
    });
    return ((await response.json()) as { token: string }).token;
  }

  const checkoutFrom = (token: string, headers: Record<string, string>) =>
    fetch(`${proxy.url}/api/checkout`, { headers: { authorization: `Bearer ${token}`, ...headers } }).then(async (response) => ({
      status: response.status,
      body: (await response.json()) as { error?: { code: string; message: string } },
    }));

  it('accepts the frame embedded in the page the session is bound to', async () => {
    const token = await boundSession();
    expect((await checkoutFrom(token, { origin: proxy.url, 'pay-embedder-origin': SHOP_ORIGIN })).status).toBe(200);
  });

  it('refuses the frame embedded in another page, allowed or not, and a page that only claims to be the frame', async () => {
    const token = await boundSession();
    const otherShop = await checkoutFrom(token, { origin: proxy.url, 'pay-embedder-origin': OTHER_SHOP_ORIGIN });
    expect(otherShop).toMatchObject({ status: 403, body: { error: { code: 'forbidden_origin' } } });
    expect(otherShop.body.error?.message).toContain(`belongs to ${SHOP_ORIGIN}`);
    expect((await checkoutFrom(token, { origin: proxy.url, 'pay-embedder-origin': 'https://evil.example' })).status).toBe(403);
    expect((await checkoutFrom(token, { origin: 'https://evil.example', 'pay-embedder-origin': SHOP_ORIGIN })).status).toBe(403);
    expect((await checkoutFrom(token, { origin: OTHER_SHOP_ORIGIN, 'pay-embedder-origin': SHOP_ORIGIN })).status).toBe(403);
    // The proxy's own origin without naming its page is not the bound page either.
    expect((await checkoutFrom(token, { origin: proxy.url })).status).toBe(403);
  });
});
