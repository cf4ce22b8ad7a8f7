import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';

/** The card inputs, in the proxy's card-entry frame. */
const cardFields = (page: Page) => page.frameLocator('iframe[title="Card details"]');

/**
 * Accessibility of every provider's screens: axe (WCAG 2.1 A and AA, through the element's shadow
 * root and into the dialog's frames) on each screen, focus into the 3-D Secure and hosted-page
 * dialogs and back out, status changes in live regions, and the checkout at 320 px wide and at
 * 200% zoom.
 */

const SCREENS = 'test-results/screens';

async function expectNoViolations(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(results.violations.map((violation) => `${screen}: ${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
}

async function buy(page: Page, product: string): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: `Buy ${product}` }).click();
  await expect(page.getByRole('radio').first()).toBeVisible();
}

async function enterCard(page: Page, number: string, code = '837'): Promise<void> {
  await cardFields(page).getByRole('textbox', { name: 'Card number' }).fill(number);
  await cardFields(page).getByRole('textbox', { name: 'Expiry date' }).fill('12/30');
  await cardFields(page).getByRole('textbox', { name: 'Security code' }).fill(code);
  await cardFields(page).getByRole('textbox', { name: 'Name on card' }).fill('Ada Lovelace');
}

const challenge = (page: Page) => page.frameLocator('iframe[title="3-D Secure verification"]').frameLocator('iframe#challenge');
const cancelButton = (page: Page) => page.getByRole('button', { name: 'Cancel payment' });

test('directcard: every screen passes axe; focus goes into the 3-D Secure dialog and back out', async ({ page }) => {
  await buy(page, 'Copper cezve set');
  await expectNoViolations(page, 'methods');
  await page.getByRole('radio', { name: 'Card', exact: true }).check();
  await enterCard(page, '5421 1901 2209 0656');
  await expect(page.getByRole('radio', { name: /^3 ×/ })).toBeVisible();
  await expectNoViolations(page, 'card form with installments');

  await page.getByRole('button', { name: /^Pay/ }).click();
  await expect(challenge(page).getByRole('button', { name: 'Complete verification' })).toBeVisible();
  // Into the dialog: its first control has focus, and the page behind it is inert.
  await expect(cancelButton(page)).toBeFocused();
  await expectNoViolations(page, '3-D Secure dialog');

  // Escape closes it: focus is back on the chosen method, and the notice is in a live region.
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(page.getByRole('radio', { name: 'Card', exact: true })).toBeFocused();
  await expect(page.getByRole('status').filter({ hasText: 'Payment canceled. You can choose another method.' })).toBeVisible();
  await expectNoViolations(page, 'canceled notice');

  // The card frame forgets the card after an attempt: enter it again.
  await enterCard(page, '5421 1901 2209 0656');
  await page.getByRole('button', { name: /^Pay/ }).click();
  await expect(cancelButton(page)).toBeFocused();
  await challenge(page).getByRole('button', { name: 'Complete verification' }).click();
  // Out of the dialog onto the outcome: its heading takes focus and is read there, so the box is a
  // region named by it, not a live region that would read it a second time.
  const heading = page.getByRole('heading', { name: 'Payment successful' });
  await expect(heading).toBeFocused();
  await expect(page.getByRole('region', { name: 'Payment successful' })).toBeVisible();
  await expect(page.getByRole('status').filter({ has: heading })).toHaveCount(0);
  await expectNoViolations(page, 'success');
});

test('directcard: a declined card and its field errors pass axe, errors announced as alerts', async ({ page }) => {
  await buy(page, 'Copper cezve set');
  await page.getByRole('radio', { name: 'Card', exact: true }).check();
  await page.getByRole('button', { name: /^Pay/ }).click();
  await expect(cardFields(page).getByRole('textbox', { name: 'Card number' })).toHaveAttribute('aria-invalid', 'true');
  await expect(cardFields(page).getByRole('textbox', { name: 'Card number' })).toBeFocused();
  await expectNoViolations(page, 'card field errors');
  await enterCard(page, '4000 0000 0000 0002');
  await page.getByRole('button', { name: /^Pay/ }).click();
  await challenge(page).getByRole('button', { name: 'Complete verification' }).click();
  await expect(page.getByRole('heading', { name: 'Payment failed' })).toBeFocused();
  await expectNoViolations(page, 'declined');
});

test('HankoPay: the framed payment page dialog takes focus, gives it back, and passes axe', async ({ page }) => {
  await buy(page, 'Espresso tamper');
  await cardFields(page).getByRole('textbox', { name: 'Card number' }).fill('4111 1111 1111 1111');
  await cardFields(page).getByRole('textbox', { name: 'Expiry date' }).fill('12/30');
  await cardFields(page).getByRole('textbox', { name: 'Security code' }).fill('123');
  await cardFields(page).getByRole('textbox', { name: 'Name on card' }).fill('Grace Hopper');
  await expectNoViolations(page, 'card form');
  await page.getByRole('button', { name: 'Pay $35.00' }).click();
  const frame = page.frameLocator('iframe[title="Payment page"]');
  await expect(frame.getByRole('button', { name: 'Pay', exact: true })).toBeVisible();
  await expect(cancelButton(page)).toBeFocused();
  await expectNoViolations(page, 'payment page dialog');
  await cancelButton(page).click();
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(page.getByRole('radio', { name: 'Card', exact: true })).toBeFocused();

  await enterCard(page, '4111 1111 1111 1111', '123');
  await page.getByRole('button', { name: 'Pay $35.00' }).click();
  await frame.getByRole('button', { name: 'Pay', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Payment successful' })).toBeFocused();
  await expectNoViolations(page, 'success');
});

test('MilkyPay and HPAY: methods, hosted pages and outcomes pass axe', async ({ page }) => {
  await buy(page, 'Ceramic pour-over set');
  await expectNoViolations(page, 'MilkyPay methods');
  await page.getByRole('radio', { name: /Payment card/ }).check();
  await page.getByRole('button', { name: 'Pay $48.00' }).click();
  await expect(page.getByRole('button', { name: 'Decline payment' })).toBeVisible();
  await page.getByRole('button', { name: 'Decline payment' }).click();
  await expect(page.getByRole('heading', { name: 'Payment failed' })).toBeVisible();
  await expectNoViolations(page, 'MilkyPay failure');

  await buy(page, 'Maple-wood coffee scoop');
  await expectNoViolations(page, 'HPAY methods');
  await page.getByRole('button', { name: 'Pay CA$18.00' }).click();
  await page.getByRole('button', { name: 'Pay', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Payment successful' })).toBeVisible();
  await expectNoViolations(page, 'HPAY success');
});

test('the dark theme and the expired screen pass axe', async ({ page }) => {
  await page.clock.install();
  await buy(page, 'Copper cezve set');
  await page.getByRole('radio', { name: 'Dark' }).check();
  await page.getByRole('radio', { name: 'Card', exact: true }).check();
  await expectNoViolations(page, 'dark card form');
  await page.getByRole('radio', { name: 'Light' }).check();
  await page.clock.fastForward('15:05');
  await expect(page.getByText('This checkout has expired')).toBeVisible();
  await expectNoViolations(page, 'expired');
});

/** Nothing of the checkout sticks out sideways: no horizontal scrolling, the pay button whole on screen. */
async function expectReflow(page: Page, width: number): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
  const box = (await page.getByRole('button', { name: /^Pay/ }).boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(width);
}

test('usable at 320 px wide: card, installments, 3-D Secure dialog, result', async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 640 });
  await buy(page, 'Copper cezve set');
  await page.getByRole('radio', { name: 'Card', exact: true }).check();
  await enterCard(page, '5421 1901 2209 0656');
  await page.getByRole('radio', { name: /^3 ×/ }).check();
  await expectReflow(page, 320);
  await page.screenshot({ path: `${SCREENS}/a11y-320-card.png`, fullPage: true });
  await page.getByRole('button', { name: /^Pay/ }).click();
  const verify = challenge(page).getByRole('button', { name: 'Complete verification' });
  await expect(verify).toBeInViewport();
  await expect(cancelButton(page)).toBeInViewport();
  await page.screenshot({ path: `${SCREENS}/a11y-320-dialog.png` });
  await verify.click();
  await expect(page.getByRole('heading', { name: 'Payment successful' })).toBeInViewport();
  await page.screenshot({ path: `${SCREENS}/a11y-320-success.png`, fullPage: true });
});

test.describe('at 200% zoom', () => {
  // A 1280 × 800 window zoomed to 200%: 640 × 400 CSS pixels, each drawn twice as large.
  test.use({ viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 });

  test('the checkout reflows and the dialog fits', async ({ page }) => {
    await buy(page, 'Copper cezve set');
    await page.getByRole('radio', { name: 'Card', exact: true }).check();
    await enterCard(page, '5421 1901 2209 0656');
    await expectReflow(page, 640);
    await page.screenshot({ path: `${SCREENS}/a11y-zoom-200-card.png`, fullPage: true });
    await page.getByRole('button', { name: /^Pay/ }).click();
    await expect(cancelButton(page)).toBeInViewport();
    await expect(challenge(page).getByRole('button', { name: 'Complete verification' })).toBeVisible();
    await page.screenshot({ path: `${SCREENS}/a11y-zoom-200-dialog.png` });
  });
});

test.describe('in forced colors (Windows high contrast)', () => {
  // Forced colors drop box-shadows and author backgrounds: whatever is drawn only with them vanishes.
  test.beforeEach(async ({ page }) => {
    await page.emulateMedia({ forcedColors: 'active' });
  });

  /** The outline an element draws now: none, or its style and width. */
  const outline = (locator: Locator) =>
    locator.evaluate((element) => {
      const style = getComputedStyle(element);
      return style.outlineStyle === 'none' ? 'none' : `${style.outlineStyle} ${style.outlineWidth}`;
    });
  const borderWidth = (locator: Locator) => locator.evaluate((element) => getComputedStyle(element).borderTopWidth);

  test('a focused field shows a focus ring, in the element and in the card frame', async ({ page }) => {
    await buy(page, 'Single-origin beans, 1 kg');
    await page.getByRole('radio', { name: /^Test/ }).check();
    const status = page.getByRole('textbox', { name: 'Status' });
    await status.focus();
    expect(await outline(status)).toBe('solid 2px');
    await page.screenshot({ path: `${SCREENS}/a11y-forced-colors-field.png`, fullPage: true });

    await buy(page, 'Copper cezve set');
    await page.getByRole('radio', { name: 'Card', exact: true }).check();
    const number = cardFields(page).getByRole('textbox', { name: 'Card number' });
    await number.focus();
    expect(await outline(number)).toBe('solid 2px');
    await page.screenshot({ path: `${SCREENS}/a11y-forced-colors-card.png`, fullPage: true });
  });

  test('the loading methods and a loading card frame keep their shapes', async ({ page }) => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/api\/checkout(\?|$)|\/api\/checkout\/card-entry/, async (route) => {
      await held;
      await route.fallback();
    });
    await page.goto('/');
    await page.getByRole('button', { name: 'Buy Copper cezve set' }).click();
    const element = page.locator('pay-checkout');
    // The skeleton's words are for screen readers only: without its shapes nothing on screen says it loads.
    await expect(element.locator('.bone-row').first()).toBeVisible();
    expect(await borderWidth(element.locator('.bone-row').first())).not.toBe('0px');
    await page.screenshot({ path: `${SCREENS}/a11y-forced-colors-loading.png` });
    release();
    await page.unroute(/\/api\/checkout(\?|$)|\/api\/checkout\/card-entry/);

    let releaseFrame: () => void = () => {};
    const frameHeld = new Promise<void>((resolve) => (releaseFrame = resolve));
    await page.route('**/api/checkout/card-entry*', async (route) => {
      await frameHeld;
      await route.fallback();
    });
    await page.getByRole('radio', { name: 'Card', exact: true }).check();
    const frame = element.locator('iframe.card-frame');
    await expect(frame).toHaveAttribute('aria-busy', 'true');
    expect(await borderWidth(frame)).not.toBe('0px');
    releaseFrame();
    await expect(cardFields(page).getByRole('textbox', { name: 'Card number' })).toBeVisible();
  });

  test('the pay button and the 3-D Secure dialog keep their edges', async ({ page }) => {
    await buy(page, 'Copper cezve set');
    await page.getByRole('radio', { name: 'Card', exact: true }).check();
    const pay = page.getByRole('button', { name: /^Pay/ });
    expect(await borderWidth(pay)).not.toBe('0px');
    await enterCard(page, '5421 1901 2209 0656');
    await pay.click();
    await expect(challenge(page).getByRole('button', { name: 'Complete verification' })).toBeVisible();
    expect(await borderWidth(page.getByRole('dialog'))).not.toBe('0px');
    await page.screenshot({ path: `${SCREENS}/a11y-forced-colors-dialog.png` });
  });
});
