import { expect, test, type Locator, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { paymentsOfOrder } from './merchant-api.js';

/** The card inputs: in the proxy's own frame, out of the merchant page's reach. */
const cardFrame = (page: Page) => page.frameLocator('iframe[title="Card details"]');

const SCREENS = 'test-results/screens';

/** Opens the demo's directcard product and chooses card entry. */
async function openCardCheckout(page: Page): Promise<string> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Buy Copper cezve set' }).click();
  await expect(page).toHaveURL(/\/checkout\/order_/);
  const orderId = page.url().split('/').at(-1)!;
  await page.getByRole('radio', { name: 'Card', exact: true }).check();
  return orderId;
}

async function enterCard(page: Page, number: string): Promise<void> {
  await cardFrame(page).getByRole('textbox', { name: 'Card number' }).fill(number);
  await cardFrame(page).getByRole('textbox', { name: 'Expiry date' }).fill('12/30');
  await cardFrame(page).getByRole('textbox', { name: 'Security code' }).fill('837');
  await cardFrame(page).getByRole('textbox', { name: 'Name on card' }).fill('Ada Lovelace');
}

/** The issuer's page: inside the proxy's wrapper page, inside the element's dialog frame. */
const challengeFrame = (page: Page) => page.frameLocator('iframe[title="3-D Secure verification"]').frameLocator('iframe#challenge');

test('a shopper pays by card in 3 installments after 3-D Secure in the frame', async ({ page, request }) => {
  const orderId = await openCardCheckout(page);
  await page.screenshot({ path: `${SCREENS}/directcard-1-card-form.png`, fullPage: true });
  await enterCard(page, '5421 1901 2209 0656');

  const installments = page.getByRole('radiogroup', { name: 'Installments' }).or(page.getByRole('group', { name: 'Installments' }));
  await expect(installments).toBeVisible();
  await expect(page.getByRole('radio', { name: /Single payment/ })).toBeChecked();
  await page.getByRole('radio', { name: /^3 ×/ }).check();
  await page.screenshot({ path: `${SCREENS}/directcard-2-installments.png`, fullPage: true });
  // The plan's total, interest included, as the button offers it: what the shopper agrees to pay.
  const payButton = page.getByRole('button', { name: /^Pay/ });
  const agreed = (await payButton.innerText()).replace(/^Pay\s+/, '').trim();

  await payButton.click();
  await expect(page.getByRole('dialog')).toBeVisible();
  const verify = challengeFrame(page).getByRole('button', { name: 'Complete verification' });
  await expect(verify).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/directcard-3-challenge.png`, fullPage: true });
  await verify.click();

  await expect(page.getByRole('heading', { name: 'Payment successful' })).toBeVisible();
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(page.getByText(`You paid ${agreed} in 3 installments.`)).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/directcard-4-success.png`, fullPage: true });
  const payments = await paymentsOfOrder(request, orderId);
  expect(payments.map((payment) => payment.status)).toEqual(['succeeded']);
  expect(payments[0]).toMatchObject({ amount: '1000.00', currency: 'TRY', installments: { count: 3 } });
  expect(agreed.replace(/\D/g, '')).toBe(String(payments[0]!.installments!.totalAmountMinor));
});

