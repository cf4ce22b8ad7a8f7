import { expect, test, type Page } from '@playwright/test';

/** The demo's theme switch and the element's own light and dark themes. */

async function openCheckout(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Buy Copper cezve set' }).click();
  await page.getByRole('radio', { name: 'Card', exact: true }).check();
}

/** The computed background of the element's container and its pay button. */
async function colors(page: Page): Promise<{ container: string; button: string; font: string }> {
  return page.locator('pay-checkout').evaluate((element) => {
    const root = element.shadowRoot!;
    const style = (selector: string) => getComputedStyle(root.querySelector(selector)!);
    return { container: style('[part~="container"]').backgroundColor, button: style('.pay-button').backgroundColor, font: style('[part~="container"]').fontFamily };
  });
}

test('the demo switch shows the light, dark and brand themes', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await openCheckout(page);
  await expect(page.getByRole('radio', { name: 'Light' })).toBeChecked();
  // Polled: the button's color changes with a short transition.
  await expect.poll(() => colors(page)).toMatchObject({ container: 'rgb(255, 255, 255)', button: 'rgb(37, 99, 235)' });
  await page.screenshot({ path: 'test-results/screens/theme-light.png', fullPage: true });

  await page.getByRole('radio', { name: 'Dark' }).check();
  await expect(page.locator('pay-checkout')).toHaveAttribute('theme', 'dark');
  await expect.poll(() => colors(page)).toMatchObject({ container: 'rgb(17, 24, 39)', button: 'rgb(96, 165, 250)' });
  await page.screenshot({ path: 'test-results/screens/theme-dark.png', fullPage: true });

  await page.getByRole('radio', { name: 'Brand' }).check();
  await expect.poll(() => colors(page)).toMatchObject({ container: 'rgb(255, 250, 243)', button: 'rgb(154, 52, 18)' });
  expect((await colors(page)).font).toContain('Georgia');
  await page.screenshot({ path: 'test-results/screens/theme-brand.png', fullPage: true });
});

test('the card frame follows the theme, live, and keeps what the shopper typed', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await openCheckout(page);
  const number = page.frameLocator('iframe.card-frame').getByRole('textbox', { name: 'Card number' });
  await number.fill('4111 1111 1111 1111');
  const background = () => number.evaluate((input) => getComputedStyle(input).backgroundColor);
  await expect.poll(background).toBe('rgb(255, 255, 255)');
  await page.getByRole('radio', { name: 'Dark' }).check();
  await expect.poll(background).toBe('rgb(17, 24, 39)');
  await expect(number).toHaveValue('4111 1111 1111 1111');
  await page.getByRole('radio', { name: 'Brand' }).check();
  await expect.poll(background).toBe('rgb(255, 250, 243)');
  await page.screenshot({ path: 'test-results/screens/theme-brand-card-frame.png', fullPage: true });
});

test('without a theme attribute the element follows prefers-color-scheme; the attribute overrides it', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await openCheckout(page);
  await page.locator('pay-checkout').evaluate((element) => element.removeAttribute('theme'));
  expect((await colors(page)).container).toBe('rgb(17, 24, 39)');
  await page.locator('pay-checkout').evaluate((element) => element.setAttribute('theme', 'light'));
  expect((await colors(page)).container).toBe('rgb(255, 255, 255)');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.locator('pay-checkout').evaluate((element) => element.setAttribute('theme', 'dark'));
  expect((await colors(page)).container).toBe('rgb(17, 24, 39)');
});
