/**
 * HPAY's HTTP client: URLs, the token, error parsing, nothing else.
 *
 * `baseUrl` is scheme + host (+ an optional path prefix, used to reach the built-in simulator);
 * the endpoints are the document's `/getToken/`, `/payment/`, `/getPaymentHistory/` and
 * `/getCollectBalance/`, all POST with a JSON body and no auth header: the keys travel in the
 * body, with the field names the document gives each call (`api_public_key` on getToken and
 * getCollectBalance, `public_key` on payment and getPaymentHistory).
 *
 * The token: getToken answers a token that lives 15 minutes (`livetime: "15mn"`). It is kept
 * for that life (read from `livetime`, 15 minutes when unreadable) minus a margin (one minute by
 * default), counted from when the answer arrived on our clock, and shared: concurrent callers
 * wait for the one getToken in flight (single flight); a failed getToken is not kept. A call that
 * HPAY answers as "token expired or invalid" drops that token, gets a new one (shared again) and
 * is retried once; a second refusal is `authentication_failed`, never a loop.
 *
 * Choices where the document is silent:
 * - Errors are not documented beyond the envelope `success` / `message` / `error_code` (0 on
 *   success). An answer is an error when its HTTP status is not 2xx, `success` is false, or
 *   `error_code` is present and not 0. It is read as:
 *     token refused (refresh + one retry): error_code 103 or 104, or a 401 / message that speaks
 *       of the token ("token expired", "invalid token") on a call that sent one;
 *     authentication_failed: error_code 102, HTTP 401/403, or any refusal of getToken itself;
 *     invalid_request: error_code 101, HTTP 400/404/422;
 *     provider_unavailable: HTTP 5xx, network failure, timeout, or an unreadable 2xx, except
 *     outcome_unknown for the same on /payment/ (a transaction may exist);
 *     provider_rejected: any other refusal, with HPAY's message.
 *   101-105 are the codes the built-in simulator answers with (see simulator.ts).
 * - Timeouts: 20 s for /payment/, 10 s for the token and the reads. Both are options.
 * - Nothing of a request body goes into an error: bodies carry the keys and the token.
 */
import type { z } from 'zod';
import { ProviderError, type ErrorCode } from '../../errors.js';
import { outboundFetch } from '../../http/outbound-fetch.js';
import { parseJsonBody } from '../parse-json.js';
import {
  hpayCollectBalanceResponseSchema,
  hpayEnvelopeSchema,
  hpayPaymentHistoryResponseSchema,
  hpayPaymentResponseSchema,
  hpayTokenResponseSchema,
  type HpayCollectBalanceResponse,
  type HpayMode,
  type HpayPaymentHistoryRequest,
  type HpayPaymentHistoryResponse,
  type HpayPaymentRequest,
  type HpayPaymentResponse,
  type HpayTokenResponse,
} from './hpay-types.js';
import {
  HPAY_PROVIDER_ID,
  scrubHpayPayload,
  toCollectBalanceRequest,
  toTokenRequest,
  tokenLifetimeMs,
  type HpayKeys,
} from './transformers.js';

export interface HpayClientOptions {
  /** Scheme and host, optionally with a path prefix: `https://api.hpay.example`. */
  baseUrl: string;
  apiKey: string;
  publicKey: string;
  secretKey: string;
  mode: HpayMode;
  /** For /payment/; 20 s by default. */
  timeoutMs?: number;
  /** For getToken and the reads; 10 s by default. */
  readTimeoutMs?: number;
  /** How long before its announced end a token is given up; one minute by default. */
  tokenMarginMs?: number;
  fetch?: typeof fetch;
  /** The clock, in epoch milliseconds (tests move it). */
  now?: () => number;
  /** Where several proxy instances share one token (the store); absent: this process's own. */
  sharedToken?: HpaySharedToken;
}

/**
 * One token for every instance of the proxy. HPAY's document does not say whether a new getToken
 * ends the tokens issued before it, so instances must not each get their own and risk taking it
 * from one another: under `lock`, an instance uses the stored token while it lives, and only one
 * of them asks for the next.
 */
export interface HpaySharedToken {
  load(): Promise<HpayAccessToken | undefined>;
  save(token: HpayAccessToken): Promise<void>;
  lock<T>(fn: () => Promise<T>): Promise<T>;
}

/** A token and what getToken said about the account with it. */
export interface HpayAccessToken {
  token: string;
  /** When we stop using it (epoch ms, our clock): its life minus the margin. */
  usableUntil: number;
  /** The account's currency (`balance.currency`): the purchase currency of every payment. */
  currency?: string;
  company?: string;
}

/** HPAY refused the token a call carried (expired or unknown). Raised only inside the client. */
export class HpayTokenRejectedError extends ProviderError {
  constructor(message: string, httpStatus?: number, raw?: unknown) {
    super('authentication_failed', message, HPAY_PROVIDER_ID, httpStatus, raw);
    this.name = 'HpayTokenRejectedError';
  }
}

