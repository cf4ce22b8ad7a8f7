/**
 * The shopper's pages of the Payment Hub simulator: a vendor's payment page (payment_url) and the
 * shared payment page (payment_link). Vendor pages may be framed, except Stripe's, which refuses
 * framing as the document says Stripe's page must open top-level.
 */
import type { Response, Router } from 'express';
import { currencyExponent, toMajorNumber } from '../../payments/money.js';
import { escapeHtml } from '../../pages/html.js';
import { sendSimulatorPage, type SimulatorTheme } from '../simulator-page.js';
import type { SimGateway, SimSharedOption, SimSharedPayment, SimTransaction } from './simulator-state.js';

export interface PaymentHubPagesDeps {
  publicUrl: string;
  transactionById(id: string): SimTransaction | undefined;
  sharedById(id: string): SimSharedPayment | undefined;
  gateways(): readonly SimGateway[];
  now(): number;
  pay(transaction: SimTransaction, method: string): void;
  decline(transaction: SimTransaction, method: string): void;
  cancel(transaction: SimTransaction): void;
  chooseShared(shared: SimSharedPayment, option: SimSharedOption): SimTransaction;
}

const THEME: SimulatorTheme = {
  background: '#f1f5f4',
  text: '#13201d',
  shadow: 'rgb(10 60 50 / 14%)',
  accent: '#0b6b57',
  focus: '#6fd3bd',
  brandWeight: 800,
  css: `label { display: grid; gap: 6px; font-weight: 600; font-size: 14px; }
  select { width: 100%; font: inherit; padding: 10px; border-radius: 8px; border: 1px solid #8a9a96; }
  .hub { font-size: 13px; color: #4a5a56; }
  .choices { display: grid; gap: 10px; }
  .choices form { margin: 0; }
  .choices button { width: 100%; text-align: left; display: flex; justify-content: space-between; gap: 12px; }`,
};

function isStripe(gateway: SimGateway | undefined): boolean {
  return gateway?.vendor.Name === 'Stripe';
}

