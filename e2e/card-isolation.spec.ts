import { expect, test, type Page } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import { skimmer } from './fixtures/skimmer.js';

/**
 * The card inputs live in a frame of the proxy's origin: a hostile script on the merchant's page
 * (another origin, as in production) sees what the shopper types in the page's own inputs, the
 * element's shadow DOM and the element's messages, and not one digit of the card number or the
 * security code.
 */

const port = Number(process.env.E2E_PORT ?? 3100);
const MERCHANT_ORIGIN = `http://127.0.0.1:${port + 1}`;
const PAN = '5421190122090656';
const CODE = '837';
let server: Server;

test.beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', MERCHANT_ORIGIN);
    res.writeHead(200, { 'content-type': 'text/html' }).end(
      `<!doctype html><html lang="en"><head><title>Merchant</title>
      <script>(${skimmer.toString()})();</script>
      <script type="module" src="${url.searchParams.get('sdk')}"></script></head>
      <body><main><label>Email for the receipt <input id="email" type="email" autocomplete="email"></label>
      <pay-checkout session="${url.searchParams.get('session')}"></pay-checkout></main></body></html>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(port + 1, '127.0.0.1', resolve));
});

test.afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function createSession(page: Page): Promise<string> {
  const response = await page.request.post('/api/sessions', {
    headers: { authorization: `Bearer ${process.env.E2E_MERCHANT_API_KEY}` },
    data: { orderId: `skim-${Date.now()}`, amount: '1000.00', currency: 'TRY', provider: 'directcard', returnUrl: `${MERCHANT_ORIGIN}/done` },
  });
  expect(response.status()).toBe(201);
  return ((await response.json()) as { token: string }).token;
}

test('a hostile script on the merchant page captures no digit of the card number or security code', async ({ page, baseURL }) => {
  const token = await createSession(page);
  await page.goto(`${MERCHANT_ORIGIN}/checkout?${new URLSearchParams({ sdk: `${baseURL}/sdk/pay-checkout.js`, session: token })}`);
  await page.locator('#email').pressSequentially('shopper@example.test');
  await page.getByRole('radio', { name: 'Card', exact: true }).check();
  const frame = page.frameLocator('iframe[title="Card details"]');
  await frame.getByRole('textbox', { name: 'Card number' }).pressSequentially(PAN);
  await frame.getByRole('textbox', { name: 'Expiry date' }).pressSequentially('1230');
  await frame.getByRole('textbox', { name: 'Security code' }).pressSequentially(CODE);
  await frame.getByRole('textbox', { name: 'Name on card' }).pressSequentially('Ada Lovelace');
  await expect(page.getByRole('radio', { name: /^3 ×/ })).toBeVisible();
  await page.getByRole('radio', { name: /^3 ×/ }).check();
  await page.getByRole('button', { name: /^Pay/ }).click();
  await page.frameLocator('iframe[title="3-D Secure verification"]').frameLocator('iframe#challenge').getByRole('button', { name: 'Complete verification' }).click();
  await expect(page.getByRole('heading', { name: 'Payment successful' })).toBeVisible();
  // One more pass of the DOM walk after the last keystroke.
  await page.waitForTimeout(200);

  const captured = await page.evaluate(() => [...(window as unknown as { skimmed: Set<string> }).skimmed]);
  // The script works: it read the shopper's own input, reached the element's shadow DOM, saw the
  // channel's traffic (brand and last four, which are no secret) and tried the card frame.
  expect(captured).toContain('dom:shopper@example.test');
  expect(captured.some((entry) => entry.startsWith('key:') && entry === 'key:@')).toBe(true);
  expect(captured).toContain('dom:3');
  expect(captured.some((entry) => entry.startsWith('port-in:') && entry.includes('"brand":"Mastercard"') && entry.includes('"lastFour":"0656"'))).toBe(true);
  expect(captured.some((entry) => entry.startsWith('port-out:') && entry.includes('"type":"pay"'))).toBe(true);
  expect(captured).toContain('frame:closed Card details');

  // The session token is the merchant page's own (it is in the tag's attribute); left out so its
  // random characters cannot look like card digits.
  const text = captured.map((entry) => entry.replaceAll(token, '<token>'));
  const panWindows = Array.from({ length: PAN.length - 5 - 4 }, (_, start) => PAN.slice(start, start + 6));
  for (const entry of text) {
    for (const window of panWindows) expect(entry.replace(/\s/g, '')).not.toContain(window);
    // No keystroke it heard was a digit, and no value it read holds three digits in a row (the
    // element's own installment radios have values such as "3").
    expect(entry).not.toMatch(/^(key|data):.*\d/);
    expect(entry).not.toMatch(/^(value|dom):.*\d{3}/);
    // No message holds the code, a card, or digits under a card field's name (their labels and validity are fine).
    expect(entry).not.toMatch(new RegExp(`"${CODE}"|"card"\\s*:\\s*\\{|"(securityCode|number)"\\s*:\\s*"\\d`));
  }
});