/** Error codes of HPAY's envelope, as the simulator writes them (the document lists none). */
export const HPAY_ERROR_CODES = {
  invalidRequest: 101,
  invalidCredentials: 102,
  invalidToken: 103,
  expiredToken: 104,
  invalidMode: 105,
} as const;

const DEFAULT_TIMEOUT_MS = 20_000;
const DEFAULT_READ_TIMEOUT_MS = 10_000;
const DEFAULT_TOKEN_MARGIN_MS = 60_000;

interface CallSpec<T> {
  operation: string;
  path: string;
  body: unknown;
  /** /payment/: an unanswered call may have created a transaction. */
  creates: boolean;
  /** The call carries a token (its refusal may be the token's). */
  withToken: boolean;
  schema: z.ZodType<T, unknown>;
}

export class HpayClient {
  private readonly baseUrl: string;
  private readonly keys: HpayKeys;
  private readonly timeoutMs: number;
  private readonly readTimeoutMs: number;
  private readonly tokenMarginMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;
  private current: HpayAccessToken | undefined;
  private loading: Promise<HpayAccessToken> | undefined;
  private readonly shared: HpaySharedToken | undefined;
  /** The last token HPAY refused: never taken back from the shared store. */
  private rejectedToken: string | undefined;

  constructor(options: HpayClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.keys = { apiKey: options.apiKey, publicKey: options.publicKey, secretKey: options.secretKey, mode: options.mode };
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.readTimeoutMs = options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
    this.tokenMarginMs = options.tokenMarginMs ?? DEFAULT_TOKEN_MARGIN_MS;
    this.fetchImpl = options.fetch ?? outboundFetch;
    this.shared = options.sharedToken;
    this.now = options.now ?? Date.now;
  }

  get mode(): HpayMode {
    return this.keys.mode;
  }

  /** The keys as the transformers need them. */
  get credentials(): HpayKeys {
    return this.keys;
  }

  /** A usable token: the cached one, the one being fetched, or a new one (single flight). */
  accessToken(): Promise<HpayAccessToken> {
    const current = this.current;
    if (current && current.usableUntil > this.now()) return Promise.resolve(current);
    if (this.loading) return this.loading;
    const loading = this.obtainToken()
      .then((token) => {
        this.current = token;
        return token;
      })
      .finally(() => {
        if (this.loading === loading) this.loading = undefined;
      });
    this.loading = loading;
    return loading;
  }

  /** The shared token while it lives, else a new one saved for every instance; this process's own without sharing. */
  private async obtainToken(): Promise<HpayAccessToken> {
    const shared = this.shared;
    if (!shared) return this.newToken();
    return shared.lock(async () => {
      const stored = await shared.load();
      if (stored && stored.usableUntil > this.now() && stored.token !== this.rejectedToken) return stored;
      const token = await this.newToken();
      await shared.save(token);
      return token;
    });
  }

  private async newToken(): Promise<HpayAccessToken> {
    const response = await this.requestToken();
    const lifetime = tokenLifetimeMs(response.livetime);
    const token: HpayAccessToken = {
      token: response.token,
      // Never negative: a lifetime shorter than the margin still serves the call that asked.
      usableUntil: this.now() + Math.max(lifetime - this.tokenMarginMs, 0),
    };
    if (response.balance?.currency) token.currency = response.balance.currency.trim().toUpperCase();
    if (response.company !== undefined) token.company = response.company;
    return token;
  }

  /** POST /getToken/, uncached. Use `accessToken()`. */
  requestToken(): Promise<HpayTokenResponse> {
    return this.call({
      operation: 'getToken',
      path: '/getToken/',
      body: toTokenRequest(this.keys),
      creates: false,
      withToken: false,
      schema: hpayTokenResponseSchema,
    });
  }

  /** POST /payment/: the body is built with the token it goes with. */
  createPayment(build: (token: string) => HpayPaymentRequest): Promise<HpayPaymentResponse> {
    return this.withToken((token) =>
      this.call({ operation: 'the payment', path: '/payment/', body: build(token), creates: true, withToken: true, schema: hpayPaymentResponseSchema }),
    );
  }

  /** POST /getPaymentHistory/. */
  getPaymentHistory(build: (token: string) => HpayPaymentHistoryRequest): Promise<HpayPaymentHistoryResponse> {
    return this.withToken((token) =>
      this.call({
        operation: 'the payment history',
        path: '/getPaymentHistory/',
        body: build(token),
        creates: false,
        withToken: true,
        schema: hpayPaymentHistoryResponseSchema,
      }),
    );
  }

  /** POST /getCollectBalance/. */
  getCollectBalance(): Promise<HpayCollectBalanceResponse> {
    return this.withToken((token) =>
      this.call({
        operation: 'the collect balance',
        path: '/getCollectBalance/',
        body: toCollectBalanceRequest(this.keys, token),
        creates: false,
        withToken: true,
        schema: hpayCollectBalanceResponseSchema,
      }),
    );
  }

