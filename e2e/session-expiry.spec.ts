import { expect, test, type Page } from '@playwright/test';

/**
 * A session's end, on the page's clock (Playwright's, fast-forwarded; the proxy's is real): the
 * element warns a minute before, takes a new token without losing the shopper's input, and
 * shows an expired session plainly. The e2e proxy's sessions last 15 minutes (the default).
 */

async function openWithInput(page: Page): Promise<void> {
  await page.clock.install();
  await page.goto('/');
  await page.getByRole('button', { name: 'Buy Single-origin beans, 1 kg' }).click();
  await page.getByRole('radio', { name: /^Test/ }).check();
  await page.getByRole('textbox', { name: 'Status' }).fill('approved');
  await page.evaluate(() => {
    (window as unknown as { expiring: unknown[] }).expiring = [];
    document.addEventListener('pay-session-expiring', (event) => (window as unknown as { expiring: unknown[] }).expiring.push((event as CustomEvent).detail));
  });
}

const expiring = (page: Page) => page.evaluate(() => (window as unknown as { expiring: { secondsLeft: number; expiresAt: string }[] }).expiring);

test('warns before the token expires and takes a new one without losing the shopper’s input', async ({ page }) => {
  await openWithInput(page);
  await page.clock.fastForward('13:30');
  expect(await expiring(page)).toEqual([]);
  await page.clock.fastForward('00:45');
  await expect.poll(async () => (await expiring(page)).length).toBe(1);
  const [warning] = await expiring(page);
  expect(warning!.secondsLeft).toBeGreaterThan(40);
  expect(warning!.secondsLeft).toBeLessThanOrEqual(60);

  // What a merchant's page does: its backend opens a new session for the order; the page sets the token.
  const response = await page.request.post('/api/sessions', {
    headers: { authorization: `Bearer ${process.env.E2E_MERCHANT_API_KEY}` },
    data: { orderId: `renewed-${Date.now()}`, amount: '24.50', currency: 'EUR', provider: 'milkypay', returnUrl: new URL('/return', page.url()).href },
  });
  const { token } = (await response.json()) as { token: string };
  await page.locator('pay-checkout').evaluate((element, value) => element.setAttribute('session', value), token);
  await expect(page.getByRole('textbox', { name: 'Status' })).toHaveValue('approved');
  await expect(page.getByRole('radio', { name: /^Test/ })).toBeChecked();
  await expect(page.getByRole('button', { name: /^Pay €24\.50/ })).toBeEnabled();
  await expect(page.getByText('This checkout has expired')).toHaveCount(0);
});

test('an expired session shows a clear message instead of a pay button', async ({ page }) => {
  await openWithInput(page);
  await page.clock.fastForward('15:05');
  const alert = page.getByRole('alert').filter({ hasText: 'This checkout has expired' });
  await expect(alert).toBeVisible();
  await expect(alert).toContainText('Reload the page to start again.');
  await expect(page.getByRole('button', { name: /^Pay/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Reload page' })).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/session-expired.png', fullPage: true });
});
