import { expect, test, type Page, type Route } from '@playwright/test';
import { paymentsOfOrder } from './merchant-api.js';

/**
 * What the shopper sees while waiting: a skeleton while the methods load, a spinner with words
 * on the pay button, a message while the provider's confirmation is awaited, and what to do when
 * that takes long. The proxy's answers are held back (or, for the long wait, kept pending) with
 * Playwright's routing, so each wait can be looked at.
 */

const SCREENS = 'test-results/screens';

/** Holds requests matching `pattern` until the returned function is called. */
async function holdBack(page: Page, pattern: RegExp, method = 'GET'): Promise<() => void> {
  const held: Route[] = [];
  let released = false;
  await page.route(pattern, (route) => {
    if (released || route.request().method() !== method) return route.fallback();
    held.push(route);
  });
  return () => {
    released = true;
    for (const route of held) void route.fallback();
  };
}

async function buyBeans(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Buy Single-origin beans, 1 kg' }).click();
}

test('a skeleton while the methods load, announced in words', async ({ page }) => {
  const release = await holdBack(page, /\/api\/checkout(\?|$)/);
  await buyBeans(page);
  const skeleton = page.locator('pay-checkout [part~="skeleton"]');
  await expect(skeleton).toBeVisible();
  await expect(skeleton).toHaveAttribute('role', 'status');
  await expect(skeleton).toContainText('Loading payment methods…');
  await page.screenshot({ path: `${SCREENS}/progress-1-skeleton.png`, fullPage: true });
  release();
  await expect(skeleton).toHaveCount(0);
  await expect(page.getByRole('radio', { name: /^Test/ })).toBeVisible();
});

test('"Try again" after a failed load puts focus on the methods it brings', async ({ page }) => {
  let failing = true;
  await page.route(/\/api\/checkout(\?|$)/, (route) => (failing ? route.abort('connectionrefused') : route.fallback()));
  await buyBeans(page);
  const retry = page.getByRole('button', { name: 'Try again' });
  await expect(retry).toBeVisible();
  failing = false;
  await retry.click();
  await expect(page.locator('pay-checkout').getByRole('radio').first()).toBeFocused();
  await page.screenshot({ path: `${SCREENS}/progress-5-after-retry.png`, fullPage: true });
});

