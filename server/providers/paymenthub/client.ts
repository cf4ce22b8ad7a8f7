/**
 * Payment Hub's HTTP client: URLs, the Bearer access token, error parsing, nothing else.
 *
 * `baseUrl` is scheme + host (+ an optional path prefix, to reach a simulator); every path is the
 * document's `/api/v1/...`. Every call carries the access token from the token manager, which
 * resets the pair once and retries once on a 401 (token-manager.ts). Errors: see http.ts.
 *
 * Choices where the document is silent:
 * - Timeouts: 20 s for the calls that move money (create, refund, cancel), whose unanswered
 *   outcome is `outcome_unknown`; 10 s for the reads. Both are options.
 * - `merchant_ref_code` goes into paths URL-encoded; ours are URL-safe anyway.
 * - fetch-multiple takes at most `fetchMultipleBatchSize` (50) references per call (the document
 *   states no limit); longer lists are sent in several calls and the answers joined.
 */
import type { z } from 'zod';
import { outboundFetch } from '../../http/outbound-fetch.js';
import { callPaymentHub, type PaymentHubTransport } from './http.js';
import {
  paymentHubCancelResponseSchema,
  paymentHubErrorLogResponseSchema,
  paymentHubFetchMultipleResponseSchema,
  paymentHubPaymentGatewayListResponseSchema,
  paymentHubRefundResponseSchema,
  paymentHubSharedPaymentResponseSchema,
  paymentHubTransactionResponseSchema,
  paymentHubTransactionStatusResponseSchema,
  paymentHubVendorListResponseSchema,
  type PaymentHubErrorLogEntry,
  type PaymentHubErrorLogRequest,
  type PaymentHubPaymentGateway,
  type PaymentHubRefundData,
  type PaymentHubRefundRequest,
  type PaymentHubSharedPaymentRequest,
  type PaymentHubTransactionRecord,
  type PaymentHubTransactionRequest,
  type PaymentHubVendor,
} from './paymenthub-types.js';
import type { PaymentHubTokenManager } from './token-manager.js';

export interface PaymentHubClientOptions {
  /** Scheme and host, optionally with a path prefix: `https://payment-hub.bnlstg.com`. */
  baseUrl: string;
  tokens: PaymentHubTokenManager;
  /** For create, refund and cancel; 20 s by default. */
  timeoutMs?: number;
  /** For the reads; 10 s by default. */
  readTimeoutMs?: number;
  fetchMultipleBatchSize?: number;
  fetch?: typeof fetch;
}

const DEFAULT_TIMEOUT_MS = 20_000;
const DEFAULT_READ_TIMEOUT_MS = 10_000;
const DEFAULT_BATCH_SIZE = 50;

interface ClientCall<T> {
  operation: string;
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  movesMoney: boolean;
  schema: z.ZodType<T, unknown>;
}

export class PaymentHubClient {
  private readonly transport: PaymentHubTransport;
  private readonly tokens: PaymentHubTokenManager;
  private readonly timeoutMs: number;
  private readonly readTimeoutMs: number;
  private readonly batchSize: number;

  constructor(options: PaymentHubClientOptions) {
    this.transport = { baseUrl: options.baseUrl.replace(/\/+$/, ''), fetch: options.fetch ?? outboundFetch };
    this.tokens = options.tokens;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.readTimeoutMs = options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
    this.batchSize = Math.max(1, options.fetchMultipleBatchSize ?? DEFAULT_BATCH_SIZE);
  }

  /** GET /api/v1/vendor-payment-gateway: every vendor, its methods, currencies and locales. */
  async listVendors(): Promise<PaymentHubVendor[]> {
    const answer = await this.call({ operation: 'the vendor list', method: 'GET', path: '/api/v1/vendor-payment-gateway', movesMoney: false, schema: paymentHubVendorListResponseSchema });
    return answer.data;
  }

  /** GET /api/v1/payment-gateway: the client's gateways (their ID is `payment_vendor`). */
  async listPaymentGateways(): Promise<PaymentHubPaymentGateway[]> {
    const answer = await this.call({ operation: 'the payment gateways', method: 'GET', path: '/api/v1/payment-gateway', movesMoney: false, schema: paymentHubPaymentGatewayListResponseSchema });
    return answer.data;
  }

