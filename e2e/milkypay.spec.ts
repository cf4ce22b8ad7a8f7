import { expect, test, type Page } from '@playwright/test';
import { paymentsOfOrder } from './merchant-api.js';

const SCREENS = 'test-results/screens';

async function openCheckout(page: Page, product: string): Promise<string> {
  await page.goto('/');
  await page.getByRole('button', { name: `Buy ${product}` }).click();
  await expect(page).toHaveURL(/\/checkout\/order_/);
  const orderId = page.url().split('/').at(-1)!;
  await expect(page.getByRole('radiogroup', { name: 'Payment method' }).or(page.getByRole('group', { name: 'Payment method' }))).toBeVisible();
  return orderId;
}

test('a shopper pays by card on the hosted page and sees success', async ({ page, request }) => {
  const orderId = await openCheckout(page, 'Ceramic pour-over set');
  await page.screenshot({ path: `${SCREENS}/milkypay-1-methods.png`, fullPage: true });

  await page.getByRole('radio', { name: /Payment card/ }).check();
  await expect(page.locator('#event-log')).toContainText('pay-method-select {"methodId":"milkypay:payment_card_usd_hpp"}');
  await page.getByRole('button', { name: 'Pay $48.00' }).click();

  await expect(page).toHaveURL(/\/simulators\/milkypay\/hpp\//);
  await page.screenshot({ path: `${SCREENS}/milkypay-2-hosted-page.png`, fullPage: true });
  await page.getByRole('button', { name: 'Approve payment' }).click();

  await expect(page).toHaveURL(new RegExp(`/return\\?orderId=${orderId}&paymentId=pay_`));
  await expect(page.getByRole('heading', { name: 'Payment successful' })).toBeVisible();
  await expect(page.getByTestId('backend-status')).toHaveText('succeeded');
  await expect(page.locator('#event-log')).toContainText('pay-complete');
  await expect(page.locator('#event-log')).toContainText('"status":"succeeded"');
  await page.screenshot({ path: `${SCREENS}/milkypay-3-success.png`, fullPage: true });

  const payments = await paymentsOfOrder(request, orderId);
  expect(payments).toHaveLength(1);
  expect(payments[0]).toMatchObject({ status: 'succeeded', amount: '48.00', currency: 'USD' });
  // The callback and the shopper's return both signal the outcome; the payment moves to succeeded once.
  expect(payments[0]!.events.filter((event) => event.toStatus === 'succeeded')).toHaveLength(1);
});

test('a shopper fills the extra field, declines on the hosted page and sees failure', async ({ page, request }) => {
  const orderId = await openCheckout(page, 'Single-origin beans, 1 kg');
  await page.getByRole('radio', { name: /^Test/ }).check();

  const status = page.getByRole('textbox', { name: 'Status' });
  await expect(status).toBeVisible();
  await status.fill('not valid!');
  await page.getByRole('button', { name: /^Pay €24\.50/ }).click();
  await expect(status).toHaveAttribute('aria-invalid', 'true');
  await expect(status).toBeFocused();
  await page.screenshot({ path: `${SCREENS}/milkypay-4-field-error.png`, fullPage: true });

  await status.fill('declined');
  await page.getByRole('button', { name: /^Pay €24\.50/ }).click();
  // The test service answers with flow_data: the element submits the form to the hosted page.
  await expect(page).toHaveURL(/\/simulators\/milkypay\/hpp\//);
  await page.getByRole('button', { name: 'Decline payment' }).click();

  await expect(page.getByRole('heading', { name: 'Payment failed' })).toBeVisible();
  await expect(page.getByTestId('backend-status')).toHaveText('failed');
  await page.screenshot({ path: `${SCREENS}/milkypay-5-failure.png`, fullPage: true });

  const payments = await paymentsOfOrder(request, orderId);
  expect(payments.map((payment) => payment.status)).toEqual(['failed']);
  expect(payments[0]).toMatchObject({ amount: '24.50', currency: 'EUR' });
});
