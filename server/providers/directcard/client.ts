/**
 * directcard's HTTP client: URLs, headers, authentication and error parsing, nothing else.
 *
 * `baseUrl` is scheme + host (+ an optional path prefix, used to reach the built-in simulator);
 * every endpoint lives under `/api/...`. Every request carries X-API-KEY and X-API-SECRET.
 *
 * Choices where the document is silent:
 * - Only 401 is documented as an error. Any other non-2xx answer is read for `resultCode` and
 *   `resultMessage` (the words the document uses for outcomes), or a `message`/`error`, and
 *   becomes a ProviderError (see `toDirectCardError`). A 2xx ApiPaymentResponse with status
 *   FAILED is an outcome, not an error: it is returned for the adapter to map.
 * - Calls that can move money (payment, pre-authorization, capture, 3-D Secure start and
 *   completion, checkout creation) answer a timeout, a network failure, a 5xx or an unreadable
 *   2xx with `outcome_unknown`: the charge may have happened, and directcard documents no way to
 *   look a card payment up. Reads (installment options, checkout lookup) answer them with
 *   `provider_unavailable`.
 * - Timeouts: 30 s for calls that move money (an issuer's authorization can take that long),
 *   10 s for reads. Both are options.
 * - Nothing of a request body ever goes into an error: the bodies carry card data.
 */
import { sendProviderRequest } from '../provider-http.js';
import type { z } from 'zod';
import { ProviderError } from '../../errors.js';
import { outboundFetch } from '../../http/outbound-fetch.js';
import {
  directCardCheckoutResponseSchema,
  directCardInstallmentOptionsResponseSchema,
  directCardPaymentResponseSchema,
  directCardThreeDSecureResponseSchema,
  type DirectCardCaptureRequest,
  type DirectCardCheckoutRequest,
  type DirectCardCheckoutResponse,
  type DirectCardInstallmentOptionsRequest,
  type DirectCardInstallmentOptionsResponse,
  type DirectCardPaymentRequest,
  type DirectCardPaymentResponse,
  type DirectCardPreAuthorizationRequest,
  type DirectCardThreeDSecureCompleteRequest,
  type DirectCardThreeDSecureRequest,
  type DirectCardThreeDSecureResponse,
} from './directcard-types.js';
import { DIRECTCARD_PROVIDER_ID, scrubDirectCardPayload, toDirectCardError } from './transformers.js';

export interface DirectCardClientOptions {
  /** Scheme and host, optionally with a path prefix: `https://api.directcard.example`. */
  baseUrl: string;
  apiKey: string;
  apiSecret: string;
  /** Per call that can move money; 30 s by default. */
  timeoutMs?: number;
  /** Per read (installment options, checkout lookup); 10 s by default. */
  readTimeoutMs?: number;
  fetch?: typeof fetch;
}

interface CallSpec<T> {
  operation: string;
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  movesMoney: boolean;
  schema: z.ZodType<T, unknown>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_READ_TIMEOUT_MS = 10_000;

export class DirectCardClient {
  private readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly apiSecret: string;
  private readonly timeoutMs: number;
  private readonly readTimeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: DirectCardClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.apiSecret = options.apiSecret;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.readTimeoutMs = options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
    this.fetchImpl = options.fetch ?? outboundFetch;
  }

  /** POST /api/payment: a payment without 3-D Secure. */
  pay(body: DirectCardPaymentRequest): Promise<DirectCardPaymentResponse> {
    return this.call({ operation: 'the payment', method: 'POST', path: '/api/payment', body, movesMoney: true, schema: directCardPaymentResponseSchema });
  }

  /** POST /api/pre-authorization: holds the amount, captured later. */
  preAuthorize(body: DirectCardPreAuthorizationRequest): Promise<DirectCardPaymentResponse> {
    return this.call({
      operation: 'the pre-authorization',
      method: 'POST',
      path: '/api/pre-authorization',
      body,
      movesMoney: true,
      schema: directCardPaymentResponseSchema,
    });
  }

