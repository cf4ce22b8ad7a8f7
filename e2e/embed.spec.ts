import { expect, test, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';

/** The card inputs: in the proxy's own frame, out of the merchant page's reach. */
const cardFrame = (page: Page) => page.frameLocator('iframe[title="Card details"]');

// Merchant pages on other origins than the proxy's, served for real from loopback: Chromium's local
// network access rules refuse a script off localhost to a page that is not itself on loopback.
const port = Number(process.env.E2E_PORT ?? 3100);
const MERCHANT_ORIGIN = `http://127.0.0.1:${port + 1}`;
const FOREIGN_ORIGIN = `http://127.0.0.1:${port + 2}`;
const servers: Server[] = [];

test.beforeAll(async () => {
  for (const origin of [MERCHANT_ORIGIN, FOREIGN_ORIGIN]) {
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', origin);
      res.writeHead(200, { 'content-type': 'text/html' }).end(
        `<!doctype html><html lang="en"><head><title>Merchant</title>
        <script type="module" src="${url.searchParams.get('sdk')}"></script></head>
        <body><pay-checkout session="${url.searchParams.get('session')}"></pay-checkout></body></html>`,
      );
    });
    await new Promise<void>((resolve) => server.listen(Number(new URL(origin).port), '127.0.0.1', resolve));
    servers.push(server);
  }
});

test.afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

/** Opens a session through the merchant API, as a merchant's backend does. */
async function createSession(page: Page, order: Record<string, unknown> = {}): Promise<string> {
  const response = await page.request.post('/api/sessions', {
    headers: { authorization: `Bearer ${process.env.E2E_MERCHANT_API_KEY}` },
    data: { orderId: `embed-${Date.now()}`, amount: '19.99', currency: 'GBP', returnUrl: `${MERCHANT_ORIGIN}/done`, ...order },
  });
  expect(response.status()).toBe(201);
  return ((await response.json()) as { token: string }).token;
}

/** Opens a merchant page at `origin` that embeds the element with one script tag from the proxy. */
async function merchantPage(page: Page, origin: string, token: string, baseURL: string): Promise<void> {
  const query = new URLSearchParams({ sdk: `${baseURL}/sdk/pay-checkout.js`, session: token });
  await page.goto(`${origin}/checkout?${query}`);
}

test('the proxy serves the single-file build under a stable name, embeddable cross-origin', async ({ request }) => {
  const response = await request.get('/sdk/pay-checkout.js');
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toMatch(/javascript/);
  expect(response.headers()['cache-control']).toBe('public, max-age=300');
  expect(response.headers()['access-control-allow-origin']).toBe('*');
  expect(response.headers()['cross-origin-resource-policy']).toBe('cross-origin');
  expect(await response.text()).toContain('pay-checkout');
});

test('the demo shop embeds the immutable, content-hashed build with its integrity hash, as the docs say', async ({ page, request }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Buy Ceramic pour-over set' }).click();
  await expect(page.getByRole('radio', { name: /Payment card/ })).toBeVisible();
  const script = page.locator('script[type="module"][integrity]');
  await expect(script).toHaveCount(1);
  const src = (await script.getAttribute('src'))!;
  expect(src).toMatch(/\/sdk\/pay-checkout\.[0-9a-f]{12}\.js$/);
  expect(await script.getAttribute('crossorigin')).toBe('anonymous');

  const response = await request.get(src);
  expect(response.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
  const body = await response.body();
  expect(await script.getAttribute('integrity')).toBe(`sha384-${createHash('sha384').update(body).digest('base64')}`);
  // The same build as the stable name, and named after its content.
  expect(body.equals(await (await request.get('/sdk/pay-checkout.js')).body())).toBe(true);
  expect(src).toContain(createHash('sha256').update(body).digest('hex').slice(0, 12));
  expect(await (await request.get('/sdk/release.json')).json()).toEqual({ file: src.split('/').at(-1), integrity: await script.getAttribute('integrity') });
});

test('a merchant page on an allowed origin embeds the element with one script tag', async ({ page, baseURL }) => {
  const token = await createSession(page);
  await merchantPage(page, MERCHANT_ORIGIN, token, baseURL!);
  await expect(page.getByRole('radio', { name: /Payment card/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Pay £19.99' })).toBeVisible();
});

test('3-D Secure works on a merchant page of another origin, which only frames the proxy', async ({ page, baseURL }) => {
  const token = await createSession(page, { provider: 'directcard', amount: '100.00', currency: 'TRY' });
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|frame-ancestors|Refused to/i.test(message.text())) violations.push(message.text());
  });
  await merchantPage(page, MERCHANT_ORIGIN, token, baseURL!);
  await page.getByRole('radio', { name: 'Card', exact: true }).check();
  await cardFrame(page).getByRole('textbox', { name: 'Card number' }).fill('5421 1901 2209 0656');
  await cardFrame(page).getByRole('textbox', { name: 'Expiry date' }).fill('12/30');
  await cardFrame(page).getByRole('textbox', { name: 'Security code' }).fill('837');
  await cardFrame(page).getByRole('textbox', { name: 'Name on card' }).fill('Ada Lovelace');
  await page.getByRole('button', { name: /^Pay/ }).click();
  const issuer = page.frameLocator('iframe[title="3-D Secure verification"]').frameLocator('iframe#challenge');
  await issuer.getByRole('button', { name: 'Complete verification' }).click();
  await expect(page.getByRole('heading', { name: 'Payment successful' })).toBeVisible();
  expect(violations).toEqual([]);
});

test('a page on an origin that is not allowed gets a clear error, not the methods', async ({ page, baseURL }) => {
  const token = await createSession(page);
  const errors: string[] = [];
  await page.exposeFunction('recordPayError', (code: string) => errors.push(code));
  await page.addInitScript(() => {
    document.addEventListener('pay-error', (event) => (window as any).recordPayError((event as CustomEvent).detail.code));
  });
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  await merchantPage(page, FOREIGN_ORIGIN, token, baseURL!);
  // The shopper reads that the checkout cannot open; the developer reads why in the console.
  await expect(page.getByRole('alert')).toContainText('This checkout cannot be opened.');
  await expect.poll(() => consoleErrors.join('\n')).toContain(`forbidden_origin: origin ${FOREIGN_ORIGIN} is not allowed; add it to ALLOWED_ORIGINS`);
  await expect(page.getByRole('radio')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/screens/embed-forbidden-origin.png' });
  expect(errors).toContain('forbidden_origin');
});
