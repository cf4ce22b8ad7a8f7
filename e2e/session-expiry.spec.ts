import { expect, test, type Page } from '@playwright/test';
import { paymentsOfOrder } from './merchant-api.js';

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

test('a session that expires while the shopper types a card puts focus on the box saying so', async ({ page }) => {
  await page.clock.install();
  await page.goto('/');
  await page.getByRole('button', { name: 'Buy Espresso tamper' }).click();
  const number = page.frameLocator('iframe[title="Card details"]').getByRole('textbox', { name: 'Card number' });
  await number.fill('4111 1111');
  await expect(number).toBeFocused();
  await page.clock.fastForward('15:05');
  const alert = page.getByRole('alert').filter({ hasText: 'This checkout has expired' });
  await expect(alert).toBeFocused();
  await page.screenshot({ path: 'test-results/screens/session-expired-while-typing.png', fullPage: true });
});

test('a new token or locale keeps the card and its installments, busy meanwhile, and the card frame loads once', async ({ page, baseURL }) => {
  let cardEntryLoads = 0;
  page.on('framenavigated', (frame) => {
    if (frame.url().includes('/api/checkout/card-entry')) cardEntryLoads += 1;
  });
  await page.addInitScript(() => {
    const ready: number[] = ((window as unknown as { ready: number[] }).ready = []);
    document.addEventListener('pay-ready', () => ready.push(Date.now()));
  });
  await page.goto('/');
  await page.getByRole('button', { name: 'Buy Copper cezve set' }).click();
  await expect(page).toHaveURL(/\/checkout\/order_/);
  const orderId = page.url().split('/').at(-1)!;
  await page.getByRole('radio', { name: 'Card', exact: true }).check();
  // Named by its title, which the new locale translates.
  const card = page.frameLocator('iframe.card-frame');
  await card.getByRole('textbox', { name: 'Card number' }).fill('5421 1901 2209 0656');
  await card.getByRole('textbox', { name: 'Expiry date' }).fill('12/30');
  await card.getByRole('textbox', { name: 'Security code' }).fill('837');
  await card.getByRole('textbox', { name: 'Name on card' }).fill('Ada Lovelace');
  await page.getByRole('radio', { name: /^3 ×/ }).check();
  const readyCount = () => page.evaluate(() => (window as unknown as { ready: number[] }).ready.length);
  expect(await readyCount()).toBe(1);

  // Hold the new checkout's answer, to see the element while it loads.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route((url) => url.pathname === '/api/checkout', async (route) => {
    await held;
    await route.continue();
  });
  const checkoutBox = page.locator('pay-checkout').locator('.container');
  const pay = page.getByRole('button', { name: /^Pay/ });

  const response = await page.request.post('/api/sessions', {
    headers: { authorization: `Bearer ${process.env.E2E_MERCHANT_API_KEY}` },
    data: { orderId, amount: '1000.00', currency: 'TRY', provider: 'directcard', returnUrl: `${baseURL}/return?orderId=${orderId}` },
  });
  const { token } = (await response.json()) as { token: string };
  await page.locator('pay-checkout').evaluate((element, value) => element.setAttribute('session', value), token);
  await expect(checkoutBox).toHaveAttribute('aria-busy', 'true');
  await expect(pay).toBeDisabled();
  // The busy button keeps focus, so Enter reaches it: it must neither pay nor cost the shopper the security code.
  await pay.focus();
  await page.keyboard.press('Enter');
  await expect(card.getByRole('textbox', { name: 'Card number' })).toHaveValue('5421 1901 2209 0656');
  await page.screenshot({ path: 'test-results/screens/renew-card-busy.png', fullPage: true });
  release();
  await expect(checkoutBox).toHaveAttribute('aria-busy', 'false');
  await expect(pay).toBeEnabled();
  await expect(card.getByRole('textbox', { name: 'Security code' })).toHaveValue('837');
  expect(await paymentsOfOrder(page.request, orderId)).toEqual([]);
  // The renewal is a new session: ready once for it.
  expect(await readyCount()).toBe(2);

  await page.locator('pay-checkout').evaluate((element) => element.setAttribute('locale', 'tr'));
  await expect(page.getByRole('radio', { name: 'Kart', exact: true }).or(page.getByRole('radio', { name: 'Card', exact: true }))).toBeChecked();
  await expect(checkoutBox).toHaveAttribute('lang', 'tr');
  await expect(checkoutBox).toHaveAttribute('aria-busy', 'false');
  await page.screenshot({ path: 'test-results/screens/renew-card-locale-tr.png', fullPage: true });

  for (const [name, value] of [
    [/Card number|Kart numarası/, '5421 1901 2209 0656'],
    [/Expiry date|Son kullanma/, '12 / 30'],
    [/Name on card|Kart üzerindeki/, 'Ada Lovelace'],
  ] as const) {
    await expect(card.getByRole('textbox', { name })).toHaveValue(value);
  }
  await expect(page.getByRole('radio', { name: /^3 taksit ×/ })).toBeChecked();
  expect(await readyCount()).toBe(2);
  expect(cardEntryLoads).toBe(1);
});

test('the demo shop renews the session itself when the element warns, keeping the shopper’s input', async ({ page, baseURL }) => {
  await openWithInput(page);
  const orderId = page.url().split('/').at(-1)!;
  // The page's clock runs ahead of the shop's, which would still see time left: its backend's part
  // (a new session for the same order) is covered in demo/server.test.ts; here the page's part.
  const response = await page.request.post('/api/sessions', {
    headers: { authorization: `Bearer ${process.env.E2E_MERCHANT_API_KEY}` },
    data: { orderId, amount: '24.50', currency: 'EUR', provider: 'milkypay', returnUrl: `${baseURL}/return?orderId=${orderId}` },
  });
  const renewed = (await response.json()) as { token: string; expiresAt: string };
  const asked: string[] = [];
  await page.route(/\/checkout\/[^/]+\/session$/, (route) => {
    asked.push(new URL(route.request().url()).pathname);
    return route.fulfill({ json: { token: renewed.token, expiresAt: renewed.expiresAt } });
  });

  await page.clock.fastForward('14:15');
  await expect(page.locator('pay-checkout')).toHaveAttribute('session', renewed.token);
  expect(asked[0]).toBe(`/checkout/${orderId}/session`);
  await expect(page.getByRole('textbox', { name: 'Status' })).toHaveValue('approved');
  await expect(page.getByRole('radio', { name: /^Test/ })).toBeChecked();
  await expect(page.getByText('This checkout has expired')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/screens/session-renewed-by-shop.png', fullPage: true });
});
