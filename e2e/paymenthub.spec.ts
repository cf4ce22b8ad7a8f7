import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { paymentsOfOrder } from './merchant-api.js';

const SCREENS = 'test-results/screens';

/** WCAG 2.1 A and AA rules, as e2e/accessibility.spec.ts runs them (frames included). */
async function expectNoViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** Buys the demo's Payment Hub product (IDR): the vendors' methods for rupiah are offered. */
async function openPaymentHubCheckout(page: Page, product = 'Kintamani Arabica, 500 g'): Promise<string> {
  await page.goto('/');
  await page.getByRole('button', { name: `Buy ${product}` }).click();
  await expect(page).toHaveURL(/\/checkout\/order_/);
  return page.url().split('/').at(-1)!;
}

/** The vendor's page, framed in the element's dialog. */
const vendorFrame = (page: Page) => page.frameLocator('iframe[title="Payment page"]');
const payButton = (page: Page) => page.getByRole('button', { name: /^Pay .*150,000/ });

test('a shopper pays with QRIS on the framed Xendit page and sees success', async ({ page, request }) => {
  const orderId = await openPaymentHubCheckout(page);
  for (const name of ['QRIS', 'OVO', 'Credit card', 'ShopeePay', 'Stripe']) await expect(page.getByRole('radio', { name, exact: true })).toBeVisible();
  await page.getByRole('radio', { name: 'QRIS', exact: true }).check();
  await page.screenshot({ path: `${SCREENS}/paymenthub-1-methods.png`, fullPage: true });
  await expectNoViolations(page);
  await payButton(page).click();

  const dialog = page.getByRole('dialog', { name: 'Payment page' });
  await expect(dialog).toBeVisible();
  const frame = vendorFrame(page);
  await expect(frame.getByRole('heading', { name: 'Pay 150,000.00 IDR' })).toBeVisible();
  await expect(frame.getByText('Method: QRIS')).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/paymenthub-2-framed-vendor-page.png`, fullPage: true });
  await expectNoViolations(page);
  await frame.getByRole('button', { name: 'Pay', exact: true }).click();

  await expect(page.getByRole('heading', { name: 'Payment successful' })).toBeVisible();
  await expect(dialog).toBeHidden();
  await expect(page).toHaveURL(new RegExp(`/checkout/${orderId}$`));
  await page.screenshot({ path: `${SCREENS}/paymenthub-3-success.png`, fullPage: true });
  await expectNoViolations(page);

  const payments = await paymentsOfOrder(request, orderId);
  expect(payments).toHaveLength(1);
  expect(payments[0]).toMatchObject({ status: 'succeeded', amount: '150000.00', currency: 'IDR', methodId: expect.stringMatching(/^paymenthub:[0-9a-f]{24}\.QRIS$/) });
  // The webhook, the framed return and the element's polling all signal it; it moves once.
  expect(payments[0]!.events.filter((event) => event.toStatus === 'succeeded')).toHaveLength(1);
});

test('the long list of methods is grouped by kind and stays one radio group for the keyboard', async ({ page }) => {
  await openPaymentHubCheckout(page);
  const methods = page.getByRole('group', { name: 'Payment method' });
  // The groups in their fixed order, each named by its heading.
  await expect(methods.locator('[part="method-group-title"]')).toHaveText(['Cards', 'Bank transfer', 'E-wallets', 'Other ways to pay']);
  const cards = methods.getByRole('group', { name: 'Cards', exact: true });
  const banks = methods.getByRole('group', { name: 'Bank transfer', exact: true });
  await expect(cards.getByRole('radio', { name: 'Credit card', exact: true })).toBeVisible();
  await expect(banks.getByRole('radio', { name: 'BCA virtual account', exact: true })).toBeVisible();
  await expect(methods.getByRole('group', { name: 'E-wallets', exact: true }).getByRole('radio', { name: 'OVO', exact: true })).toBeVisible();

  // ArrowDown from the last card reaches the first bank transfer: one native group across headings.
  const lastCard = cards.getByRole('radio').last();
  const firstBank = banks.getByRole('radio').first();
  await lastCard.check();
  await expect(lastCard).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(firstBank).toBeFocused();
  await expect(firstBank).toBeChecked();
  await page.keyboard.press('ArrowUp');
  await expect(lastCard).toBeChecked();
  await expectNoViolations(page);
});

test('a shopper pays on the Stripe page top-level and comes back to the shop’s return page', async ({ page, request }) => {
  const orderId = await openPaymentHubCheckout(page);
  await page.getByRole('radio', { name: 'Stripe', exact: true }).check();
  await payButton(page).click();

  // Stripe's page refuses framing: the shopper leaves the shop for it.
  await expect(page).toHaveURL(/\/simulators\/paymenthub\/pay\/[0-9a-f]{24}$/);
  await expect(page.getByRole('heading', { name: 'Pay 150,000.00 IDR' })).toBeVisible();
  await expect(page.getByText('Stripe', { exact: true })).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/paymenthub-4-stripe-top-level.png`, fullPage: true });
  await expectNoViolations(page);
  await page.getByRole('button', { name: 'Pay', exact: true }).click();

  await expect(page).toHaveURL(new RegExp(`/return\\?orderId=${orderId}&paymentId=pay_`));
  await expect(page.getByRole('heading', { name: 'Thank you for your order' })).toBeVisible();
  await expect(page.getByTestId('backend-status')).toHaveText('succeeded');
  await expect(page.getByRole('heading', { name: 'Payment successful' })).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/paymenthub-5-stripe-returned.png`, fullPage: true });
  await expectNoViolations(page);

  const payments = await paymentsOfOrder(request, orderId);
  expect(payments.map((payment) => payment.status)).toEqual(['succeeded']);
});

test('a shopper who cancels on the framed vendor page sees it canceled and can choose again', async ({ page, request }) => {
  const orderId = await openPaymentHubCheckout(page);
  await page.getByRole('radio', { name: 'OVO', exact: true }).check();
  await payButton(page).click();
  const cancel = vendorFrame(page).getByRole('button', { name: 'Cancel', exact: true });
  await expect(cancel).toBeVisible();
  await cancel.click();

  // Payment Hub writes it "expired" ("expired or canceled"); before its ExpiredAt, that is a cancel.
  await expect(page.getByRole('heading', { name: 'Payment canceled' })).toBeVisible();
  await expect(page.getByRole('dialog', { name: 'Payment page' })).toBeHidden();
  await expect(page.getByRole('button', { name: 'Try another method' })).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/paymenthub-6-canceled.png`, fullPage: true });
  await expectNoViolations(page);

  const payments = await paymentsOfOrder(request, orderId);
  expect(payments.map((payment) => payment.status)).toEqual(['canceled']);
});

