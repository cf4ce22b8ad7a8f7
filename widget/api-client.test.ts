import { describe, expect, it } from 'vitest';
import { CheckoutApi, CheckoutApiError, errorFromResponse, newIdempotencyKey } from './api-client.js';

type Call = { url: string; init: RequestInit };

function stubFetch(respond: (call: Call) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const call = { url: String(input), init: init ?? {} };
    calls.push(call);
    return respond(call);
  }) as typeof globalThis.fetch;
  return { calls, fetch };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

async function rejection(promise: Promise<unknown>): Promise<CheckoutApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(CheckoutApiError);
    return error as CheckoutApiError;
  }
  throw new Error('expected a rejection');
}

describe('CheckoutApi', () => {
  it('sends the session token and the Idempotency-Key, with a JSON body', async () => {
    const { calls, fetch } = stubFetch(() => json(201, { payment: { id: 'p1', status: 'pending' } }));
    const api = new CheckoutApi({ endpoint: 'https://proxy.test/', token: 'tok', fetch });
    const response = await api.createPayment({ methodId: 'm1', fields: { phone: '1' } }, 'key-1');
    expect(response.payment.id).toBe('p1');
    const call = calls[0]!;
    expect(call.url).toBe('https://proxy.test/api/checkout/payments');
    expect(call.init.method).toBe('POST');
    const headers = call.init.headers as Record<string, string>;
    expect(headers.Authorization).toBe('Bearer tok');
    expect(headers['Idempotency-Key']).toBe('key-1');
    expect(headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(String(call.init.body))).toEqual({ methodId: 'm1', fields: { phone: '1' } });
  });

  it('asks for the checkout in the wanted locale, in the same request', async () => {
    const { calls, fetch } = stubFetch(() => json(200, { methods: [] }));
    await new CheckoutApi({ endpoint: 'https://proxy.test', token: 't', fetch, locale: 'tr-TR' }).getCheckout();
    await new CheckoutApi({ endpoint: 'https://proxy.test', token: 't', fetch }).getCheckout();
    expect(calls.map((call) => call.url)).toEqual(['https://proxy.test/api/checkout?locale=tr-TR', 'https://proxy.test/api/checkout']);
  });

  it('asks for installment plans with the BIN in the body, never in the URL', async () => {
    const { calls, fetch } = stubFetch(() => json(200, { options: [] }));
    const answer = await new CheckoutApi({ endpoint: 'https://proxy.test', token: 't', fetch }).getInstallmentOptions({
      methodId: 'directcard:card',
      bin: '54211901',
    });
    expect(answer).toEqual({ options: [] });
    expect(calls[0]!.url).toBe('https://proxy.test/api/checkout/installments');
    expect(calls[0]!.init.method).toBe('POST');
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({ methodId: 'directcard:card', bin: '54211901' });
  });

  it('encodes the payment id in the status URL', async () => {
    const { calls, fetch } = stubFetch(() => json(200, { id: 'a/b', status: 'pending' }));
    await new CheckoutApi({ endpoint: 'https://proxy.test', token: 't', fetch }).getPayment('a/b');
    expect(calls[0]!.url).toBe('https://proxy.test/api/checkout/payments/a%2Fb');
  });

  it("turns the proxy's error body into a CheckoutApiError", async () => {
    const { fetch } = stubFetch(() => json(402, { error: { code: 'card_declined', message: 'The card was declined.' } }));
    const api = new CheckoutApi({ endpoint: 'https://proxy.test', token: 't', fetch });
    const error = await rejection(api.createPayment({ methodId: 'm' }, 'k'));
    expect(error).toMatchObject({ code: 'card_declined', message: 'The card was declined.', status: 402 });
  });

  it('names an error without a body after its HTTP status', async () => {
    const { fetch } = stubFetch(() => new Response('<html>Bad gateway</html>', { status: 502 }));
    const error = await rejection(new CheckoutApi({ endpoint: 'https://proxy.test', token: 't', fetch }).getCheckout());
    expect(error).toMatchObject({ code: 'server_error', status: 502 });
    expect(errorFromResponse(404, { error: 'nope' })).toMatchObject({ code: 'http_error', status: 404 });
  });

  it('reports a failed fetch as network_error with status 0', async () => {
    const { fetch } = stubFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    const error = await rejection(new CheckoutApi({ endpoint: 'https://proxy.test', token: 't', fetch }).getCheckout());
    expect(error).toMatchObject({ code: 'network_error', status: 0 });
  });

  it('reports a call that never answers as network_error', async () => {
    const { fetch } = stubFetch(
      ({ init }) =>
        new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))),
    );
    const api = new CheckoutApi({ endpoint: 'https://proxy.test', token: 't', fetch, timeoutMs: 20 });
    const error = await rejection(api.getCheckout());
    expect(error).toMatchObject({ code: 'network_error', message: 'The payment service did not answer in time.' });
  });

  it("rejects with the caller's abort reason, not a network error", async () => {
    const { fetch } = stubFetch(
      ({ init }) =>
        new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))),
    );
    const controller = new AbortController();
    const pending = new CheckoutApi({ endpoint: 'https://proxy.test', token: 't', fetch }).getCheckout(controller.signal);
    controller.abort(new Error('gone'));
    await expect(pending).rejects.toThrow('gone');
  });

  it('reports an unreadable success body as invalid_response', async () => {
    const { fetch } = stubFetch(() => new Response('not json', { status: 200 }));
    const error = await rejection(new CheckoutApi({ endpoint: 'https://proxy.test', token: 't', fetch }).getCheckout());
    expect(error).toMatchObject({ code: 'invalid_response', status: 200 });
  });
});

describe('newIdempotencyKey', () => {
  it('is a fresh v4 UUID each time', () => {
    const a = newIdempotencyKey();
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newIdempotencyKey()).not.toBe(a);
  });
});
