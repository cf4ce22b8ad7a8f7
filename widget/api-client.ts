import type {
  ApiErrorBody,
  CheckoutView,
  InstallmentsRequest,
  InstallmentsResponse,
  PayRequest,
  PayResponse,
  PaymentView,
} from '../server/api/widget-api.js';

/**
 * The widget's only way to the proxy: the four routes of the widget API, each with the
 * session token as a Bearer credential. The shopper's locale rides on the checkout request, so
 * the texts in that language come back with the methods, in the same answer. Every failure
 * comes out as a `CheckoutApiError`: the proxy's own `{error: {code, message}}`, or
 * `network_error` when no answer arrived. Aborting through the caller's signal rejects with the
 * signal's reason instead.
 */

/** A failed call to the proxy. `status` is 0 when no HTTP answer arrived. */
export class CheckoutApiError extends Error {
  override readonly name = 'CheckoutApiError';
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, status: number) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

export interface CheckoutApiOptions {
  /** The proxy's base URL, e.g. `https://pay.example.com`. */
  endpoint: string;
  /** The session JWT. */
  token: string;
  /** The language the checkout is wanted in (`tr-TR`); undefined lets the proxy use the session's. */
  locale?: string | undefined;
  /**
   * Set by the card-entry frame, which calls from the proxy's own origin: the origin of the page
   * that embeds it, so the proxy can still check the session token's binding to that page.
   */
  embedderOrigin?: string | undefined;
  /** For tests; defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** A call that has not answered by then fails as `network_error`. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

export class CheckoutApi {
  private readonly base: string;
  private readonly token: string;
  private readonly locale: string | undefined;
  private readonly embedderOrigin: string | undefined;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;

  constructor(options: CheckoutApiOptions) {
    this.base = options.endpoint.replace(/\/+$/, '');
    this.token = options.token;
    this.locale = options.locale;
    this.embedderOrigin = options.embedderOrigin;
    // Called through a closure: `window.fetch` invoked as another object's method throws "Illegal invocation".
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  getCheckout(signal?: AbortSignal): Promise<CheckoutView> {
    const query = this.locale ? `?locale=${encodeURIComponent(this.locale)}` : '';
    return this.request<CheckoutView>('GET', `/api/checkout${query}`, { signal });
  }

  createPayment(body: PayRequest, idempotencyKey: string, signal?: AbortSignal): Promise<PayResponse> {
    return this.request<PayResponse>('POST', '/api/checkout/payments', {
      body,
      headers: { 'Idempotency-Key': idempotencyKey },
      signal,
    });
  }

  getPayment(paymentId: string, signal?: AbortSignal): Promise<PaymentView> {
    return this.request<PaymentView>('GET', `/api/checkout/payments/${encodeURIComponent(paymentId)}`, { signal });
  }

  /** Installment plans for a card, from its first digits only (the BIN); the full number goes with the pay request alone. */
  getInstallmentOptions(body: InstallmentsRequest, signal?: AbortSignal): Promise<InstallmentsResponse> {
    return this.request<InstallmentsResponse>('POST', '/api/checkout/installments', { body, signal });
  }

  private async request<T>(
    method: 'GET' | 'POST',
    path: string,
    options: { body?: unknown; headers?: Record<string, string>; signal?: AbortSignal | undefined },
  ): Promise<T> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      Authorization: `Bearer ${this.token}`,
      ...(this.embedderOrigin && { 'Pay-Embedder-Origin': this.embedderOrigin }),
      ...options.headers,
    };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';

    // One controller for both the caller's abort and our timeout (AbortSignal.any is too new to rely on).
    const controller = new AbortController();
    const outer = options.signal;
    const onOuterAbort = () => controller.abort(outer?.reason);
    if (outer?.aborted) onOuterAbort();
    outer?.addEventListener('abort', onOuterAbort);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);

    try {
      let response: Response;
      let text: string;
      try {
        response = await this.fetchImpl(this.base + path, {
          method,
          headers,
          body: options.body === undefined ? null : JSON.stringify(options.body),
          signal: controller.signal,
          credentials: 'omit',
          cache: 'no-store',
        });
        text = await response.text();
      } catch (cause) {
        if (outer?.aborted) throw outer.reason;
        throw new CheckoutApiError(
          'network_error',
          timedOut ? 'The payment service did not answer in time.' : 'The payment service cannot be reached.',
          0,
        );
      }
      const body = parseJson(text);
      if (!response.ok) throw errorFromResponse(response.status, body);
      if (body === undefined) {
        throw new CheckoutApiError('invalid_response', 'The payment service sent an unreadable answer.', response.status);
      }
      return body as T;
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuterAbort);
    }
  }
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isErrorBody(body: unknown): body is ApiErrorBody {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const error: unknown = body.error;
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string' &&
    'message' in error &&
    typeof error.message === 'string'
  );
}

/** The proxy's error body when it sent one, else a generic error named after the HTTP status. */
export function errorFromResponse(status: number, body: unknown): CheckoutApiError {
  if (isErrorBody(body)) return new CheckoutApiError(body.error.code, body.error.message, status);
  return new CheckoutApiError(
    status >= 500 ? 'server_error' : 'http_error',
    `The payment service answered with HTTP ${status}.`,
    status,
  );
}

/** Anything thrown, as a CheckoutApiError (a bug in our own code must still reach the shopper as a message). */
export function toCheckoutApiError(error: unknown): CheckoutApiError {
  if (error instanceof CheckoutApiError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new CheckoutApiError('unexpected_error', message || 'Something went wrong.', 0);
}

/**
 * A fresh Idempotency-Key. `crypto.randomUUID` exists only in secure contexts, and a merchant
 * page may still be plain http, so a v4 UUID is built from `getRandomValues` there.
 */
export function newIdempotencyKey(): string {
  const cryptoApi = globalThis.crypto;
  if (typeof cryptoApi.randomUUID === 'function') return cryptoApi.randomUUID();
  const bytes = cryptoApi.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
