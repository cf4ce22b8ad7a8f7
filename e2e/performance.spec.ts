import { expect, test, type Browser, type BrowserContextOptions, type Page } from '@playwright/test';

/**
 * Round trips: from the `<pay-checkout>` tag being parsed to a list of methods the shopper can
 * use, the element makes at most one request to the proxy after its script, in every language
 * (the texts come inside that one answer). Counted from the browser's own network events, on a
 * fresh browser (cold cache) opening the demo shop's checkout page.
 */

/** The element's script: the stable name, or the content-hashed copy the demo embeds with SRI. */
const SDK_REQUEST = /^GET \/sdk\/pay-checkout(\.[0-9a-f]{12})?\.js$/;

/** Buys the product in the demo shop and returns the checkout page's address. */
async function checkoutPageOf(page: Page, product: string): Promise<string> {
  await page.goto('/');
  await page.getByRole('button', { name: `Buy ${product}` }).click();
  await expect(page).toHaveURL(/\/checkout\/order_/);
  return page.url();
}

interface Counted {
  page: Page;
  /** Requests to the proxy under /api/ or /sdk/ that started after the script's, until the methods were usable. */
  untilInteractive: string[];
  /** The same, once the page had been idle for a while. */
  untilIdle: string[];
}

/**
 * Opens `url` in a new browser context and lists every request to the proxy's origin under
 * /api/ or /sdk/ made after the element's script. The provider's logos (/simulators/ in
 * sandbox, the provider's own host in production) are the provider's images, not calls to the
 * proxy, and so are left out; so are the page itself and the shop's own assets.
 */
async function countProxyRequests(browser: Browser, url: string, options: BrowserContextOptions, setUp?: (page: Page) => Promise<unknown>): Promise<Counted> {
  const proxyOrigin = new URL(url).origin;
  const context = await browser.newContext(options);
  const page = await context.newPage();
  await setUp?.(page);
  const seen: string[] = [];
  page.on('request', (request) => {
    const requested = new URL(request.url());
    if (requested.origin !== proxyOrigin || !/^\/(api|sdk)\//.test(requested.pathname)) return;
    seen.push(`${request.method()} ${requested.pathname}${requested.search}`);
  });
  const afterScript = () => {
    const script = seen.findIndex((request) => SDK_REQUEST.test(request));
    expect(script, `the element's script was requested: ${JSON.stringify(seen)}`).toBeGreaterThanOrEqual(0);
    return seen.slice(script + 1);
  };

  await page.goto(url);
  // Interactive: a method radio the shopper can see and choose.
  const method = page.getByRole('radio').first();
  await expect(method).toBeVisible();
  await expect(method).toBeEnabled();
  const untilInteractive = afterScript();
  await page.waitForLoadState('networkidle');
  return { page, untilInteractive, untilIdle: afterScript() };
}

test('the methods are usable after one request to the proxy besides the script', async ({ page, browser }) => {
  const url = await checkoutPageOf(page, 'Ceramic pour-over set');
  const { page: shopper, untilInteractive, untilIdle } = await countProxyRequests(browser, url, { locale: 'en-US' });

  // The demo page leaves the language to the shopper's browser.
  expect(untilInteractive).toEqual(['GET /api/checkout?locale=en-US']);
  expect(untilIdle).toEqual(untilInteractive);
  await expect(shopper.getByRole('button', { name: 'Pay $48.00' })).toBeVisible();
  await shopper.context().close();
});

test('in Turkish too: the texts come with the methods, in the same one request', async ({ page, browser }) => {
  const url = await checkoutPageOf(page, 'Ceramic pour-over set');
  // The demo leaves the language to the shopper's browser, here a Turkish one.
  const { page: shopper, untilInteractive, untilIdle } = await countProxyRequests(browser, url, { locale: 'tr-TR' });

  expect(untilInteractive).toEqual(['GET /api/checkout?locale=tr-TR']);
  expect(untilIdle).toEqual(untilInteractive);
  await expect(shopper.getByRole('group', { name: 'Ödeme yöntemi' })).toBeVisible();
  await expect(shopper.getByRole('button', { name: '$48,00 Öde' })).toBeVisible();
  await expect(shopper.locator('pay-checkout .container')).toHaveAttribute('lang', 'tr');
  await shopper.screenshot({ path: 'test-results/screens/checkout-tr.png', fullPage: true });
  await shopper.context().close();
});
