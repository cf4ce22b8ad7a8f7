import type { PaymentAction } from '../../providers/provider.js';
import { MERCHANT_KEY, SHOP_ORIGIN } from '../proxy-harness.js';

/**
 * What the reliability scenarios do as the merchant's backend, the shopper's browser and the
 * shopper on a provider's page, over HTTP against a proxy and its simulators.
 */

export interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

async function call(url: string, init: RequestInit): Promise<Answer> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: kept as text.
  }
  return { status: response.status, body };
}

export function merchant(proxyUrl: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}, key = MERCHANT_KEY): Promise<Answer> {
  return call(`${proxyUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

export function widget(proxyUrl: string, method: string, path: string, token: string, options: { body?: unknown; key?: string; origin?: string } = {}): Promise<Answer> {
  return call(`${proxyUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      origin: options.origin ?? SHOP_ORIGIN,
      'content-type': 'application/json',
      ...(options.key ? { 'idempotency-key': options.key } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

export async function openSession(proxyUrl: string, order: Record<string, unknown>, key?: string): Promise<{ sessionId: string; token: string; orderId: string }> {
  const orderId = `rel-${Math.random().toString(36).slice(2, 12)}`;
  const answer = await merchant(proxyUrl, 'POST', '/api/sessions', { orderId, returnUrl: `${SHOP_ORIGIN}/return`, ...order }, key ? { 'idempotency-key': key } : {});
  if (answer.status !== 201) throw new Error(`session not opened: ${answer.status} ${JSON.stringify(answer.body)}`);
  return { ...answer.body, orderId };
}

/** The shopper approves or declines on MilkyPay's hosted page. */
export async function decideMilkyPay(actionUrl: string, decision: 'approve' | 'decline'): Promise<number> {
  const response = await fetch(`${actionUrl}/decide`, { method: 'POST', body: new URLSearchParams({ decision }), redirect: 'manual' });
  await response.body?.cancel();
  return response.status;
}

/** The providers that call back and can be looked up; directcard does neither (RELIABILITY.md). */
export type CallbackProvider = 'milkypay' | 'hankopay' | 'hpay' | 'paymenthub';
export const PROVIDER_NAMES: Record<CallbackProvider, string> = { milkypay: 'MilkyPay', hankopay: 'HankoPay', hpay: 'HPAY', paymenthub: 'Payment Hub' };
/** Each simulator's account takes its own currencies: HPAY the account's (CAD), Xendit's QRIS IDR. */
export const PROVIDER_ORDERS: Record<CallbackProvider, Record<string, unknown>> = {
  milkypay: { amount: '20.00', currency: 'USD' },
  hankopay: { amount: '20.00', currency: 'USD' },
  hpay: { amount: '20.00', currency: 'CAD' },
  paymenthub: { amount: '150000', currency: 'IDR', customer: { name: 'Siti Rahma Putri', email: 'siti@example.com' } },
};

/** MilkyPay's hosted card page, HankoPay's card, HPAY's one hosted method, Payment Hub's QRIS (Xendit). */
export function methodOf(provider: CallbackProvider, methods: { id: string; name: string }[]): string {
  const found =
    provider === 'milkypay'
      ? methods.find((method) => method.id === 'milkypay:payment_card_usd_hpp')
      : provider === 'hankopay'
        ? methods.find((method) => method.id === 'hankopay:card')
        : provider === 'hpay'
          ? methods.find((method) => method.id.startsWith('hpay:'))
          : methods.find((method) => method.id.startsWith('paymenthub:') && method.name === 'QRIS');
  if (!found) throw new Error(`no ${provider} method to pay with among ${methods.map((method) => method.id).join(', ')}`);
  return found.id;
}

/** What the shopper does on the provider's page: pay, decline, or cancel where the page has both. */
export type Decision = 'approve' | 'decline' | 'cancel';

/**
 * The shopper on the provider's page, reached from the payment's action (a redirect or frame after
 * the create, MilkyPay's form when found by a lookup): MilkyPay approve or decline, HPAY Pay or
 * Cancel, Payment Hub Pay, Decline payment or Cancel. HankoPay card payments need nothing. True
 * when the page took the decision (it answers with a redirect).
 */
export async function decideOnProviderPage(provider: CallbackProvider, action: PaymentAction | undefined, decision: Decision): Promise<boolean> {
  const page = action?.type === 'form' ? action.action : action?.type === 'redirect' || action?.type === 'iframe' ? action.url : undefined;
  if (!page) return false;
  let status: number;
  if (provider === 'milkypay') status = await decideMilkyPay(page, decision === 'approve' ? 'approve' : 'decline');
  else if (provider === 'hpay') status = await decideHpay(page, decision === 'approve' ? 'pay' : 'cancel');
  else if (provider === 'paymenthub') status = await decidePaymentHub(page, decision === 'approve' ? 'pay' : decision);
  else return false;
  return status >= 300 && status < 400;
}

/**
 * The shopper on HPAY's hosted page (checkout_url, `/checkout/?ref=...`): Pay or Cancel, the page's
 * two forms, each posting the transaction's ref. Cancel leaves the transaction UNPAID.
 */
export async function decideHpay(checkoutUrl: string, decision: 'pay' | 'cancel'): Promise<number> {
  const page = new URL(checkoutUrl);
  const action = new URL(`${page.pathname.replace(/\/+$/, '')}/${decision}`, page);
  const response = await fetch(action, { method: 'POST', body: new URLSearchParams({ ref: page.searchParams.get('ref') ?? '' }), redirect: 'manual' });
  await response.body?.cancel();
  return response.status;
}

/** The shopper on a Payment Hub vendor page (payment_url): Pay, Decline payment or Cancel. */
export async function decidePaymentHub(paymentUrl: string, decision: 'pay' | 'decline' | 'cancel'): Promise<number> {
  const response = await fetch(`${paymentUrl}/${decision}`, { method: 'POST', body: new URLSearchParams({ method: '' }), redirect: 'manual' });
  await response.body?.cancel();
  return response.status;
}

/** HPAY's history as the merchant reads it: getToken, then getPaymentHistory, everything at once. */
export async function hpayHistory(hpayUrl: string, keys: { apiKey: string; publicKey: string; secretKey: string; mode: string }): Promise<{ transaction_id: string; description: string; status: string }[]> {
  const post = async (path: string, body: Record<string, string>) => {
    const response = await fetch(`${hpayUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`HPAY ${path} answered ${response.status}`);
    return (await response.json()) as Record<string, unknown>;
  };
  const { token } = (await post('/getToken/', { api_key: keys.apiKey, api_public_key: keys.publicKey, api_secret_key: keys.secretKey, mode: keys.mode })) as { token: string };
  const { history } = (await post('/getPaymentHistory/', { api_key: keys.apiKey, public_key: keys.publicKey, mode: keys.mode, token, fetch_limit: '0,9999' })) as {
    history: { transaction_id: string; description: string; status: string }[];
  };
  return history;
}

/** HPAY has no field for our reference: the adapter ends each description with it. */
export function isHpayRecordOf(record: { description: string }, paymentId: string): boolean {
  return record.description.endsWith(`(ref ${paymentId})`);
}

/** MilkyPay's own records of a payment of ours (its reference_id), through the private API. */
export async function milkyPayInvoices(simulatorUrl: string, paymentId: string, basic = 'harness:harness-password'): Promise<{ id: string; status: string; resolution: string }[]> {
  const response = await fetch(`${simulatorUrl}/api/payment-invoices?filter[reference_id]=${encodeURIComponent(paymentId)}`, {
    headers: { authorization: `Basic ${Buffer.from(basic).toString('base64')}` },
  });
  const body = (await response.json()) as { data: { id: string; attributes: { status: string; resolution: string } }[] };
  return body.data.map((invoice) => ({ id: invoice.id, status: invoice.attributes.status, resolution: invoice.attributes.resolution }));
}

/** Runs `task` over `items` with at most `limit` at a time. */
export async function inBatches<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await task(items[index]!, index);
      }
    }),
  );
  return results;
}

export function shuffle<T>(items: T[], random: () => number = Math.random): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
