import { MERCHANT_KEY, SHOP_ORIGIN } from './proxy-harness.js';

/** An answer with its parsed JSON body (tests read whatever shape they expect). */
export interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** A call to the merchant API, as a merchant's backend makes it. */
export async function merchantCall(baseUrl: string, method: string, path: string, body?: unknown, key = MERCHANT_KEY): Promise<Answer> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** A call to the widget API, as the element makes it from a merchant page. */
export async function widgetCall(
  baseUrl: string,
  method: string,
  path: string,
  token: string,
  options: { body?: unknown; origin?: string; key?: string } = {},
): Promise<Answer> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      origin: options.origin ?? SHOP_ORIGIN,
      'content-type': 'application/json',
      ...(options.key ? { 'idempotency-key': options.key } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  return { status: response.status, body: await response.json() };
}
