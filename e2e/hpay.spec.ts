import { expect, test, type Page } from '@playwright/test';
import { paymentsOfOrder } from './merchant-api.js';

const SCREENS = 'test-results/screens';

/** Buys the demo's HPAY product (CAD, the sandbox account's currency), where HPAY's hosted method is the only one. */
async function openHpayCheckout(page: Page): Promise<string> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Buy Maple-wood coffee scoop' }).click();
  await expect(page).toHaveURL(/\/checkout\/order_/);
  const orderId = page.url().split('/').at(-1)!;
  // The session's only method (hpay:hosted): the element chooses it by itself, without pay-method-select.
  await expect(page.getByRole('radio', { name: 'HPAY', exact: true })).toBeChecked();
  return orderId;
}

/** Pays and lands top-level on HPAY's hosted page. */
async function goToHostedPage(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Pay CA$18.00' }).click();
  await expect(page).toHaveURL(/\/simulators\/hpay\/checkout\/?\?ref=/);
  await expect(page.getByRole('heading', { name: 'Pay 18.00 CAD' })).toBeVisible();
  await expect(page.getByText('Maple-wood coffee scoop')).toBeVisible();
}

test('a shopper pays on the HPAY hosted page and sees success back in the shop', async ({ page, request }) => {
  const orderId = await openHpayCheckout(page);
  await page.screenshot({ path: `${SCREENS}/hpay-1-methods.png`, fullPage: true });
  await goToHostedPage(page);
  await page.screenshot({ path: `${SCREENS}/hpay-2-hosted-page.png`, fullPage: true });
  await page.getByRole('button', { name: 'Pay', exact: true }).click();

  await expect(page).toHaveURL(new RegExp(`/return\\?orderId=${orderId}&paymentId=pay_`));
  await expect(page.getByRole('heading', { name: 'Payment successful' })).toBeVisible();
  await expect(page.getByTestId('backend-status')).toHaveText('succeeded');
  await expect(page.locator('#event-log')).toContainText('"status":"succeeded"');
  await page.screenshot({ path: `${SCREENS}/hpay-3-success.png`, fullPage: true });

  const payments = await paymentsOfOrder(request, orderId);
  expect(payments).toHaveLength(1);
  expect(payments[0]).toMatchObject({ status: 'succeeded', amount: '18.00', currency: 'CAD' });
  // The notification and the shopper's return both signal it; the payment moves to succeeded once.
  expect(payments[0]!.events.filter((event) => event.toStatus === 'succeeded')).toHaveLength(1);
});

test('a shopper who cancels on the HPAY page comes back to an unfinished payment to continue', async ({ page, request }) => {
  const orderId = await openHpayCheckout(page);
  await goToHostedPage(page);
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();

  await expect(page).toHaveURL(new RegExp(`/return\\?orderId=${orderId}&paymentId=pay_`));
  // HPAY has no canceled word: the transaction stays UNPAID and payable, so the payment keeps
  // waiting for the shopper, who may go back to HPAY's page or choose another method.
  await expect(page.getByTestId('backend-status')).toHaveText('requires_action');
  await expect(page.getByText('You have a payment that is not finished.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Continue payment' })).toBeVisible();
  await expect(page.getByRole('radio', { name: 'HPAY', exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Payment successful' })).toHaveCount(0);
  await page.screenshot({ path: `${SCREENS}/hpay-4-canceled.png`, fullPage: true });

  const payments = await paymentsOfOrder(request, orderId);
  expect(payments.map((payment) => payment.status)).toEqual(['requires_action']);
  expect(payments[0]).toMatchObject({ amount: '18.00', currency: 'CAD' });

  // "Continue payment" sends the shopper back to the same HPAY transaction.
  await page.getByRole('button', { name: 'Continue payment' }).click();
  await expect(page).toHaveURL(/\/simulators\/hpay\/checkout\/?\?ref=/);
  await expect(page.getByRole('heading', { name: 'Pay 18.00 CAD' })).toBeVisible();
});
