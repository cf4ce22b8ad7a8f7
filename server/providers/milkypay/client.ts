/**
 * MilkyPay's HTTP client: URLs, headers, authentication and error parsing, nothing else.
 *
 * `baseUrl` is scheme + host (+ an optional path prefix, used to reach the built-in simulator);
 * the public API lives under `/public-api/...` and the private API under `/api/...`.
 *
 * Choices where the document is silent:
 * - Content-Type: the private API answers JSON:API, but every request sample is plain JSON and
 *   no media type is named, so requests are sent as `application/json` (with
 *   `Accept: application/vnd.api+json, application/json`).
 * - The public by-id look-up (GET /public-api/payment-invoices/{id}) "authenticates with the
 *   public key" without saying how a GET carries it: it is sent as the `public_key` query
 *   parameter, the same name the POST bodies use.
 * - 409 on create is not an error: the document says its body is the previously created
 *   transaction, so it is parsed as an invoice and returned with `duplicate: true`. A 409 body
 *   that is not an invoice raises `conflict`.
 * - A create that times out, cannot connect, answers 5xx or answers an unreadable 2xx raises
 *   `outcome_unknown`: the invoice may exist ("Check the transaction status" says the document).
 *   The same failures on a read raise `provider_unavailable`.
 * - The by-reference look-up answers `[]` on 404, since "no invoice with this reference" is the
 *   answer the caller is after.
 */
import { parseJsonBody } from '../parse-json.js';
import type { z } from 'zod';
import { ProviderError } from '../../errors.js';
import { outboundFetch } from '../../http/outbound-fetch.js';
import {
  milkyPayAnyInvoiceSchema,
  milkyPayInvoiceListSchema,
  milkyPayInvoiceSchema,
  milkyPayPrerequestResponseSchema,
  milkyPayPrivateInvoiceSchema,
  type MilkyPayAnyInvoice,
  type MilkyPayInvoice,
  type MilkyPayPrerequestRequest,
  type MilkyPayPrerequestResponse,
  type MilkyPayPrivateInvoice,
  type MilkyPayPrivateInvoiceRequest,
  type MilkyPayPrivateInvoiceResource,
  type MilkyPayPublicInvoiceRequest,
} from './milkypay-types.js';
import { invoiceResourcesOf, MILKYPAY_PROVIDER_ID, scrubMilkyPayPayload, toMilkyPayError } from './transformers.js';

export interface MilkyPayClientOptions {
  /** Scheme and host, optionally with a path prefix: `https://api.milkypay.example`. */
  baseUrl: string;
  publicKey: string;
  /** HTTP Basic user and password of the private API; without them only the public API is used. */
  apiUser?: string;
  apiPassword?: string;
  /** Per call, 10 s by default. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface MilkyPayCreatedInvoice<T extends MilkyPayAnyInvoice = MilkyPayAnyInvoice> {
  invoice: T;
  /** True when MilkyPay answered 409 with the invoice created earlier for the same reference_id. */
  duplicate: boolean;
}

type CallKind = 'create' | 'read';

interface CallSpec<T> {
  kind: CallKind;
  operation: string;
  method: 'GET' | 'POST';
  url: string;
  body?: unknown;
  basicAuth?: boolean;
  schema: z.ZodType<T>;
  /** Statuses whose body is still the expected document (409 on create). */
  acceptStatuses?: number[];
  /** A 404 that is an answer, not an error. */
  notFoundValue?: T;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export class MilkyPayClient {
  private readonly baseUrl: string;
  private readonly publicKey: string;
  private readonly apiUser: string | undefined;
  private readonly apiPassword: string | undefined;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: MilkyPayClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.publicKey = options.publicKey;
    this.apiUser = options.apiUser || undefined;
    this.apiPassword = options.apiPassword || undefined;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fetchImpl = options.fetch ?? outboundFetch;
  }

  get hasPrivateCredentials(): boolean {
    return this.apiUser !== undefined && this.apiPassword !== undefined;
  }

  /** PUBLIC POST /public-api/payment-prerequest: services and methods for a currency. */
  prerequest(currency: string): Promise<MilkyPayPrerequestResponse> {
    const body: MilkyPayPrerequestRequest = { public_key: this.publicKey, currency };
    return this.call({
      kind: 'read',
      operation: 'payment pre-request',
      method: 'POST',
      url: this.publicUrl('/payment-prerequest'),
      body,
      schema: milkyPayPrerequestResponseSchema,
    });
  }

  /** PRIVATE POST /api/payment-invoices (HTTP Basic). A 409 returns the earlier invoice. */
  async createInvoicePrivate(body: MilkyPayPrivateInvoiceRequest): Promise<MilkyPayCreatedInvoice> {
    return this.create(this.privateUrl('/payment-invoices'), body, true);
  }

  /** PUBLIC POST /public-api/payment-invoices (public key in the body). A 409 returns the earlier invoice. */
  async createInvoicePublic(body: MilkyPayPublicInvoiceRequest): Promise<MilkyPayCreatedInvoice> {
    return this.create(this.publicUrl('/payment-invoices'), body, false);
  }

