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

test('a card frame that loads slowly shows that it is loading, until its fields are there', async ({ page }) => {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/api/checkout/card-entry*', async (route) => {
    await held;
    await route.fallback();
  });
  await openCardCheckout(page);
  // Without a sign of loading, a slow proxy leaves a blank gap where the card goes.
  const frame = page.locator('pay-checkout').locator('iframe.card-frame');
  await expect(frame).toHaveAttribute('aria-busy', 'true');
  expect(await frame.evaluate((element) => getComputedStyle(element).animationName)).toBe('shimmer');
  await page.screenshot({ path: `${SCREENS}/card-frame-loading.png`, fullPage: true });
  release();
  await expect(cardFrame(page).getByRole('textbox', { name: 'Card number' })).toBeVisible();
  await expect(frame).toHaveAttribute('aria-busy', 'false');
  expect(await frame.evaluate((element) => getComputedStyle(element).animationName)).toBe('none');
});

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

test('a card frame that could not load comes back by itself when the connection returns', async ({ page, context }) => {
  await page.route('**/api/checkout/card-entry*', (route) => route.abort('internetdisconnected'));
  await openCardCheckout(page);
  const element = page.locator('pay-checkout');
  const retry = element.getByRole('button', { name: 'Try again' });
  await expect(retry).toBeVisible();
  await retry.focus();
  await context.setOffline(true);
  await page.unroute('**/api/checkout/card-entry*');
  await context.setOffline(false);
  await expect(cardFrame(page).getByRole('textbox', { name: 'Card number' })).toBeVisible();
  // The button that had focus is gone: focus waits on the method, just before the new frame.
  await expect(element.getByRole('radio', { name: 'Card', exact: true })).toBeFocused();
});

/** The card number input's look, as computed inside the frame. */
const numberStyle = (page: Page) =>
  cardFrame(page)
    .getByRole('textbox', { name: 'Card number' })
    .evaluate((input) => {
      const style = getComputedStyle(input);
      return { background: style.backgroundColor, font: style.fontFamily, radius: style.borderTopLeftRadius };
    });

test('"Try again" on a card frame that could not load leaves keyboard focus on the chosen method, not the page', async ({ page }) => {
  await page.route('**/api/checkout/card-entry*', (route) => route.abort('connectionrefused'));
  await openCardCheckout(page);
  const element = page.locator('pay-checkout');
  const tryAgain = element.getByRole('button', { name: 'Try again' });
  await expect(tryAgain).toBeVisible();
  await page.unroute('**/api/checkout/card-entry*');
  await tryAgain.focus();
  await page.keyboard.press('Enter');
  // The button goes away with the error; focus left on it would fall to the page's start.
  await expect(page.getByRole('radio', { name: 'Card', exact: true })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(cardFrame(page).getByRole('textbox', { name: 'Card number' })).toBeFocused();
});

test('the card frame follows a theme changed through custom properties alone: Light to Brand in the demo', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await openCardCheckout(page);
  await expect.poll(() => numberStyle(page)).toMatchObject({ background: 'rgb(255, 255, 255)', radius: '8px' });
  // The demo's Brand keeps theme="light" and sets --pay-* properties from the page's stylesheet.
  await page.getByRole('radio', { name: 'Brand' }).check();
  await expect.poll(() => numberStyle(page)).toMatchObject({ background: 'rgb(255, 250, 243)', radius: '18px', font: expect.stringContaining('Georgia') });
  await page.screenshot({ path: `${SCREENS}/card-frame-brand-from-light.png`, fullPage: true });
  await page.getByRole('radio', { name: 'Light' }).check();
  await expect.poll(() => numberStyle(page)).toMatchObject({ background: 'rgb(255, 255, 255)', radius: '8px', font: expect.not.stringContaining('Georgia') });
});

test("without a theme attribute the card frame follows the shopper's color scheme as it changes", async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await openCardCheckout(page);
  await page.locator('pay-checkout').evaluate((element) => element.removeAttribute('theme'));
  await expect.poll(() => numberStyle(page)).toMatchObject({ background: 'rgb(17, 24, 39)' });
  await page.emulateMedia({ colorScheme: 'light' });
  await expect.poll(() => numberStyle(page)).toMatchObject({ background: 'rgb(255, 255, 255)' });
  await page.screenshot({ path: `${SCREENS}/card-frame-scheme-to-light.png`, fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect.poll(() => numberStyle(page)).toMatchObject({ background: 'rgb(17, 24, 39)' });
});

/** Whether the number's text fits its box and the brand covers none of it. */
const numberVisible = (page: Page) =>
  cardFrame(page)
    .locator('body')
    .evaluate(() => {
      const input = document.querySelector<HTMLInputElement>('input.card-number')!;
      const brand = document.querySelector<HTMLElement>('.card-brand')!;
      const box = input.getBoundingClientRect();
      const style = getComputedStyle(input);
      // Where the text may run: the input's box less its border and padding at the end.
      const textEnd = box.right - parseFloat(style.borderRightWidth) - parseFloat(style.paddingRight);
      const badge = brand.getBoundingClientRect();
      const overlaps = badge.left < textEnd && badge.right > box.left && badge.top < box.bottom && badge.bottom > box.top;
      return { fits: input.scrollWidth <= input.clientWidth, overlaps, brandShown: !brand.hidden && badge.width > 0 };
    });

for (const width of [320, 360, 1280]) {
  for (const scheme of ['light', 'dark'] as const) {
    test(`at ${width} px (${scheme}) the whole card number stays visible beside its brand`, async ({ page }) => {
      await page.setViewportSize({ width, height: 900 });
      await page.emulateMedia({ colorScheme: scheme });
      await openCardCheckout(page);
      const number = cardFrame(page).getByRole('textbox', { name: 'Card number' });
      for (const [card, brand] of [
        ['5421 1901 2209 0656', 'Mastercard'],
        ['3782 822463 10005', 'American Express'],
      ]) {
        await number.fill(card!);
        await cardFrame(page).getByRole('textbox', { name: 'Name on card' }).focus();
        await expect(cardFrame(page).locator('.card-brand')).toHaveText(brand!);
        // The brand is read with the number wherever it is shown.
        await expect(number).toHaveAccessibleDescription(brand!);
        expect(await numberVisible(page), `${card} at ${width} px`).toEqual({ fits: true, overlaps: false, brandShown: true });
        await page.screenshot({ path: `${SCREENS}/card-brand-${brand!.split(' ')[0]!.toLowerCase()}-${width}-${scheme}.png`, fullPage: true });
      }
    });
  }
}

test('--pay-density scales the card inputs as it scales the element', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await openCardCheckout(page);
  const number = cardFrame(page).getByRole('textbox', { name: 'Card number' });
  await expect(number).toBeVisible();
  const height = () => number.evaluate((input) => input.getBoundingClientRect().height);
  const normal = await height();
  await page.locator('pay-checkout').evaluate((element: HTMLElement) => element.style.setProperty('--pay-density', '1.25'));
  // 10px of padding above and below the text become 12.5px.
  await expect.poll(height).toBeCloseTo(normal + 5, 0);
  await page.screenshot({ path: `${SCREENS}/card-frame-density-1.25.png`, fullPage: true });
});