  /** Runs a call with the token; if HPAY refuses the token, once more with a fresh one. */
  private async withToken<T>(call: (token: string) => Promise<T>): Promise<T> {
    const first = await this.accessToken();
    try {
      return await call(first.token);
    } catch (error) {
      if (!(error instanceof HpayTokenRejectedError)) throw error;
      // Drop it only if nobody replaced it meanwhile, so concurrent refusals share one refresh.
      this.rejectedToken = first.token;
      if (this.current?.token === first.token) this.current = undefined;
    }
    const second = await this.accessToken();
    try {
      return await call(second.token);
    } catch (error) {
      if (!(error instanceof HpayTokenRejectedError)) throw error;
      this.rejectedToken = second.token;
      if (this.current?.token === second.token) this.current = undefined;
      throw new ProviderError(
        'authentication_failed',
        `HPAY refused a freshly generated token too (${error.message}); the call was not retried again`,
        HPAY_PROVIDER_ID,
        error.httpStatus,
        error.raw,
      );
    }
  }

  private async call<T>(spec: CallSpec<T>): Promise<T> {
    const unreachable: ErrorCode = spec.creates ? 'outcome_unknown' : 'provider_unavailable';
    const timeoutMs = spec.creates ? this.timeoutMs : this.readTimeoutMs;
    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(`${this.baseUrl}${spec.path}`, {
        method: 'POST',
        headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
        body: JSON.stringify(spec.body),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'manual',
      });
      text = await response.text();
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new ProviderError(
        unreachable,
        timedOut
          ? `HPAY did not answer ${spec.operation} within ${timeoutMs} ms`
          : `HPAY could not be reached for ${spec.operation}: ${error instanceof Error ? error.message : String(error)}`,
        HPAY_PROVIDER_ID,
      );
    }
    const json = parseJsonBody(text);
    const envelope = hpayEnvelopeSchema.safeParse(json);
    const errorCode = envelope.success ? Number(envelope.data.error_code ?? 0) : 0;
    const refused = !response.ok || (envelope.success && (envelope.data.success === false || (Number.isFinite(errorCode) && errorCode !== 0)));
    if (refused) {
      const message = envelope.success ? envelope.data.message : undefined;
      throw toHpayError({ status: response.status, errorCode, message, raw: scrubHpayPayload(json ?? text.slice(0, 500)), spec, unreachable });
    }
    const parsed = spec.schema.safeParse(json);
    if (!parsed.success) {
      throw new ProviderError(
        unreachable,
        `HPAY answered ${spec.operation} with HTTP ${response.status} and a body that is not the documented shape`,
        HPAY_PROVIDER_ID,
        response.status,
        scrubHpayPayload(json ?? text.slice(0, 500)),
      );
    }
    return parsed.data;
  }
}

function toHpayError(input: {
  status: number;
  errorCode: number;
  message: string | undefined;
  raw: unknown;
  spec: CallSpec<unknown>;
  unreachable: ErrorCode;
}): ProviderError {
  const { status, errorCode, raw, spec } = input;
  const words = input.message?.trim() || `HTTP ${status}`;
  const said = `HPAY refused ${spec.operation}: ${words}${errorCode ? ` (error_code ${errorCode})` : ''}`;
  const aboutToken = /token/i.test(words) && /expir|invalid|unknown|not found|wrong/i.test(words);
  if (spec.withToken && (errorCode === HPAY_ERROR_CODES.invalidToken || errorCode === HPAY_ERROR_CODES.expiredToken || (aboutToken && errorCode !== HPAY_ERROR_CODES.invalidCredentials))) {
    return new HpayTokenRejectedError(said, status, raw);
  }
  if (!spec.withToken && status < 500) {
    // Whatever getToken refuses is the keys or the mode.
    return new ProviderError('authentication_failed', `${said}; check HPAY_API_KEY, HPAY_PUBLIC_KEY, HPAY_SECRET_KEY and HPAY_MODE`, HPAY_PROVIDER_ID, status, raw);
  }
  if (errorCode === HPAY_ERROR_CODES.invalidCredentials || status === 401 || status === 403) {
    return new ProviderError('authentication_failed', said, HPAY_PROVIDER_ID, status, raw);
  }
  if (status >= 500) {
    return new ProviderError(input.unreachable, `HPAY failed ${spec.operation} with HTTP ${status}: ${words}`, HPAY_PROVIDER_ID, status, raw);
  }
  if (errorCode === HPAY_ERROR_CODES.invalidRequest || errorCode === HPAY_ERROR_CODES.invalidMode || [400, 404, 422].includes(status)) {
    return new ProviderError('invalid_request', said, HPAY_PROVIDER_ID, status, raw);
  }
  return new ProviderError('provider_rejected', said, HPAY_PROVIDER_ID, status, raw);
}