  /** PRIVATE GET /api/payment-invoices/{id}. */
  getInvoicePrivate(id: string): Promise<MilkyPayPrivateInvoice> {
    return this.call({
      kind: 'read',
      operation: 'invoice look-up',
      method: 'GET',
      url: this.privateUrl(`/payment-invoices/${encodeURIComponent(id)}`),
      basicAuth: true,
      schema: milkyPayPrivateInvoiceSchema,
    });
  }

  /** PRIVATE GET /api/payment-invoices?filter[reference_id]=...; every invoice with that reference. */
  async findInvoicesByReference(referenceId: string): Promise<MilkyPayPrivateInvoiceResource[]> {
    const list = await this.call({
      kind: 'read',
      operation: 'invoice look-up by reference_id',
      method: 'GET',
      url: this.privateUrl(`/payment-invoices?filter[reference_id]=${encodeURIComponent(referenceId)}`),
      basicAuth: true,
      schema: milkyPayInvoiceListSchema,
      notFoundValue: { data: [] },
    });
    return invoiceResourcesOf(list);
  }

  /** PUBLIC GET /public-api/payment-invoices/{id}?public_key=... */
  getInvoicePublic(id: string): Promise<MilkyPayInvoice> {
    return this.call({
      kind: 'read',
      operation: 'invoice look-up',
      method: 'GET',
      url: this.publicUrl(`/payment-invoices/${encodeURIComponent(id)}?public_key=${encodeURIComponent(this.publicKey)}`),
      schema: milkyPayInvoiceSchema,
    });
  }

  private publicUrl(path: string): string {
    return `${this.baseUrl}/public-api${path}`;
  }

  private privateUrl(path: string): string {
    return `${this.baseUrl}/api${path}`;
  }

  private async create(url: string, body: unknown, basicAuth: boolean): Promise<MilkyPayCreatedInvoice> {
    const { data, status } = await this.send<MilkyPayAnyInvoice>({
      kind: 'create',
      operation: 'invoice creation',
      method: 'POST',
      url,
      body,
      basicAuth,
      schema: milkyPayAnyInvoiceSchema,
      acceptStatuses: [409],
    });
    return { invoice: data, duplicate: status === 409 };
  }

  private headers(spec: { operation: string; body?: unknown; basicAuth?: boolean }): Record<string, string> {
    const headers: Record<string, string> = { Accept: 'application/vnd.api+json, application/json' };
    if (spec.body !== undefined) headers['Content-Type'] = 'application/json';
    if (spec.basicAuth) {
      if (!this.hasPrivateCredentials) {
        throw new ProviderError(
          'authentication_failed',
          `MilkyPay ${spec.operation} needs the private API credentials (API user and password)`,
          MILKYPAY_PROVIDER_ID,
        );
      }
      const token = Buffer.from(`${this.apiUser ?? ''}:${this.apiPassword ?? ''}`, 'utf8').toString('base64');
      headers.Authorization = `Basic ${token}`;
    }
    return headers;
  }

  private async call<T>(spec: CallSpec<T>): Promise<T> {
    return (await this.send(spec)).data;
  }

  private async send<T>(spec: CallSpec<T>): Promise<{ data: T; status: number }> {
    const headers = this.headers(spec);
    const unreachableCode = spec.kind === 'create' ? 'outcome_unknown' : 'provider_unavailable';
    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(spec.url, {
        method: spec.method,
        headers,
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'manual',
      });
      text = await response.text();
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new ProviderError(
        unreachableCode,
        timedOut
          ? `MilkyPay ${spec.operation} timed out after ${this.timeoutMs} ms`
          : `MilkyPay ${spec.operation} failed: ${error instanceof Error ? error.message : String(error)}`,
        MILKYPAY_PROVIDER_ID,
      );
    }
    const json = parseJsonBody(text);

    if (response.status === 404 && spec.notFoundValue !== undefined) {
      return { data: spec.notFoundValue, status: response.status };
    }
    const accepted = response.ok || (spec.acceptStatuses ?? []).includes(response.status);
    if (!accepted) {
      // A create whose answer is a server error may still have created the invoice.
      const code = spec.kind === 'create' && response.status >= 500 ? 'outcome_unknown' : undefined;
      throw toMilkyPayError(response.status, json, code);
    }
    const parsed = spec.schema.safeParse(json);
    if (!parsed.success) {
      if (response.status === 409) throw toMilkyPayError(409, json, 'conflict');
      throw new ProviderError(
        unreachableCode,
        `MilkyPay ${spec.operation} answered HTTP ${response.status} with a body that is not the documented shape`,
        MILKYPAY_PROVIDER_ID,
        response.status,
        scrubMilkyPayPayload(json ?? text.slice(0, 500)),
      );
    }
    return { data: parsed.data, status: response.status };
  }
}

