import { expect, test, type Page } from '@playwright/test';

/** The card inputs, in the proxy's card-entry frame. */
const cardFields = (page: Page) => page.frameLocator('iframe[title="Card details"]');

/**
 * The README's screenshots: each provider's flow (MilkyPay, directcard, HankoPay, Payment Hub, HPAY) in a narrow window. Written to
 * test-results/screens/docs/, or to docs/screens/ (committed) with DOCS_SCREENS=1.
 */

const DIR = process.env.DOCS_SCREENS ? 'docs/screens' : 'test-results/screens/docs';
test.use({ viewport: { width: 560, height: 760 } });

const shot = (page: Page, name: string) => page.screenshot({ path: `${DIR}/${name}.png` });

async function buy(page: Page, product: string): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: `Buy ${product}` }).click();
  await expect(page.getByRole('radio').first()).toBeVisible();
}

test('MilkyPay: methods, hosted page, success', async ({ page }) => {
  await buy(page, 'Ceramic pour-over set');
  await page.getByRole('radio', { name: /Payment card/ }).check();
  await shot(page, 'milkypay-1-methods');
  await page.getByRole('button', { name: 'Pay $48.00' }).click();
  await expect(page.getByRole('button', { name: 'Approve payment' })).toBeVisible();
  await shot(page, 'milkypay-2-hosted-page');
  await page.getByRole('button', { name: 'Approve payment' }).click();
  await expect(page.getByRole('heading', { name: 'Payment successful' })).toBeVisible();
  await page.getByRole('heading', { name: 'Payment successful' }).scrollIntoViewIfNeeded();
  await shot(page, 'milkypay-3-success');
});

test('directcard: card with installments, 3-D Secure', async ({ page }) => {
  await buy(page, 'Copper cezve set');
  await page.getByRole('radio', { name: 'Card', exact: true }).check();
  await cardFields(page).getByRole('textbox', { name: 'Card number' }).fill('5421 1901 2209 0656');
  await cardFields(page).getByRole('textbox', { name: 'Expiry date' }).fill('12/30');
  await cardFields(page).getByRole('textbox', { name: 'Security code' }).fill('837');
  await cardFields(page).getByRole('textbox', { name: 'Name on card' }).fill('Ada Lovelace');
  await page.getByRole('radio', { name: /^3 ×/ }).check();
  await cardFields(page).getByRole('textbox', { name: 'Card number' }).scrollIntoViewIfNeeded();
  await shot(page, 'directcard-1-installments');
  await page.getByRole('button', { name: /^Pay/ }).click();
  const verify = page.frameLocator('iframe[title="3-D Secure verification"]').frameLocator('iframe#challenge').getByRole('button', { name: 'Complete verification' });
  await expect(verify).toBeVisible();
  await shot(page, 'directcard-2-3ds');
  await verify.click();
  await expect(page.getByRole('heading', { name: 'Payment successful' })).toBeVisible();
});

test('HankoPay: the payment page in the dialog', async ({ page }) => {
  await buy(page, 'Espresso tamper');
  await cardFields(page).getByRole('textbox', { name: 'Card number' }).fill('4111 1111 1111 1111');
  await cardFields(page).getByRole('textbox', { name: 'Expiry date' }).fill('12/30');
  await cardFields(page).getByRole('textbox', { name: 'Security code' }).fill('123');
  await cardFields(page).getByRole('textbox', { name: 'Name on card' }).fill('Grace Hopper');
  await page.getByRole('button', { name: 'Pay $35.00' }).click();
  const pay = page.frameLocator('iframe[title="Payment page"]').getByRole('button', { name: 'Pay', exact: true });
  await expect(pay).toBeVisible();
  await shot(page, 'hankopay-1-payment-page');
  await pay.click();
  await expect(page.getByRole('heading', { name: 'Payment successful' })).toBeVisible();
});

test('Payment Hub: methods of the vendors, a vendor page in the dialog', async ({ page }) => {
  await buy(page, 'Kintamani Arabica, 500 g');
  await page.getByRole('radio', { name: 'QRIS', exact: true }).check();
  await shot(page, 'paymenthub-1-methods');
  await page.getByRole('button', { name: /^Pay .*150,000/ }).click();
  const pay = page.frameLocator('iframe[title="Payment page"]').getByRole('button', { name: 'Pay', exact: true });
  await expect(pay).toBeVisible();
  await shot(page, 'paymenthub-2-vendor-page');
  await pay.click();
  await expect(page.getByRole('heading', { name: 'Payment successful' })).toBeVisible();
});

test('HPAY: hosted checkout, and the themes', async ({ page }) => {
  await buy(page, 'Maple-wood coffee scoop');
  await page.getByRole('button', { name: 'Pay CA$18.00' }).click();
  await expect(page.getByRole('button', { name: 'Pay', exact: true })).toBeVisible();
  await shot(page, 'hpay-1-hosted-page');
  await page.getByRole('button', { name: 'Pay', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Payment successful' })).toBeVisible();
  await page.getByRole('radio', { name: 'Dark' }).check();
  await page.locator('pay-checkout').scrollIntoViewIfNeeded();
  await shot(page, 'theme-dark-success');
});
