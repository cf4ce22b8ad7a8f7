import { expect, test } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StorageUnavailableError } from '../server/store/storage-unavailable.js';
import { merchantCall, widgetCall } from '../server/testing/api-calls.js';
import { SHOP_ORIGIN, startProxy, type ProxyHarness } from '../server/testing/proxy-harness.js';

/**
 * A shopper pays on a provider's page (MilkyPay's hosted page top-level, HankoPay's link in a
 * frame) while the proxy's database is failing, and comes back to the proxy's return route. The
 * demo server of the other specs cannot lose its database on demand, so this spec runs its own
 * proxy (the integration tests' harness, on loopback ports) and makes its store fail in-process:
 * a hook only a test holds. The merchant's return page is a routed page on the returnUrl.
 */
const SCREENS = 'test-results/screens';

let proxy: ProxyHarness;
/** A merchant page on a loopback origin of its own, where the element's frame is framed as on a shop's site. */
let shop: { server: Server; origin: string; page: string };
test.beforeAll(async () => {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(shop.page));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  shop = { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, page: '' };
  proxy = await startProxy({ env: { ALLOWED_ORIGINS: `${SHOP_ORIGIN},${shop.origin}` } });
});
test.afterAll(async () => {
  await proxy.close();
  shop.server.closeAllConnections();
  await new Promise((resolve) => shop.server.close(resolve));
});

/** Every read of a payment fails as an unavailable database makes it fail, until `recover()`. */
function failPaymentReads(): { recover(): void } {
  const store = proxy.store as unknown as Record<string, unknown>;
  store.getPayment = () => Promise.reject(new StorageUnavailableError(new Error('connect ECONNREFUSED')));
  return { recover: () => void delete store.getPayment };
}

test('a shopper back from the hosted page during a database outage is told the payment is being confirmed, then lands on the shop by itself', async ({ page }) => {
  const orderId = `order-${Date.now()}`;
  const session = await merchantCall(proxy.url, 'POST', '/api/sessions', { orderId, amount: '48.00', currency: 'USD', returnUrl: `${SHOP_ORIGIN}/return?orderId=${orderId}` });
  expect(session.status).toBe(201);
  const paid = await widgetCall(proxy.url, 'POST', '/api/checkout/payments', session.body.token, { key: 'k', body: { methodId: 'milkypay:payment_card_usd_hpp' } });
  expect(paid.body.payment.action.type).toBe('redirect');
  await page.route(`${SHOP_ORIGIN}/**`, (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>Shop</title><h1>Thank you for your order</h1>' }),
  );

  await page.goto(paid.body.payment.action.url);
  const outage = failPaymentReads();
  await page.getByRole('button', { name: 'Approve payment' }).click();

  await expect(page).toHaveURL(new RegExp(`/api/checkout/return/${paid.body.payment.id}`));
  await expect(page.getByRole('heading', { name: 'Confirming your payment' })).toBeVisible();
  await expect(page.getByText('We are confirming your payment. Please do not pay again: this page will continue by itself in a few seconds.')).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/return-outage-1-confirming.png`, fullPage: true });
  // It tries again by itself while the outage lasts, and keeps saying the same.
  await expect(page).toHaveURL(/returnAttempt=2/, { timeout: 6_000 });
  await expect(page.getByRole('heading', { name: 'Confirming your payment' })).toBeVisible();

  outage.recover();
  await expect(page).toHaveURL(`${SHOP_ORIGIN}/return?orderId=${orderId}&paymentId=${paid.body.payment.id}`, { timeout: 15_000 });
  await expect(page.getByRole('heading', { name: 'Thank you for your order' })).toBeVisible();
  const payment = await merchantCall(proxy.url, 'GET', `/api/payments/${paid.body.payment.id}`);
  expect(payment.body.status).toBe('succeeded');
});

test("a framed return during the outage stays in the element's frame and tells the element once the database is back", async ({ page }) => {
  const session = await merchantCall(proxy.url, 'POST', '/api/sessions', { orderId: `order-${Date.now()}`, amount: '35.00', currency: 'USD', provider: 'hankopay', returnUrl: `${SHOP_ORIGIN}/return` });
  const card = { number: '4111111111111111', expiryMonth: '12', expiryYear: '30', securityCode: '123', holderName: 'Ada Lovelace' };
  const paid = await widgetCall(proxy.url, 'POST', '/api/checkout/payments', session.body.token, { key: 'k', body: { methodId: 'hankopay:card', card } });
  expect(paid.body.payment.action.type).toBe('iframe');
  // The merchant's page, framing the payment link as the element does, and hearing the frame's message.
  shop.page = `<!doctype html><title>Shop</title><style>iframe{width:480px;height:360px;border:1px solid #d1d5db}</style>
    <iframe title="Payment" src="${paid.body.payment.action.url}"></iframe><p>Heard: <output id="heard"></output></p>
    <script>addEventListener('message', (event) => { document.getElementById('heard').textContent = JSON.stringify(event.data); });</script>`;
  await page.goto(`${shop.origin}/checkout`);
  const frame = page.frameLocator('iframe[title="Payment"]');
  const outage = failPaymentReads();
  await frame.getByRole('button', { name: 'Pay', exact: true }).click();

  await expect(frame.getByRole('heading', { name: 'Confirming your payment' })).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/return-outage-2-framed.png` });
  outage.recover();
  await expect(page.locator('#heard')).toHaveText(JSON.stringify({ type: 'pay-checkout:return', paymentId: paid.body.payment.id }), { timeout: 15_000 });
});
