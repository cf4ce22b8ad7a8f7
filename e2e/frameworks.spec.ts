import { expect, test, type Page } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { build, type Rolldown } from 'vite';

/**
 * The element where merchants put it: inside another component's shadow root, inside an iframe,
 * and in React and Vue apps (the docs' examples, e2e/pages/, bundled by Vite with the element
 * imported from the npm build). The pages are served from the merchant origin of the e2e config.
 */

const port = Number(process.env.E2E_PORT ?? 3100);
const MERCHANT_ORIGIN = `http://127.0.0.1:${port + 1}`;
const REPO = fileURLToPath(new URL('..', import.meta.url));
let server: Server;
const bundles = new Map<string, string>();

async function bundle(entry: string): Promise<string> {
  const result = await build({
    configFile: false,
    root: REPO,
    logLevel: 'silent',
    publicDir: false,
    resolve: {
      alias: [
        { find: /^pay-checkout$/, replacement: `${REPO}dist/esm/widget/index.js` },
        // Vue's full build compiles the example's template in the browser.
        { find: /^vue$/, replacement: 'vue/dist/vue.esm-bundler.js' },
      ],
    },
    define: { 'process.env.NODE_ENV': '"production"', __VUE_OPTIONS_API__: 'true', __VUE_PROD_DEVTOOLS__: 'false', __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false' },
    build: { write: false, minify: false, lib: { entry: `${REPO}e2e/pages/${entry}`, formats: ['es'], fileName: 'page' }, rolldownOptions: { output: { codeSplitting: false } } },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  return outputs.flatMap((output) => output.output).find((file) => file.type === 'chunk')!.code;
}

function shell(title: string, head: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>${head}</head><body>${body}</body></html>`;
}

test.beforeAll(async ({ baseURL }) => {
  bundles.set('react', await bundle('react-checkout.jsx'));
  bundles.set('vue', await bundle('vue-checkout.js'));
  const sdk = `<script type="module" src="${baseURL}/sdk/pay-checkout.js"></script>`;
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', MERCHANT_ORIGIN);
    const session = url.searchParams.get('session') ?? '';
    const send = (type: string, text: string) => res.writeHead(200, { 'content-type': type }).end(text);
    switch (url.pathname) {
      case '/react.js':
      case '/vue.js':
        return send('text/javascript', bundles.get(url.pathname.slice(1, -3))!);
      case '/proxy.js':
        return send('text/javascript', `window.PROXY_URL = ${JSON.stringify(baseURL)};`);
      case '/react':
      case '/vue':
        return send('text/html', shell(url.pathname, '<script src="/proxy.js"></script>', `<div id="root"></div><script type="module" src="${url.pathname}.js"></script>`));
      case '/shadow':
        // Another component's shadow root holds the element.
        return send(
          'text/html',
          shell('Shadow', sdk, `<shop-panel></shop-panel><script type="module">
            customElements.define('shop-panel', class extends HTMLElement {
              connectedCallback() {
                this.attachShadow({ mode: 'open' }).innerHTML = '<section><h1>Your order</h1><pay-checkout session="${session}"></pay-checkout></section>';
              }
            });</script>`),
        );
      case '/plain':
        return send('text/html', shell('Plain', sdk, `<pay-checkout session="${session}"></pay-checkout>`));
      case '/framed':
        return send('text/html', shell('Framed', '', `<h1>Shop</h1><iframe title="Checkout" style="width:100%;height:600px;border:0" src="/plain?session=${encodeURIComponent(session)}"></iframe>`));
      default:
        res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(port + 1, '127.0.0.1', resolve));
});

test.afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

async function session(page: Page, order: Record<string, unknown>): Promise<string> {
  const response = await page.request.post('/api/sessions', {
    headers: { authorization: `Bearer ${process.env.E2E_MERCHANT_API_KEY}` },
    data: { orderId: `fw-${Date.now()}`, returnUrl: `${MERCHANT_ORIGIN}/done`, ...order },
  });
  expect(response.status()).toBe(201);
  return ((await response.json()) as { token: string }).token;
}

const directcard = { provider: 'directcard', amount: '100.00', currency: 'TRY' };

/** A directcard payment with 3-D Secure, through `scope` (the page or a frame). */
async function payWithThreeDSecure(scope: Page | ReturnType<Page['frameLocator']>): Promise<void> {
  await scope.getByRole('radio', { name: 'Card', exact: true }).check();
  await scope.frameLocator('iframe[title="Card details"]').getByRole('textbox', { name: 'Card number' }).fill('5421 1901 2209 0656');
  await scope.frameLocator('iframe[title="Card details"]').getByRole('textbox', { name: 'Expiry date' }).fill('12/30');
  await scope.frameLocator('iframe[title="Card details"]').getByRole('textbox', { name: 'Security code' }).fill('837');
  await scope.frameLocator('iframe[title="Card details"]').getByRole('textbox', { name: 'Name on card' }).fill('Ada Lovelace');
  await scope.getByRole('button', { name: /^Pay/ }).click();
  await scope.frameLocator('iframe[title="3-D Secure verification"]').frameLocator('iframe#challenge').getByRole('button', { name: 'Complete verification' }).click();
  await expect(scope.getByRole('heading', { name: 'Payment successful' })).toBeVisible();
}

test('inside another component’s shadow root: methods, card, 3-D Secure dialog, result', async ({ page }) => {
  await page.goto(`${MERCHANT_ORIGIN}/shadow?session=${await session(page, directcard)}`);
  await expect(page.locator('shop-panel pay-checkout')).toHaveCount(1);
  await payWithThreeDSecure(page);
  await page.screenshot({ path: 'test-results/screens/embed-shadow-root.png', fullPage: true });
});

test('inside an iframe of the merchant page', async ({ page }) => {
  await page.goto(`${MERCHANT_ORIGIN}/framed?session=${await session(page, directcard)}`);
  await payWithThreeDSecure(page.frameLocator('iframe[title="Checkout"]'));
});

test('the SDK on a page twice (script tag and bundle) defines the element once, without an error', async ({ page, baseURL }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${MERCHANT_ORIGIN}/react?session=${await session(page, { amount: '5.00', currency: 'USD' })}`);
  await expect(page.getByRole('radio').first()).toBeVisible();
  await page.addScriptTag({ url: `${baseURL}/sdk/pay-checkout.js`, type: 'module' });
  await page.addScriptTag({ url: `${baseURL}/sdk/${(await (await page.request.get('/sdk/release.json')).json()).file}`, type: 'module' });
  expect(await page.evaluate(() => customElements.get('pay-checkout')?.name)).toBeTruthy();
  expect(errors).toEqual([]);
});

for (const framework of ['react', 'vue'] as const) {
  test(`the ${framework} example of the docs: pays and hears pay-complete`, async ({ page }) => {
    await page.goto(`${MERCHANT_ORIGIN}/${framework}?session=${await session(page, directcard)}`);
    await payWithThreeDSecure(page);
    await expect(page.getByRole('note')).toHaveText('Order status: succeeded');
  });
}
