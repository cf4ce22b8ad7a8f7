/**
 * HankoPay's HTTP client: URLs, headers, authentication and error parsing, nothing else.
 *
 * `baseUrl` is scheme + host (+ an optional path prefix, used to reach the built-in simulator);
 * every endpoint lives under `/api/v1/...`. Every request carries `Authorization: Bearer <merchant
 * API key>` and JSON.
 *
 * Choices where the document is silent:
 * - Error bodies are not documented. Every documented answer carries `success`, so a non-2xx
 *   answer, or a 2xx with `success: false`, is read for `code` and `message`/`error` and becomes a
 *   ProviderError (see `toHankoPayError`).
 * - Calls that can move money (create, refund, payout) answer a timeout, a network failure, a 5xx
 *   or an unreadable 2xx with `outcome_unknown`: it may have happened. Reads answer them with
 *   `provider_unavailable`.
 * - Timeouts: 30 s for calls that move money (3-D Secure and issuers can be slow), 10 s for reads.
 * - Nothing of a request body ever goes into an error: the bodies carry card data.
 */
import { sendProviderRequest } from '../provider-http.js';
import type { z } from 'zod';
import { ProviderError } from '../../errors.js';
import { outboundFetch } from '../../http/outbound-fetch.js';
import {
  hankoPayBalanceResponseSchema,
  hankoPayPayoutResponseSchema,
  hankoPayRefundResponseSchema,
  hankoPayStatusResponseSchema,
  hankoPayTransactionDetailsSchema,
  hankoPayTransactionListSchema,
  hankoPayTransactionResponseSchema,
  type HankoPayBalanceResponse,
  type HankoPayPayoutRequest,
  type HankoPayPayoutResponse,
  type HankoPayRefundRequest,
  type HankoPayRefundResponse,
  type HankoPayStatusResponse,
  type HankoPayTransactionList,
  type HankoPayTransactionRecord,
  type HankoPayTransactionRequest,
  type HankoPayTransactionResponse,
} from './hankopay-types.js';
import { HANKOPAY_PROVIDER_ID, scrubHankoPayPayload, toHankoPayError } from './transformers.js';

export interface HankoPayClientOptions {
  /** Scheme and host, optionally with a path prefix: `https://api.hankopay.example`. */
  baseUrl: string;
  /** The merchant API key, sent as the Bearer token. */
  apiKey: string;
  /** Per call that can move money; 30 s by default. */
  timeoutMs?: number;
  /** Per read; 10 s by default. */
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

export class HankoPayClient {
  private readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly timeoutMs: number;
  private readonly readTimeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: HankoPayClientOptions) {
    this.baseUrl = `${options.baseUrl.replace(/\/+$/, '')}/api/v1`;
    this.apiKey = options.apiKey;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.readTimeoutMs = options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
    this.fetchImpl = options.fetch ?? outboundFetch;
  }

  /** POST /api/v1/transactions: a card transaction, card data included. */
  createTransaction(body: HankoPayTransactionRequest): Promise<HankoPayTransactionResponse> {
    return this.call({ operation: 'the transaction', method: 'POST', path: '/transactions', body, movesMoney: true, schema: hankoPayTransactionResponseSchema });
  }

  /** GET /api/v1/transactions/:transactionId/status. */
  getStatus(transactionId: string): Promise<HankoPayStatusResponse> {
    return this.call({
      operation: 'the status lookup',
      method: 'GET',
      path: `/transactions/${encodeURIComponent(transactionId)}/status`,
      movesMoney: false,
      schema: hankoPayStatusResponseSchema,
    });
  }

  /** GET /api/v1/transactions/:transactionId: the stored record. */
  getTransaction(transactionId: string): Promise<HankoPayTransactionRecord> {
    return this.call({
      operation: 'the transaction details',
      method: 'GET',
      path: `/transactions/${encodeURIComponent(transactionId)}`,
      movesMoney: false,
      schema: hankoPayTransactionDetailsSchema,
    });
  }

  /** GET /api/v1/transactions?limit=&page=. */
  listTransactions(query: { page: number; limit: number }): Promise<HankoPayTransactionList> {
    const search = new URLSearchParams({ limit: String(query.limit), page: String(query.page) });
    return this.call({
      operation: 'the transaction list',
      method: 'GET',
      path: `/transactions?${search.toString()}`,
      movesMoney: false,
      schema: hankoPayTransactionListSchema,
    });
  }

  /** POST /api/v1/transactions/:transactionId/refund: full or partial. */
  refund(transactionId: string, body: HankoPayRefundRequest): Promise<HankoPayRefundResponse> {
    return this.call({
      operation: 'the refund',
      method: 'POST',
      path: `/transactions/${encodeURIComponent(transactionId)}/refund`,
      body,
      movesMoney: true,
      schema: hankoPayRefundResponseSchema,
    });
  }

  /** POST /api/v1/payouts. */
  createPayout(body: HankoPayPayoutRequest): Promise<HankoPayPayoutResponse> {
    return this.call({ operation: 'the payout', method: 'POST', path: '/payouts', body, movesMoney: true, schema: hankoPayPayoutResponseSchema });
  }

  /** GET /api/v1/wallet/balance. */
  walletBalance(): Promise<HankoPayBalanceResponse> {
    return this.call({ operation: 'the wallet balance', method: 'GET', path: '/wallet/balance', movesMoney: false, schema: hankoPayBalanceResponseSchema });
  }

  private async call<T>(spec: CallSpec<T>): Promise<T> {
    const unreachable = spec.movesMoney ? 'outcome_unknown' : 'provider_unavailable';
    const timeoutMs = spec.movesMoney ? this.timeoutMs : this.readTimeoutMs;
    const answer = await sendProviderRequest({
      provider: HANKOPAY_PROVIDER_ID,
      providerName: 'HankoPay',
      operation: spec.operation,
      url: `${this.baseUrl}${spec.path}`,
      method: spec.method,
      headers: { Authorization: `Bearer ${this.apiKey}` },
      body: spec.body,
      timeoutMs,
      movesMoney: spec.movesMoney,
      fetch: this.fetchImpl,
    });
    const { json, text } = answer;
    const response = answer;
    if (!response.ok) throw toHankoPayError(response.status, json ?? text.slice(0, 500), spec.operation, spec.movesMoney);
    if (isRefusal(json)) throw toHankoPayError(response.status, json, spec.operation, spec.movesMoney);
    const parsed = spec.schema.safeParse(json);
    if (!parsed.success) {
      throw new ProviderError(
        unreachable,
        `HankoPay answered ${spec.operation} with HTTP ${response.status} and a body that is not the documented shape`,
        HANKOPAY_PROVIDER_ID,
        response.status,
        scrubHankoPayPayload(json ?? text.slice(0, 500)),
      );
    }
    return parsed.data;
  }
}

/** A 2xx whose `success` is false: HankoPay refused, whatever the HTTP status says. */
function isRefusal(json: unknown): boolean {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return false;
  const success = (json as { success?: unknown }).success;
  return success === false || success === 'false';
}