  /** POST /api/v1/transactions: answers the vendor's `payment_url`. */
  async createTransaction(body: PaymentHubTransactionRequest): Promise<{ paymentUrl: string }> {
    const answer = await this.call({ operation: 'the transaction', method: 'POST', path: '/api/v1/transactions', body, movesMoney: true, schema: paymentHubTransactionResponseSchema });
    return { paymentUrl: answer.data.payment_url };
  }

  /** GET /api/v1/transactions/{merchant_ref_code}. An unknown reference is `not_found`. */
  async getTransaction(merchantRefCode: string): Promise<PaymentHubTransactionRecord> {
    const answer = await this.call({
      operation: 'the transaction status',
      method: 'GET',
      path: `/api/v1/transactions/${encodeURIComponent(merchantRefCode)}`,
      movesMoney: false,
      schema: paymentHubTransactionStatusResponseSchema,
    });
    return answer.data;
  }

  /** POST /api/v1/transactions/fetch-multiple, in batches. Unknown references are simply absent. */
  async fetchTransactions(merchantRefCodes: readonly string[]): Promise<PaymentHubTransactionRecord[]> {
    const records: PaymentHubTransactionRecord[] = [];
    for (let start = 0; start < merchantRefCodes.length; start += this.batchSize) {
      const batch = merchantRefCodes.slice(start, start + this.batchSize);
      const answer = await this.call({
        operation: 'fetch-multiple',
        method: 'POST',
        path: '/api/v1/transactions/fetch-multiple',
        body: { merchant_ref_code: batch },
        movesMoney: false,
        schema: paymentHubFetchMultipleResponseSchema,
      });
      records.push(...answer.data);
    }
    return records;
  }

  /** POST /api/v1/transactions/refund: full (no amount) or partial. */
  async refundTransaction(body: PaymentHubRefundRequest): Promise<PaymentHubRefundData> {
    const answer = await this.call({ operation: 'the refund', method: 'POST', path: '/api/v1/transactions/refund', body, movesMoney: true, schema: paymentHubRefundResponseSchema });
    return answer.data;
  }

  /** POST /api/v1/transactions/{merchant_ref_code}/cancel: initial transactions only. */
  async cancelTransaction(merchantRefCode: string): Promise<PaymentHubTransactionRecord> {
    const answer = await this.call({
      operation: 'the cancellation',
      method: 'POST',
      path: `/api/v1/transactions/${encodeURIComponent(merchantRefCode)}/cancel`,
      movesMoney: true,
      schema: paymentHubCancelResponseSchema,
    });
    return answer.data;
  }

  /** POST /api/v1/transactions/log?page=N: the error log, filtered (empty strings: no filter). */
  async errorLog(filter: PaymentHubErrorLogRequest, page = 1): Promise<PaymentHubErrorLogEntry[]> {
    const answer = await this.call({
      operation: 'the error log',
      method: 'POST',
      path: `/api/v1/transactions/log?page=${Math.max(1, Math.floor(page))}`,
      body: filter,
      movesMoney: false,
      schema: paymentHubErrorLogResponseSchema,
    });
    return answer.data;
  }

  /** POST /api/v1/shared-payment/initialize: one payment link over several methods. */
  async initializeSharedPayment(body: PaymentHubSharedPaymentRequest): Promise<{ paymentLink: string; sharedPaymentId: string }> {
    const answer = await this.call({
      operation: 'the shared payment',
      method: 'POST',
      path: '/api/v1/shared-payment/initialize',
      body,
      movesMoney: true,
      schema: paymentHubSharedPaymentResponseSchema,
    });
    return { paymentLink: answer.data.payment_link, sharedPaymentId: answer.data.shared_payment.ID };
  }

  private call<T>(spec: ClientCall<T>): Promise<T> {
    return this.tokens.withAccessToken((accessToken) =>
      callPaymentHub(this.transport, {
        ...spec,
        bearer: accessToken,
        auth: false,
        timeoutMs: spec.movesMoney ? this.timeoutMs : this.readTimeoutMs,
      }),
    );
  }
}