test('a declined card ends on a clear failure the shopper can retry from', async ({ page, request }) => {
  const orderId = await openCardCheckout(page);
  await enterCard(page, '4000 0000 0000 0002');
  await page.getByRole('button', { name: /^Pay/ }).click();
  await challengeFrame(page).getByRole('button', { name: 'Complete verification' }).click();
  await expect(page.getByRole('heading', { name: 'Payment failed' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Try another method' })).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/directcard-5-declined.png`, fullPage: true });
  expect((await paymentsOfOrder(request, orderId)).map((payment) => payment.status)).toEqual(['failed']);
});

test('a shopper who closes the 3-D Secure dialog is back on the methods, nothing charged', async ({ page, request }) => {
  const orderId = await openCardCheckout(page);
  await enterCard(page, '5421 1901 2209 0656');
  await page.getByRole('button', { name: /^Pay/ }).click();
  await expect(challengeFrame(page).getByRole('button', { name: 'Complete verification' })).toBeVisible();
  await page.getByRole('button', { name: 'Cancel payment' }).click();
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(page.getByText('Payment canceled. You can choose another method.')).toBeVisible();
  await expect(page.getByRole('radio', { name: 'Card', exact: true })).toBeVisible();
  const payments = await paymentsOfOrder(request, orderId);
  expect(payments.map((payment) => payment.status)).toEqual(['requires_action']);
});

test('Escape on the 3-D Secure dialog brings back the card as typed, the card frame loaded once', async ({ page }) => {
  let cardEntryLoads = 0;
  page.on('framenavigated', (frame) => {
    if (frame.url().includes('/api/checkout/card-entry')) cardEntryLoads += 1;
  });
  await openCardCheckout(page);
  await enterCard(page, '5421 1901 2209 0656');
  await page.getByRole('radio', { name: /^3 ×/ }).check();
  await page.getByRole('button', { name: /^Pay/ }).click();
  await expect(challengeFrame(page).getByRole('button', { name: 'Complete verification' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(page.getByText('Payment canceled. You can choose another method.')).toBeVisible();
  await expect(cardFrame(page).getByRole('textbox', { name: 'Card number' })).toHaveValue('5421 1901 2209 0656');
  await expect(cardFrame(page).getByRole('textbox', { name: 'Expiry date' })).toHaveValue('12 / 30');
  await expect(cardFrame(page).getByRole('textbox', { name: 'Name on card' })).toHaveValue('Ada Lovelace');
  await expect(page.getByRole('radio', { name: /^3 ×/ })).toBeChecked();
  await page.screenshot({ path: `${SCREENS}/directcard-6-after-escape.png`, fullPage: true });
  expect(cardEntryLoads).toBe(1);
});

/** Presses Tab (or Shift+Tab) until `target` has focus; fails after `limit` presses. */
async function tabTo(page: Page, target: Locator, { back = false, limit = 12 } = {}): Promise<void> {
  for (let press = 0; press < limit; press += 1) {
    if (await target.evaluate((element) => element === (element.getRootNode() as Document | ShadowRoot).activeElement).catch(() => false)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  await expect(target).toBeFocused();
}

test('a shopper pays by card in installments with the keyboard alone, across the card frame', async ({ page, request }) => {
  await page.goto('/');
  // The one programmatic step: focus the product's button, as a shopper tabbing through the shop would reach it.
  await page.getByRole('button', { name: 'Buy Copper cezve set' }).focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/checkout\/order_/);
  const orderId = page.url().split('/').at(-1)!;

  const method = page.getByRole('radio', { name: 'Card', exact: true });
  await expect(method).toBeVisible();
  await tabTo(page, method);
  await page.keyboard.press('Space');
  await expect(method).toBeChecked();

  // Tab goes from the method into the frame, field by field, and out again.
  const frame = cardFrame(page);
  const number = frame.getByRole('textbox', { name: 'Card number' });
  await expect(number).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(number).toBeFocused();
  await page.keyboard.type('5421190122090656');
  await expect(number).toHaveValue('5421 1901 2209 0656');
  await page.keyboard.press('Tab');
  await expect(frame.getByRole('textbox', { name: 'Expiry date' })).toBeFocused();
  await page.keyboard.type('1230');
  await page.keyboard.press('Tab');
  await expect(frame.getByRole('textbox', { name: 'Security code' })).toBeFocused();
  await page.keyboard.type('837');
  await page.keyboard.press('Tab');
  const name = frame.getByRole('textbox', { name: 'Name on card' });
  await expect(name).toBeFocused();
  await page.keyboard.type('Ada Lovelace');

  const single = page.getByRole('radio', { name: /Single payment/ });
  await expect(single).toBeChecked();
  await page.keyboard.press('Tab');
  await expect(single).toBeFocused();
  // Shift+Tab goes back into the frame, onto its last field.
  await page.keyboard.press('Shift+Tab');
  await expect(name).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(single).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('radio', { name: /^3 ×/ })).toBeChecked();
  await page.screenshot({ path: `${SCREENS}/directcard-6-keyboard.png`, fullPage: true });

  await page.keyboard.press('Tab');
  const pay = page.getByRole('button', { name: 'Pay TRY 1,035.00' });
  await expect(pay).toBeFocused();
  await page.keyboard.press('Enter');

  const verify = challengeFrame(page).getByRole('button', { name: 'Complete verification' });
  await expect(verify).toBeVisible();
  await tabTo(page, verify);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Payment successful' })).toBeVisible();
  const payments = await paymentsOfOrder(request, orderId);
  expect(payments.map((payment) => payment.status)).toEqual(['succeeded']);
});

test('Enter with a card field left empty puts focus on it, inside the frame, with its error', async ({ page }) => {
  await openCardCheckout(page);
  await cardFrame(page).getByRole('textbox', { name: 'Card number' }).fill('5421 1901 2209 0656');
  await cardFrame(page).getByRole('textbox', { name: 'Security code' }).fill('837');
  // Enter in a card field submits the element's form, as in any form.
  await cardFrame(page).getByRole('textbox', { name: 'Name on card' }).fill('Ada Lovelace');
  await cardFrame(page).getByRole('textbox', { name: 'Name on card' }).press('Enter');
  const expiry = cardFrame(page).getByRole('textbox', { name: 'Expiry date' });
  await expect(expiry).toBeFocused();
  await expect(expiry).toHaveAttribute('aria-invalid', 'true');
  await expect(expiry).toHaveAccessibleDescription('This field is required.');
  await page.screenshot({ path: `${SCREENS}/directcard-7-card-error.png`, fullPage: true });
});

test("the card frame takes the element's theme and language, and keeps out unsafe values", async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL: baseURL!, locale: 'tr-TR' });
  const page = await context.newPage();
  await page.goto('/');
  await page.getByRole('button', { name: /Copper cezve set/ }).click();
  await expect(page).toHaveURL(/\/checkout\/order_/);
  // As a merchant's stylesheet would: one color, and one value that tries to load something.
  await page.locator('pay-checkout').evaluate((element: HTMLElement) => {
    element.style.setProperty('--pay-color-border', 'rgb(1, 2, 3)');
    element.style.setProperty('--pay-radius', 'url(https://evil.example/x)');
  });
  await page.getByRole('radio', { name: 'Card', exact: true }).check();
  const frame = page.frameLocator('iframe[title="Kart bilgileri"]');
  const number = frame.getByRole('textbox', { name: 'Kart numarası' });
  await expect(number).toBeVisible();
  await expect(number).toHaveCSS('border-top-color', 'rgb(1, 2, 3)');
  await expect(number).toHaveCSS('border-top-left-radius', '8px');
  await expect(frame.locator('html')).toHaveAttribute('lang', 'tr');
  await page.screenshot({ path: `${SCREENS}/directcard-8-frame-tr-themed.png`, fullPage: true });
  await context.close();
});

test('a Turkish shopper reads a declined card in Turkish, without the provider English', async ({ browser, baseURL }) => {
  const messages = JSON.parse(readFileSync(new URL('../widget/locales/tr.json', import.meta.url), 'utf8')) as Record<string, string>;
  const context = await browser.newContext({ baseURL: baseURL!, locale: 'tr-TR' });
  const page = await context.newPage();
  await page.goto('/');
  await page.getByRole('button', { name: /Copper cezve set/ }).click();
  await expect(page).toHaveURL(/\/checkout\/order_/);
  await page.getByRole('radio', { name: 'Card', exact: true }).check();
  const frame = page.frameLocator('iframe[title="Kart bilgileri"]');
  await frame.getByRole('textbox', { name: 'Kart numarası' }).fill('4000 0000 0000 0002');
  await frame.getByRole('textbox', { name: 'Son kullanma tarihi' }).fill('12/30');
  await frame.getByRole('textbox', { name: 'Güvenlik kodu' }).fill('837');
  await frame.getByRole('textbox', { name: 'Kart üzerindeki isim' }).fill('Ada Lovelace');
  await page.getByRole('button', { name: /Öde$/ }).click();
  // The dialog's frame is titled in Turkish; the issuer's page inside is the simulator's own, in English.
  await page
    .frameLocator(`iframe[title="${messages.frameTitle3ds}"]`)
    .frameLocator('iframe#challenge')
    .getByRole('button', { name: 'Complete verification' })
    .click();

  const result = page.locator('pay-checkout').locator('[part="result"]');
  await expect(result.getByRole('heading', { name: messages.failureTitle! })).toBeVisible();
  await expect(result.locator('[part="result-message"]')).toHaveText(messages.errorCardDeclined!);
  await expect(result).not.toContainText('declined');
  await page.screenshot({ path: `${SCREENS}/directcard-9-declined-tr.png`, fullPage: true });
  await context.close();
});
