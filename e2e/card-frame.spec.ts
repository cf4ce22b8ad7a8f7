import { expect, test, type Page } from '@playwright/test';

/** The card-entry frame as the element shows it: when it cannot load, and how it looks. */

const SCREENS = 'test-results/screens';
const cardFrame = (page: Page) => page.frameLocator('iframe[title="Card details"]');

/** Every pay-error the element emits, kept on the page. */
async function recordPayErrors(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const errors: unknown[] = [];
    (window as unknown as { payErrors: unknown[] }).payErrors = errors;
    document.addEventListener('pay-error', (event) => errors.push((event as CustomEvent).detail));
  });
}
const payErrors = (page: Page) => page.evaluate(() => (window as unknown as { payErrors: unknown[] }).payErrors);

/** Opens the demo's directcard product and chooses card entry. */
async function openCardCheckout(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Buy Copper cezve set' }).click();
  await expect(page).toHaveURL(/\/checkout\/order_/);
  await page.getByRole('radio', { name: 'Card', exact: true }).check();
}

test('a card frame that cannot load says so, emits pay-error, and comes back with "Try again"', async ({ page }) => {
  await recordPayErrors(page);
  // As when the proxy is unreachable or a frame-src / frame-ancestors policy refuses the frame.
  await page.route('**/api/checkout/card-entry*', (route) => route.abort('connectionrefused'));
  await openCardCheckout(page);
  const element = page.locator('pay-checkout');
  const unavailable = element.getByRole('alert').filter({ hasText: 'card form' });
  await expect(unavailable).toHaveText('The card form could not be loaded. Check your connection and try again.');
  await expect(element.locator('iframe.card-frame')).toHaveCount(0);
  expect(await payErrors(page)).toEqual([{ code: 'card_entry_unavailable', message: 'The card form could not be loaded. Check your connection and try again.' }]);
  await page.screenshot({ path: `${SCREENS}/card-frame-unavailable.png`, fullPage: true });

  // Pay puts the shopper on the one thing that helps, at once rather than after a timeout.
  await element.getByRole('button', { name: /^Pay/ }).click();
  await expect(element.getByRole('button', { name: 'Try again' })).toBeFocused({ timeout: 1_000 });

  await page.unroute('**/api/checkout/card-entry*');
  await element.getByRole('button', { name: 'Try again' }).click();
  await expect(cardFrame(page).getByRole('textbox', { name: 'Card number' })).toBeVisible();
  await expect(unavailable).toHaveCount(0);
  await page.waitForTimeout(3_500);
  await expect(cardFrame(page).getByRole('textbox', { name: 'Card number' })).toBeVisible();
  expect(await payErrors(page)).toHaveLength(1);
});
