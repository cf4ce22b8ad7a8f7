import express, { Router } from 'express';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { html, type RawHtml } from '../server/pages/html.js';
import type { SdkRelease } from '../server/routes/sdk.js';
import type { Logger } from '../server/logger.js';
import { checkoutPagePolicy } from './csp.js';

/**
 * The demo shop: a merchant site with a tiny backend. It does what a merchant's backend does:
 * creates a session through the merchant API with its secret key, renders a page that embeds
 * `<pay-checkout>` with one script tag, and on return asks the merchant API for the outcome.
 */

interface Product {
  id: string;
  name: string;
  blurb: string;
  price: string;
  currency: string;
  /** The provider the shop uses for this product's checkout. */
  provider: string;
  /** Asks for Payment Hub's shared payment page (see README: sharedPaymentPage). */
  sharedPaymentPage?: Record<string, unknown>;
}

const PRODUCTS: Product[] = [
  { id: 'pour-over', name: 'Ceramic pour-over set', blurb: 'Hand-glazed dripper, carafe and two cups.', price: '48.00', currency: 'USD', provider: 'milkypay' },
  { id: 'beans', name: 'Single-origin beans, 1 kg', blurb: 'Washed Ethiopian Yirgacheffe, roasted this week.', price: '24.50', currency: 'EUR', provider: 'milkypay' },
  { id: 'cezve', name: 'Copper cezve set', blurb: 'Hand-hammered Turkish coffee pot with four cups. Card, installments and 3-D Secure.', price: '1000.00', currency: 'TRY', provider: 'directcard' },
  { id: 'tamper', name: 'Espresso tamper', blurb: 'Stainless 58 mm tamper with a walnut handle. Card, confirmed on the HankoPay page.', price: '35.00', currency: 'USD', provider: 'hankopay' },
  { id: 'scoop', name: 'Maple-wood coffee scoop', blurb: 'Turned from Quebec maple, one level scoop per cup. Paid on the HPAY hosted page.', price: '18.00', currency: 'CAD', provider: 'hpay' },
  { id: 'kintamani', name: 'Kintamani Arabica, 500 g', blurb: 'Balinese highland beans, natural process. Paid through Payment Hub: QRIS, e-wallets, bank transfer or card.', price: '150000', currency: 'IDR', provider: 'paymenthub' },
  {
    id: 'gift-box',
    name: 'Java gift box',
    blurb: 'Three Javanese single origins in a teak box. One Payment Hub page: ShopeePay in rupiah or a card in US dollars.',
    price: '450000',
    currency: 'IDR',
    provider: 'paymenthub',
    sharedPaymentPage: {
      options: [
        { label: 'ShopeePay', method: 'SHOPEEPAY', vendor: 'Xendit', currency: 'IDR' },
        { label: 'Card in US dollars', vendor: 'Stripe', currency: 'USD' },
      ],
      amounts: [{ currency: 'USD', amount: '28.30' }],
    },
  },
];

interface Order {
  id: string;
  product: Product;
  token: string;
  /** When the token's session ends (ISO 8601), as the merchant API said. */
  expiresAt: string;
  /** When the shop opened that session (epoch ms). */
  openedAt: number;
}

/**
 * A session that ends within this is replaced by a new one for the same order: the element warns a
 * minute before the end, so its renewal gets a new token, and a page loaded that late too.
 */
const RENEW_WITHIN_MS = 2 * 60_000;

/**
 * Renew once the session is into its last RENEW_WITHIN_MS, or its last half when it is short
 * (SESSION_TTL_SECONDS=60): a new session then has more time left than that, so the element's
 * immediate warning for it gets the same token back instead of renewals without end.
 */
function endsSoon(order: Order, now: number): boolean {
  const end = Date.parse(order.expiresAt);
  return end - now <= Math.min(RENEW_WITHIN_MS, (end - order.openedAt) / 2);
}

/** A payment in one of these moved no money: the order can still be paid in a new session. */
const ENDED_WITHOUT_MONEY = new Set(['failed', 'canceled', 'expired']);

const here = dirname(fileURLToPath(import.meta.url));