test('the shared payment page offers the merchant’s options, each in its currency', async ({ page, request }) => {
  const orderId = await openPaymentHubCheckout(page, 'Java gift box');
  await expect(page.getByRole('radio', { name: 'Choose on the payment page' })).toBeChecked();
  await page.getByRole('button', { name: /^Pay .*450,000/ }).click();

  const frame = vendorFrame(page);
  await expect(frame.getByRole('heading', { name: 'Choose how to pay' })).toBeVisible();
  await expect(frame.getByRole('button', { name: /ShopeePay\s*450,000.00 IDR/ })).toBeVisible();
  await expect(frame.getByRole('button', { name: /Card in US dollars\s*28.30 USD/ })).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/paymenthub-7-shared-page.png`, fullPage: true });
  await expectNoViolations(page);
  await frame.getByRole('button', { name: /ShopeePay/ }).click();
  await expect(frame.getByText('Method: SHOPEEPAY')).toBeVisible();
  await frame.getByRole('button', { name: 'Pay', exact: true }).click();

  await expect(page.getByRole('heading', { name: 'Payment successful' })).toBeVisible();
  const payments = await paymentsOfOrder(request, orderId);
  expect(payments[0]).toMatchObject({ status: 'succeeded', methodId: 'paymenthub:shared-page' });
});