test('a spinner with words on the pay button while paying', async ({ page }) => {
  await buyBeans(page);
  await page.getByRole('radio', { name: /^Test/ }).check();
  await page.getByRole('textbox', { name: 'Status' }).fill('approved');
  const release = await holdBack(page, /\/api\/checkout\/payments$/, 'POST');
  await page.getByRole('button', { name: /^Pay/ }).click();
  const button = page.getByRole('button', { name: 'Processing…' });
  await expect(button).toBeDisabled();
  await expect(button.locator('[part~="spinner"]')).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/progress-2-paying.png`, fullPage: true });
  release();
  await expect(page).toHaveURL(/\/simulators\/milkypay\/hpp\//);
});

test('the pay button keeps keyboard focus while paying, and Enter on it again pays nothing more', async ({ page, request }) => {
  await buyBeans(page);
  const orderId = page.url().split('/').at(-1)!;
  await page.getByRole('radio', { name: /^Test/ }).check();
  await page.getByRole('textbox', { name: 'Status' }).fill('approved');
  const release = await holdBack(page, /\/api\/checkout\/payments$/, 'POST');
  await page.getByRole('button', { name: /^Pay/ }).focus();
  await page.keyboard.press('Enter');
  // A disabled button drops focus onto the page, where a screen reader starts reading from the top.
  const button = page.getByRole('button', { name: 'Processing…' });
  await expect(button).toBeFocused();
  await expect(button).toBeDisabled();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Space');
  release();
  await expect(page).toHaveURL(/\/simulators\/milkypay\/hpp\//);
  expect(await paymentsOfOrder(request, orderId)).toHaveLength(1);
});

test('while the provider’s page loads, its waiting message has keyboard focus', async ({ page }) => {
  await buyBeans(page);
  await page.getByRole('radio', { name: /Payment card/ }).check();
  // The hosted page answers 204: the browser stays, as it does while a slow page has not answered.
  await page.route(/\/simulators\/milkypay\/hpp\//, (route) => route.fulfill({ status: 204 }));
  await page.getByRole('button', { name: /^Pay/ }).focus();
  await page.keyboard.press('Enter');
  // The pay button that had focus is gone; without a new place focus falls to the page's start.
  await expect(page.getByRole('status').filter({ hasText: 'Redirecting to the payment page…' })).toBeFocused();
});

test('waiting for the provider’s confirmation, then what to do when it takes long', async ({ page }) => {
  await page.clock.install();
  await buyBeans(page);
  await page.getByRole('radio', { name: /^Test/ }).check();
  await page.getByRole('textbox', { name: 'Status' }).fill('approved');
  // A provider that has taken the payment but not confirmed it yet: pending, nothing for the shopper to do.
  const pending = { id: 'pay_waiting', status: 'pending', amount: 2450, currency: 'EUR' };
  await page.route(/\/api\/checkout\/payments$/, (route) => route.fulfill({ status: 201, json: { payment: pending } }));
  await page.route(/\/api\/checkout\/payments\/pay_waiting$/, (route) => route.fulfill({ json: pending }));
  await page.getByRole('button', { name: /^Pay/ }).click();

  const status = page.locator('pay-checkout [part~="status"]');
  await expect(status).toContainText('Waiting for the payment provider to confirm your payment…');
  await expect(status).toHaveAttribute('role', 'status');
  await expect(status).not.toContainText('longer than usual');
  // The pay button the shopper pressed is gone: the wait's words take focus, not the page.
  await expect(status).toBeFocused();
  await page.screenshot({ path: `${SCREENS}/progress-3-confirming.png`, fullPage: true });

  await page.clock.fastForward('00:16');
  await expect(status).toContainText('This is taking longer than usual. Keep this page open');
  await expect(status).toContainText('contact the shop before paying again');
  await page.screenshot({ path: `${SCREENS}/progress-4-slow.png`, fullPage: true });
});

test('a load that failed for want of a connection is tried again by itself when it comes back', async ({ page, context }) => {
  let failing = true;
  await page.route(/\/api\/checkout(\?|$)/, (route) => (failing ? route.abort('internetdisconnected') : route.fallback()));
  await buyBeans(page);
  const retry = page.getByRole('button', { name: 'Try again' });
  await expect(retry).toBeVisible();
  await retry.focus();
  await context.setOffline(true);
  failing = false;
  await context.setOffline(false);
  // No click: the browser's "online" event brings the methods, and focus moves from the gone button to them.
  await expect(page.locator('pay-checkout').getByRole('radio').first()).toBeFocused();
  await expect(retry).toHaveCount(0);
});

test('a pay error goes away when the shopper picks another method', async ({ page }) => {
  await page.route(/\/api\/checkout\/payments$/, (route) =>
    route.fulfill({ status: 422, json: { error: { code: 'invalid_request', message: 'amount: too high for this method' } } }),
  );
  await buyBeans(page);
  await page.getByRole('radio', { name: /^Test/ }).check();
  await page.getByRole('textbox', { name: 'Status' }).fill('approved');
  await page.getByRole('button', { name: /^Pay/ }).click();
  const element = page.locator('pay-checkout');
  const error = element.getByRole('alert').filter({ has: page.locator('[part~="error"]') });
  await expect(error).toBeVisible();
  // Choosing the same method again keeps it: it still applies.
  await page.getByRole('radio', { name: /^Test/ }).check();
  await expect(error).toBeVisible();
  await page.getByRole('radio', { name: /Payment card/ }).check();
  await expect(element.locator('[part~="error"]')).toHaveCount(0);
});

test('a result the shopper paid for takes focus and is not also a live region; one found on load is announced', async ({ page }) => {
  const succeeded = { id: 'pay_done', status: 'succeeded', amount: 2450, currency: 'EUR' };
  await page.route(/\/api\/checkout\/payments$/, (route) => route.fulfill({ status: 201, json: { payment: succeeded } }));
  await buyBeans(page);
  await page.getByRole('radio', { name: /^Test/ }).check();
  await page.getByRole('textbox', { name: 'Status' }).fill('approved');
  await page.getByRole('button', { name: /^Pay/ }).click();
  const result = page.locator('pay-checkout [part~="result"]');
  await expect(page.getByRole('heading', { name: 'Payment successful' })).toBeFocused();
  // A screen reader reads the heading it lands on; a live region around it would read the box again.
  await expect(result).not.toHaveAttribute('role', 'status');

  await page.route(/\/api\/checkout(\?|$)/, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, json: { ...(await response.json()), payment: succeeded } });
  });
  await page.reload();
  await expect(result).toContainText('Payment successful');
  await expect(result).toHaveAttribute('role', 'status');
  await expect(page.getByRole('heading', { name: 'Payment successful' })).not.toBeFocused();
});

test('while another attempt of the order is under way, the pay is sent again and then the shopper is told to wait', async ({ page }) => {
  const keys: string[] = [];
  await page.route(/\/api\/checkout\/payments$/, (route) => {
    keys.push(route.request().headers()['idempotency-key']!);
    return route.fulfill({ status: 409, json: { error: { code: 'payment_in_progress', message: 'payment pay_0 of this order is being created; try again in a moment' } } });
  });
  await buyBeans(page);
  await page.getByRole('radio', { name: /^Test/ }).check();
  await page.getByRole('textbox', { name: 'Status' }).fill('approved');
  await page.getByRole('button', { name: /^Pay/ }).click();
  const error = page.locator('pay-checkout [part~="error"]');
  await expect(error).toHaveText('A payment of this order is still being processed. Wait a moment, then try again.');
  // The first try and two more after 1 s and 2 s, all as one attempt.
  expect(keys).toHaveLength(3);
  expect(new Set(keys).size).toBe(1);
  await expect(page.getByRole('button', { name: /^Pay/ })).toBeEnabled();
  await page.screenshot({ path: `${SCREENS}/progress-6-order-busy.png`, fullPage: true });
});