export function createDemoRouter(options: {
  apiUrl: string;
  merchantApiKey: string;
  publicUrl: string;
  /** The SDK build's content-hashed copy and its SRI hash; undefined until it is built. */
  sdkRelease: () => SdkRelease | undefined;
  logger?: Logger;
}): Router {
  const orders = new Map<string, Order>();
  const router = Router();
  const page = (title: string, body: RawHtml): string => shopPage(title, body, sdkScript(options.publicUrl, options.sdkRelease()));

  const merchantApi = async (path: string, init?: RequestInit): Promise<{ status: number; body: any }> => {
    const response = await fetch(`${options.apiUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${options.merchantApiKey}`, 'content-type': 'application/json' },
    });
    return { status: response.status, body: await response.json() };
  };

  // The strict policy of demo/csp.ts; in sandbox mode every provider's page is a simulator on the proxy.
  const policy = checkoutPagePolicy({ proxyOrigin: new URL(options.publicUrl).origin, reportUri: '/csp-reports' });
  router.use((_req, res, next) => {
    res.set('Content-Security-Policy', policy);
    next();
  });
  // Where browsers report violations of that policy: logged, and listed for the e2e suite, which expects none.
  const violations: unknown[] = [];
  router.post('/csp-reports', express.json({ type: ['application/csp-report', 'application/reports+json', 'application/json'], limit: '16kb' }), (req, res) => {
    if (violations.length < 100) violations.push(req.body);
    options.logger?.warn({ report: req.body }, 'content security policy violation on a demo page');
    res.status(204).end();
  });
  router.get('/csp-reports', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ reports: violations });
  });
  router.delete('/csp-reports', (_req, res) => {
    violations.length = 0;
    res.status(204).end();
  });
  router.use('/demo-assets', express.static(join(here, 'public'), { maxAge: '5m' }));
  router.use(express.urlencoded({ extended: false, limit: '4kb' }));

  router.get('/', (_req, res) => {
    res.type('html').send(
      page(
        'Demo shop',
        html`<h1>Brew &amp; Co. <span class="tag">demo shop</span></h1>
          <p class="lede">A pretend merchant. Buying here creates a checkout session on the proxy and pays through the built-in provider simulators: no real money moves.</p>
          <ul class="products">
            ${PRODUCTS.map(
              (product) => html`<li class="product">
                <h2>${product.name}</h2>
                <p>${product.blurb}</p>
                <p class="price">${formatPrice(product)}</p>
                <form method="post" action="/checkout">
                  <input type="hidden" name="product" value="${product.id}">
                  <button type="submit">Buy ${product.name}</button>
                </form>
              </li>`,
            )}
          </ul>`,
      ),
    );
  });

  /** A new session for the order (the first, or one replacing a session that ends); an error message when the proxy refused. */
  const openSession = async (orderId: string, product: Product): Promise<Order | string> => {
    const { status, body } = await merchantApi('/api/sessions', {
      method: 'POST',
      body: JSON.stringify({
        orderId,
        amount: product.price,
        currency: product.currency,
        provider: product.provider,
        description: product.name,
        customer: { reference: 'demo-customer-1', name: 'Demo Shopper', email: 'shopper@example.com' },
        returnUrl: `${options.publicUrl}/return?orderId=${orderId}`,
        locale: 'en',
        ...(product.sharedPaymentPage ? { sharedPaymentPage: product.sharedPaymentPage } : {}),
      }),
    }).catch(() => ({ status: 0, body: undefined }));
    if (status !== 201) return body?.error?.message ?? 'The payment proxy did not answer.';
    const order = { id: orderId, product, token: body.token, expiresAt: body.expiresAt, openedAt: Date.now() };
    orders.set(orderId, order);
    return order;
  };

  /**
   * The order with its session, or with a new one when that ends soon (endsSoon);
   * 'paid' when a payment of the order moved money or may still (the backend's status tells the
   * rest); an error message when the proxy refused. Decided on the server's clock, so a shopper's
   * wrong clock cannot make the page ask for new sessions without end.
   */
  const renewedOrder = async (order: Order): Promise<Order | 'paid' | string> => {
    if (!endsSoon(order, Date.now())) return order;
    const { status, body } = await merchantApi(`/api/payments?orderId=${encodeURIComponent(order.id)}`).catch(() => ({ status: 0, body: undefined }));
    if (status !== 200) return body?.error?.message ?? 'The payment proxy did not answer.';
    if ((body.data as { status: string }[]).some((payment) => !ENDED_WITHOUT_MONEY.has(payment.status))) return 'paid';
    return openSession(order.id, order.product);
  };

  router.post('/checkout', async (req, res) => {
    const product = PRODUCTS.find((candidate) => candidate.id === req.body?.product);
    if (!product) {
      res.status(400).type('html').send(page('Unknown product', html`<h1>Unknown product</h1><p><a href="/">Back to the shop</a></p>`));
      return;
    }
    const order = await openSession(`order_${randomBytes(6).toString('hex')}`, product);
    if (typeof order === 'string') {
      res.status(502).type('html').send(page('Checkout unavailable', html`<h1>Checkout unavailable</h1><p>${order}</p>`));
      return;
    }
    res.redirect(303, `/checkout/${order.id}`);
  });

  router.get('/checkout/:orderId', async (req, res) => {
    const stored = orders.get(req.params.orderId);
    if (!stored) {
      res.status(404).type('html').send(page('Unknown order', html`<h1>Unknown order</h1><p><a href="/">Back to the shop</a></p>`));
      return;
    }
    // A reload after the session ended opens a new one, as a real shop's checkout page would.
    const order = await renewedOrder(stored);
    if (order === 'paid') {
      res.redirect(303, `/return?orderId=${encodeURIComponent(stored.id)}`);
      return;
    }
    if (typeof order === 'string') {
      res.status(502).type('html').send(page('Checkout unavailable', html`<h1>Checkout unavailable</h1><p>${order}</p>`));
      return;
    }
    res.type('html').send(
      page(
        'Checkout',
        html`<h1>Checkout</h1>
          <section class="summary" aria-label="Order summary">
            <p><span>${order.product.name}</span><strong>${formatPrice(order.product)}</strong></p>
            <p class="muted">Order ${order.id}</p>
          </section>
          ${checkoutElement(order.token, order.id)}`,
      ),
    );
  });

  // The page's answer to `pay-session-expiring` (shop.js): a new token for the same order, which
  // it sets on the element (docs/integration.md, section 6).
  router.post('/checkout/:orderId/session', async (req, res) => {
    const stored = orders.get(req.params.orderId);
    if (!stored) {
      res.status(404).json({ error: { code: 'not_found', message: 'no such order' } });
      return;
    }
    const order = await renewedOrder(stored);
    if (order === 'paid') {
      res.status(409).json({ error: { code: 'conflict', message: 'this order has a payment; its session is not renewed' } });
      return;
    }
    if (typeof order === 'string') {
      res.status(502).json({ error: { code: 'provider_unavailable', message: order } });
      return;
    }
    res.set('Cache-Control', 'no-store').json({ token: order.token, expiresAt: order.expiresAt });
  });

  router.get('/return', async (req, res) => {
    const order = orders.get(String(req.query.orderId ?? ''));
    if (!order) {
      res.status(404).type('html').send(page('Unknown order', html`<h1>Unknown order</h1><p><a href="/">Back to the shop</a></p>`));
      return;
    }
    // The merchant trusts its backend's answer, not the query string the shopper came back with.
    const { body } = await merchantApi(`/api/payments?orderId=${encodeURIComponent(order.id)}`);
    const latest = (body?.data ?? []).at(-1) as { id: string; status: string } | undefined;
    const heading = latest?.status === 'succeeded' ? 'Thank you for your order' : latest?.status === 'failed' ? 'Your order is not paid yet' : 'Your order';
    res.type('html').send(
      page(
        'Order status',
        html`<h1>${heading}</h1>
          <section class="summary" aria-label="Order status">
            <p><span>${order.product.name}</span><strong>${formatPrice(order.product)}</strong></p>
            <p class="muted">Order ${order.id}: the shop's backend reports <strong data-testid="backend-status">${latest?.status ?? 'no payment yet'}</strong></p>
          </section>
          ${checkoutElement(order.token, order.id)}
          <p><a href="/">Back to the shop</a></p>`,
      ),
    );
  });

  return router;
}