  /** POST /api/pre-authorization/{paymentId}/capture: up to the pre-authorized amount. */
  capture(paymentId: string, body: DirectCardCaptureRequest): Promise<DirectCardPaymentResponse> {
    return this.call({
      operation: 'the capture',
      method: 'POST',
      path: `/api/pre-authorization/${encodeURIComponent(paymentId)}/capture`,
      body,
      movesMoney: true,
      schema: directCardPaymentResponseSchema,
    });
  }

  /** POST /api/3ds: starts a 3-D Secure payment; the answer carries the markup to show. */
  startThreeDSecure(body: DirectCardThreeDSecureRequest): Promise<DirectCardThreeDSecureResponse> {
    return this.call({
      operation: '3-D Secure',
      method: 'POST',
      path: '/api/3ds',
      body,
      movesMoney: true,
      schema: directCardThreeDSecureResponseSchema,
    });
  }

  /** POST /api/3ds/{paymentId}/complete with the securityKey directcard posted back. */
  completeThreeDSecure(paymentId: string, body: DirectCardThreeDSecureCompleteRequest): Promise<DirectCardPaymentResponse> {
    return this.call({
      operation: 'the 3-D Secure completion',
      method: 'POST',
      path: `/api/3ds/${encodeURIComponent(paymentId)}/complete`,
      body,
      movesMoney: true,
      schema: directCardPaymentResponseSchema,
    });
  }

  /** POST /api/installment-options. */
  installmentOptions(body: DirectCardInstallmentOptionsRequest): Promise<DirectCardInstallmentOptionsResponse> {
    return this.call({
      operation: 'the installment options',
      method: 'POST',
      path: '/api/installment-options',
      body,
      movesMoney: false,
      schema: directCardInstallmentOptionsResponseSchema,
    });
  }

  /** POST /api/checkout: a hosted checkout link. */
  createCheckout(body: DirectCardCheckoutRequest): Promise<DirectCardCheckoutResponse> {
    return this.call({
      operation: 'the checkout link',
      method: 'POST',
      path: '/api/checkout',
      body,
      movesMoney: true,
      schema: directCardCheckoutResponseSchema,
    });
  }

  /** GET /api/checkout/{checkoutId}: the checkout's payment, the only status lookup documented. */
  getCheckout(checkoutId: string): Promise<DirectCardPaymentResponse> {
    return this.call({
      operation: 'the checkout lookup',
      method: 'GET',
      path: `/api/checkout/${encodeURIComponent(checkoutId)}`,
      movesMoney: false,
      schema: directCardPaymentResponseSchema,
    });
  }

  private async call<T>(spec: CallSpec<T>): Promise<T> {
    const unreachable = spec.movesMoney ? 'outcome_unknown' : 'provider_unavailable';
    const timeoutMs = spec.movesMoney ? this.timeoutMs : this.readTimeoutMs;
    const answer = await sendProviderRequest({
      provider: DIRECTCARD_PROVIDER_ID,
      providerName: 'directcard',
      operation: spec.operation,
      url: `${this.baseUrl}${spec.path}`,
      method: spec.method,
      headers: { 'X-API-KEY': this.apiKey, 'X-API-SECRET': this.apiSecret },
      body: spec.body,
      timeoutMs,
      movesMoney: spec.movesMoney,
      fetch: this.fetchImpl,
    });
    const { json, text } = answer;
    const response = answer;
    if (!response.ok) throw toDirectCardError(response.status, json ?? text.slice(0, 500), spec.operation, spec.movesMoney);
    const parsed = spec.schema.safeParse(json);
    if (!parsed.success) {
      throw new ProviderError(
        unreachable,
        `directcard answered ${spec.operation} with HTTP ${response.status} and a body that is not the documented shape`,
        DIRECTCARD_PROVIDER_ID,
        response.status,
        scrubDirectCardPayload(json ?? text.slice(0, 500)),
      );
    }
    return parsed.data;
  }
}

