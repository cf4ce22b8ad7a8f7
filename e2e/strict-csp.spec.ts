import { expect, test, type Page } from '@playwright/test';

/** The card inputs, in the proxy's card-entry frame. */
const cardFields = (page: Page) => page.frameLocator('iframe[title="Card details"]');

/**
 * Every provider's flow on the demo shop, whose pages carry the strict policy of demo/csp.ts: the
 * element gets only script-src and connect-src for the proxy and frame-src for the proxy and the
 * providers' pages, and nothing inline or eval'd. Violations are caught twice: by a
 * `securitypolicyviolation` listener in every frame of the page, and by the shop's report-uri.
 */

const violations = new Map<Page, string[]>();

test.beforeEach(async ({ page }) => {
  const seen: string[] = [];
  violations.set(page, seen);
  await page.exposeFunction('reportCspViolation', (text: string) => seen.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      (window as unknown as { reportCspViolation: (text: string) => void }).reportCspViolation(
        `${location.href}: ${event.violatedDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`,
      );
    });
  });
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) seen.push(message.text());
  });
});

test.afterEach(async ({ page, request }) => {
  expect(violations.get(page)).toEqual([]);
  // The browser sends reports on its own schedule; the listener above has already caught any.
  expect(((await (await request.get('/csp-reports')).json()) as { reports: unknown[] }).reports).toEqual([]);
});

async function buy(page: Page, product: string, baseURL: string): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: `Buy ${product}` }).click();
  await expect(page).toHaveURL(/\/checkout\/order_/);
  const policy = (await page.request.get(page.url())).headers()['content-security-policy'];
  const proxy = new URL(baseURL).origin;
  expect(policy).toBe(
    `script-src ${proxy}; connect-src ${proxy}; frame-src ${proxy}; default-src 'none'; style-src 'self'; img-src 'self' ${proxy} data:; ` +
      `form-action 'self' ${proxy}; base-uri 'none'; frame-ancestors 'none'; report-uri /csp-reports`,
  );
  expect(policy).not.toMatch(/unsafe-inline|unsafe-eval/);
}

async function enterCard(page: Page, number: string): Promise<void> {
  await cardFields(page).getByRole('textbox', { name: 'Card number' }).fill(number);
  await cardFields(page).getByRole('textbox', { name: 'Expiry date' }).fill('12/30');
  await cardFields(page).getByRole('textbox', { name: 'Security code' }).fill('837');
  await cardFields(page).getByRole('textbox', { name: 'Name on card' }).fill('Ada Lovelace');
}

test('MilkyPay: redirect to the hosted page and back', async ({ page, baseURL }) => {
  await buy(page, 'Ceramic pour-over set', baseURL!);
  await page.getByRole('radio', { name: /Payment card/ }).check();
  await page.getByRole('button', { name: 'Pay $48.00' }).click();
  await page.getByRole('button', { name: 'Approve payment' }).click();
  await expect(page.getByRole('heading', { name: 'Payment successful' })).toBeVisible();
});

test('MilkyPay: a method field, then a form posted to the hosted page', async ({ page, baseURL }) => {
  await buy(page, 'Single-origin beans, 1 kg', baseURL!);
  await page.getByRole('radio', { name: /^Test/ }).check();
  await page.getByRole('textbox', { name: 'Status' }).fill('declined');
  await page.getByRole('button', { name: /^Pay/ }).click();
  await page.getByRole('button', { name: 'Decline payment' }).click();
  await expect(page.getByRole('heading', { name: 'Payment failed' })).toBeVisible();
});

test('directcard: card form, installments and 3-D Secure in the dialog', async ({ page, baseURL }) => {
  await buy(page, 'Copper cezve set', baseURL!);
  await page.getByRole('radio', { name: 'Card', exact: true }).check();
  await enterCard(page, '5421 1901 2209 0656');
  await page.getByRole('radio', { name: /^3 ×/ }).check();
  await page.getByRole('button', { name: /^Pay/ }).click();
  await page
    .frameLocator('iframe[title="3-D Secure verification"]')
    .frameLocator('iframe#challenge')
    .getByRole('button', { name: 'Complete verification' })
    .click();
  await expect(page.getByRole('heading', { name: 'Payment successful' })).toBeVisible();
});

test('HankoPay: card form, then the payment page framed in the dialog', async ({ page, baseURL }) => {
  await buy(page, 'Espresso tamper', baseURL!);
  await cardFields(page).getByRole('textbox', { name: 'Card number' }).fill('4111 1111 1111 1111');
  await cardFields(page).getByRole('textbox', { name: 'Expiry date' }).fill('12/30');
  await cardFields(page).getByRole('textbox', { name: 'Security code' }).fill('123');
  await cardFields(page).getByRole('textbox', { name: 'Name on card' }).fill('Grace Hopper');
  await page.getByRole('button', { name: 'Pay $35.00' }).click();
  await page.frameLocator('iframe[title="Payment page"]').getByRole('button', { name: 'Pay', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Payment successful' })).toBeVisible();
});

test('HPAY: redirect to the hosted checkout and back', async ({ page, baseURL }) => {
  await buy(page, 'Maple-wood coffee scoop', baseURL!);
  await page.getByRole('button', { name: 'Pay CA$18.00' }).click();
  await page.getByRole('button', { name: 'Pay', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Payment successful' })).toBeVisible();
});

test('Payment Hub: the vendor page framed in the dialog', async ({ page, baseURL }) => {
  await buy(page, 'Kintamani Arabica, 500 g', baseURL!);
  await page.getByRole('radio', { name: 'QRIS', exact: true }).check();
  await page.getByRole('button', { name: /^Pay .*150,000/ }).click();
  await page.frameLocator('iframe[title="Payment page"]').getByRole('button', { name: 'Pay', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Payment successful' })).toBeVisible();
});

test('Payment Hub: the Stripe page top-level and back', async ({ page, baseURL }) => {
  await buy(page, 'Kintamani Arabica, 500 g', baseURL!);
  await page.getByRole('radio', { name: 'Stripe', exact: true }).check();
  await page.getByRole('button', { name: /^Pay .*150,000/ }).click();
  await page.getByRole('button', { name: 'Pay', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Payment successful' })).toBeVisible();
});

test('the listener does catch a violation (the check can fail)', async ({ page, baseURL }) => {
  await buy(page, 'Ceramic pour-over set', baseURL!);
  await page.evaluate(() => {
    const style = document.createElement('style');
    style.textContent = 'body { color: red }';
    document.head.append(style);
  });
  await expect.poll(() => violations.get(page)!.length).toBeGreaterThan(0);
  expect(violations.get(page)!.join('\n')).toMatch(/style-src/);
  // Reported to the shop too; cleared so this test's own violation does not fail the check after it.
  await expect.poll(async () => ((await (await page.request.get('/csp-reports')).json()) as { reports: unknown[] }).reports.length).toBeGreaterThan(0);
  violations.set(page, []);
  await page.request.delete('/csp-reports');
});