export function mountPaymentHubPages(router: Router, deps: PaymentHubPagesDeps): void {
  const basePath = new URL(deps.publicUrl).pathname.replace(/\/+$/, '');

  function page(res: Response, status: number, title: string, content: string, framable: boolean): void {
    sendSimulatorPage(res, { status, title, content, theme: THEME, framable });
  }

  function vendorTransaction(id: unknown, res: Response): SimTransaction | undefined {
    const transaction = typeof id === 'string' ? deps.transactionById(id) : undefined;
    if (!transaction) page(res, 404, 'Payment Hub', '<h1>This payment link is not valid</h1>', true);
    return transaction;
  }

  /** The methods the shopper may choose on this page: the ones asked for, else all of the vendor's. */
  function methodsOf(transaction: SimTransaction): string[] {
    return [...new Set(transaction.paymentMethods.length > 0 ? transaction.paymentMethods : transaction.gateway.vendor.PaymentMethod)];
  }

  router.get('/pay/:id', (req, res) => {
    const transaction = vendorTransaction(req.params.id, res);
    if (!transaction) return;
    const vendor = transaction.gateway.vendor.Name;
    const framable = !isStripe(transaction.gateway);
    const amount = formatAmount(toMajorNumber(transaction.amount + transaction.serviceCharge, transaction.currency), transaction.currency);
    const header = `<header><span class="brand">${escapeHtml(vendor)}</span><span class="badge">SANDBOX</span></header>`;
    if (transaction.status !== 'initial' || transaction.paymentFailReason) {
      const words = transaction.paymentFailReason ? 'was declined' : transaction.status === 'paid' ? 'is paid' : transaction.status === 'expired' ? 'is canceled or expired' : `is ${transaction.status}`;
      page(res, 200, `${vendor} payment`, `${header}<h1>This payment ${escapeHtml(words)}</h1><p>${escapeHtml(amount)}</p>`, framable);
      return;
    }
    const methods = methodsOf(transaction);
    const chooser =
      methods.length > 1
        ? `<label>Payment method<select name="method">${methods.map((method) => `<option value="${escapeHtml(method)}">${escapeHtml(method)}</option>`).join('')}</select></label>`
        : `<input type="hidden" name="method" value="${escapeHtml(methods[0] ?? '')}">${methods[0] ? `<p>Method: ${escapeHtml(methods[0])}</p>` : ''}`;
    const action = (what: string) => escapeHtml(`${basePath}/pay/${transaction.id}/${what}`);
    page(
      res,
      200,
      `${vendor} payment`,
      `${header}
      <h1>Pay ${escapeHtml(amount)}</h1>
      <p class="description">${escapeHtml(transaction.description)}</p>
      <dl><dt>Reference</dt><dd>${escapeHtml(transaction.merchantRefCode)}</dd></dl>
      <form method="post" action="${action('pay')}">
        ${chooser}
        <button type="submit">Pay</button>
        <button type="submit" class="secondary" formaction="${action('decline')}">Decline payment</button>
        <button type="submit" class="secondary" formaction="${action('cancel')}">Cancel</button>
      </form>
      <p class="hub">Payment Hub sandbox: no money moves.</p>`,
      framable,
    );
  });

  for (const outcome of ['pay', 'decline', 'cancel'] as const) {
    router.post(`/pay/:id/${outcome}`, (req, res) => {
      const transaction = vendorTransaction(req.params.id, res);
      if (!transaction) return;
      const open = transaction.status === 'initial' && !transaction.paymentFailReason && deps.now() < transaction.expiresAt;
      if (!open) {
        // A second click, or a page left open too long: back where its outcome sends the shopper.
        res.redirect(303, transaction.status === 'paid' ? transaction.successUrl : transaction.paymentFailReason ? transaction.failedUrl : transaction.cancelUrl);
        return;
      }
      const body = (req.body ?? {}) as Record<string, unknown>;
      const methods = methodsOf(transaction);
      const asked = typeof body.method === 'string' ? body.method : '';
      const method = methods.includes(asked) ? asked : (methods[0] ?? '');
      if (outcome === 'pay') deps.pay(transaction, method);
      if (outcome === 'decline') deps.decline(transaction, method);
      if (outcome === 'cancel') deps.cancel(transaction);
      res.redirect(303, outcome === 'pay' ? transaction.successUrl : outcome === 'decline' ? transaction.failedUrl : transaction.cancelUrl);
    });
  }

  function sharedPayment(id: unknown, res: Response): SimSharedPayment | undefined {
    const found = typeof id === 'string' ? deps.sharedById(id) : undefined;
    if (!found) page(res, 404, 'Payment Hub', '<h1>This payment link is not valid</h1>', true);
    return found;
  }

  function optionAmount(shared: SimSharedPayment, option: SimSharedOption): string {
    const currency = option.currency || shared.foundingCurrency;
    const value = currency === shared.foundingCurrency ? shared.value : (shared.rates.find((rate) => rate.currency === currency)?.value ?? shared.value);
    return formatAmount(value, currency);
  }

  router.get('/s/:id', (req, res) => {
    const shared = sharedPayment(req.params.id, res);
    if (!shared) return;
    const header = '<header><span class="brand">Payment Hub</span><span class="badge">SANDBOX</span></header>';
    if (deps.now() >= shared.expiresAt) {
      page(res, 200, 'Payment Hub', `${header}<h1>This payment link has expired</h1>`, true);
      return;
    }
    const gateways = deps.gateways();
    const choices = shared.options
      .map((option, index) => {
        const gateway = gateways.find((candidate) => candidate.ID === option.paymentVendor);
        // Stripe's page refuses framing: its choice leaves the frame.
        const target = isStripe(gateway) ? ' target="_top"' : '';
        return `<form method="post" action="${escapeHtml(`${basePath}/s/${shared.id}/choose`)}"${target}>
          <input type="hidden" name="option" value="${index}">
          <button type="submit"><span>${escapeHtml(option.label)}</span><span>${escapeHtml(optionAmount(shared, option))}</span></button>
        </form>`;
      })
      .join('');
    page(
      res,
      200,
      'Payment Hub',
      `${header}<h1>Choose how to pay</h1><p class="description">${escapeHtml(shared.description)}</p><div class="choices" role="group" aria-label="Payment options">${choices}</div>`,
      true,
    );
  });

  router.post('/s/:id/choose', (req, res) => {
    const shared = sharedPayment(req.params.id, res);
    if (!shared) return;
    const index = Number.parseInt(String((req.body as Record<string, unknown> | undefined)?.option ?? ''), 10);
    const option = shared.options[index];
    if (!option) {
      page(res, 400, 'Payment Hub', '<h1>Choose one of the payment options</h1>', true);
      return;
    }
    const transaction = deps.chooseShared(shared, option);
    res.redirect(303, `${basePath}/pay/${transaction.id}`);
  });
}

/** "150,000.00 IDR": grouped, with the currency's decimals. */
function formatAmount(major: number, currency: string): string {
  const digits = currencyExponent(currency);
  return `${new Intl.NumberFormat('en', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(major)} ${currency}`;
}
