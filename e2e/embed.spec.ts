import { expect, test, type Page } from '@playwright/test';

/** Opens a session through the merchant API, as a merchant's backend does. */
async function createSession(page: Page): Promise<string> {
  const response = await page.request.post('/api/sessions', {
    headers: { authorization: `Bearer ${process.env.E2E_MERCHANT_API_KEY}` },
    data: { orderId: `embed-${Date.now()}`, amount: '19.99', currency: 'GBP', returnUrl: 'http://merchant.example/done' },
  });
  expect(response.status()).toBe(201);
  return ((await response.json()) as { token: string }).token;
}

/** Serves a merchant page at `origin` that embeds the element with one script tag from the proxy. */
async function merchantPage(page: Page, origin: string, token: string, baseURL: string): Promise<void> {
  await page.route(`${origin}/**`, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><html lang="en"><head><title>Merchant</title>
        <script type="module" src="${baseURL}/sdk/pay-checkout.js"></script></head>
        <body><pay-checkout session="${token}"></pay-checkout></body></html>`,
    }),
  );
  await page.goto(`${origin}/checkout`);
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

test('a merchant page on an allowed origin embeds the element with one script tag', async ({ page, baseURL }) => {
  const token = await createSession(page);
  await merchantPage(page, 'http://merchant.example', token, baseURL!);
  await expect(page.getByRole('radio', { name: /Payment card/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Pay £19.99' })).toBeVisible();
});

test('a page on an origin that is not allowed gets a clear error, not the methods', async ({ page, baseURL }) => {
  const token = await createSession(page);
  const errors: string[] = [];
  await page.exposeFunction('recordPayError', (code: string) => errors.push(code));
  await page.addInitScript(() => {
    document.addEventListener('pay-error', (event) => (window as any).recordPayError((event as CustomEvent).detail.code));
  });
  await merchantPage(page, 'http://evil.example', token, baseURL!);
  await expect(page.getByRole('alert')).toContainText('origin http://evil.example is not allowed; add it to ALLOWED_ORIGINS');
  await expect(page.getByRole('radio')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/screens/embed-forbidden-origin.png' });
  expect(errors).toContain('forbidden_origin');
});
