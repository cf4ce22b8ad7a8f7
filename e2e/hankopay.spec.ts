import { expect, test, type Page } from '@playwright/test';
import { paymentsOfOrder } from './merchant-api.js';

/** The card inputs: in the proxy's own frame, out of the merchant page's reach. */
const cardFrame = (page: Page) => page.frameLocator('iframe[title="Card details"]');

const SCREENS = 'test-results/screens';

/** Opens the demo's HankoPay product, where the card method is the only one. */
async function openCardCheckout(page: Page): Promise<string> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Buy Espresso tamper' }).click();
  await expect(page).toHaveURL(/\/checkout\/order_/);
  const orderId = page.url().split('/').at(-1)!;
  // The session's only method (hankopay:card): the element chooses it by itself, without pay-method-select.
  await expect(page.getByRole('radio', { name: 'Card', exact: true })).toBeChecked();
  return orderId;
}

/** The document's card: HankoPay answers pending with a paymentLink. */
async function enterCard(page: Page): Promise<void> {
  await cardFrame(page).getByRole('textbox', { name: 'Card number' }).fill('4111 1111 1111 1111');
  await cardFrame(page).getByRole('textbox', { name: 'Expiry date' }).fill('12/30');
  await cardFrame(page).getByRole('textbox', { name: 'Security code' }).fill('123');
  await cardFrame(page).getByRole('textbox', { name: 'Name on card' }).fill('Grace Hopper');
}

/** HankoPay's page, framed in the element's dialog (the title the dialog gives `iframe` actions). */
const hankoPayFrame = (page: Page) => page.frameLocator('iframe[title="Payment page"]');

test('a shopper pays by card, confirms on the framed HankoPay page and sees success', async ({ page, request }) => {
  const orderId = await openCardCheckout(page);
  await enterCard(page);
  await page.screenshot({ path: `${SCREENS}/hankopay-1-card-form.png`, fullPage: true });
  await page.getByRole('button', { name: 'Pay $35.00' }).click();

  const dialog = page.getByRole('dialog', { name: 'Payment page' });
  await expect(dialog).toBeVisible();
  const frame = hankoPayFrame(page);
  await expect(frame.getByRole('heading', { name: 'Confirm your payment' })).toBeVisible();
  await expect(frame.getByText('35.00 USD')).toBeVisible();
  await expect(frame.getByText('411111******1111')).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/hankopay-2-framed-page.png`, fullPage: true });
  await frame.getByRole('button', { name: 'Pay', exact: true }).click();

  await expect(page.getByRole('heading', { name: 'Payment successful' })).toBeVisible();
  await expect(dialog).toBeHidden();
  // The framed flow stays on the checkout page: no top-level navigation.
  await expect(page).toHaveURL(new RegExp(`/checkout/${orderId}$`));
  await expect(page.locator('#event-log')).toContainText('"status":"succeeded"');
  await page.screenshot({ path: `${SCREENS}/hankopay-3-success.png`, fullPage: true });

  const payments = await paymentsOfOrder(request, orderId);
  expect(payments).toHaveLength(1);
  expect(payments[0]).toMatchObject({ status: 'succeeded', amount: '35.00', currency: 'USD' });
  // The callback, the framed return and the element's polling all signal it; it moves once.
  expect(payments[0]!.events.filter((event) => event.toStatus === 'succeeded')).toHaveLength(1);
});

test('a shopper who cancels on the framed HankoPay page sees the payment canceled and can retry', async ({ page, request }) => {
  const orderId = await openCardCheckout(page);
  await enterCard(page);
  await page.getByRole('button', { name: 'Pay $35.00' }).click();

  const dialog = page.getByRole('dialog', { name: 'Payment page' });
  const cancel = hankoPayFrame(page).getByRole('button', { name: 'Cancel', exact: true });
  await expect(cancel).toBeVisible();
  await cancel.click();

  // HankoPay's `cancelled` is our `canceled`: a final failure, shown as such.
  await expect(page.getByRole('heading', { name: 'Payment canceled' })).toBeVisible();
  await expect(page.getByText('The payment was canceled.')).toBeVisible();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('button', { name: 'Try another method' })).toBeVisible();
  await expect(page.locator('#event-log')).toContainText('"status":"canceled"');
  await page.screenshot({ path: `${SCREENS}/hankopay-4-canceled.png`, fullPage: true });

  const payments = await paymentsOfOrder(request, orderId);
  expect(payments.map((payment) => payment.status)).toEqual(['canceled']);
  expect(payments[0]).toMatchObject({ amount: '35.00', currency: 'USD' });

  // Nothing moved: the shopper may choose the card again.
  await page.getByRole('button', { name: 'Try another method' }).click();
  await expect(page.getByRole('radio', { name: 'Card', exact: true })).toBeVisible();
});

test('a session renewed while the HankoPay page is open keeps the payment, which ends once', async ({ page, request, baseURL }) => {
  await page.addInitScript(() => {
    const seen: string[] = ((window as unknown as { payEvents: string[] }).payEvents = []);
    document.addEventListener('pay-complete', (event) => seen.push((event as CustomEvent<{ status: string }>).detail.status));
  });
  const orderId = await openCardCheckout(page);
  await enterCard(page);
  await page.getByRole('button', { name: 'Pay $35.00' }).click();
  const dialog = page.getByRole('dialog', { name: 'Payment page' });
  const frame = hankoPayFrame(page);
  await expect(frame.getByRole('heading', { name: 'Confirm your payment' })).toBeVisible();

  // What docs/integration.md §6 tells the page to do on pay-session-expiring: a new session for the same order.
  const response = await request.post('/api/sessions', {
    headers: { authorization: `Bearer ${process.env.E2E_MERCHANT_API_KEY}` },
    data: { orderId, amount: '35.00', currency: 'USD', provider: 'hankopay', returnUrl: `${baseURL}/return?orderId=${orderId}` },
  });
  const { token } = (await response.json()) as { token: string };
  const renewed = page.waitForResponse((answer) => answer.url().includes('/api/checkout?') || answer.url().endsWith('/api/checkout'));
  await page.locator('pay-checkout').evaluate((element, value) => element.setAttribute('session', value), token);
  await renewed;
  await page.waitForTimeout(500);
  await expect(dialog).toBeVisible();
  await expect(frame.getByRole('heading', { name: 'Confirm your payment' })).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/hankopay-5-renewed-during-page.png`, fullPage: true });

  await frame.getByRole('button', { name: 'Pay', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Payment successful' })).toBeVisible();
  await expect(dialog).toBeHidden();
  expect(await page.evaluate(() => (window as unknown as { payEvents: string[] }).payEvents)).toEqual(['succeeded']);
  const payments = await paymentsOfOrder(request, orderId);
  expect(payments.map((payment) => payment.status)).toEqual(['succeeded']);
});