function checkoutElement(token: string, orderId: string): RawHtml {
  // No locale attribute: the element follows the shopper's browser language.
  return html`<fieldset class="theme-switch">
      <legend>Theme of the checkout</legend>
      <label><input type="radio" name="theme" value="light"> Light</label>
      <label><input type="radio" name="theme" value="dark"> Dark</label>
      <label><input type="radio" name="theme" value="brand"> Brand</label>
    </fieldset>
    <pay-checkout session="${token}" data-order-id="${orderId}"></pay-checkout>
    <details class="event-log"><summary>Events from the element</summary><ol id="event-log"></ol></details>`;
}

/**
 * The element as the integration guide tells merchants to embed it: the immutable, content-hashed
 * copy with its integrity hash, loaded in CORS mode; the stable name only before the first build.
 */
function sdkScript(publicUrl: string, release: SdkRelease | undefined): RawHtml {
  return release
    ? html`<script type="module" src="${publicUrl}/sdk/${release.file}" integrity="${release.integrity}" crossorigin="anonymous"></script>`
    : html`<script type="module" src="${publicUrl}/sdk/pay-checkout.js" crossorigin="anonymous"></script>`;
}

function formatPrice(product: Product): string {
  return new Intl.NumberFormat('en', { style: 'currency', currency: product.currency }).format(Number(product.price));
}

function shopPage(title: string, body: RawHtml, sdk: RawHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${title} · Brew &amp; Co.</title>
  <link rel="stylesheet" href="/demo-assets/shop.css">
  ${sdk}
  <script type="module" src="/demo-assets/shop.js"></script>
</head>
<body><main>${body}</main></body>
</html>`.value;
}
