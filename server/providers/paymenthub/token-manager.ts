/**
 * Payment Hub's token pair: an access token (24 h) and a refresh token (7 days), both rotated on
 * every reset, so the pair the last reset answered is the only one that works afterwards.
 *
 * - Bootstrap: the store's pair when it has one (a restarted proxy reuses it), else the refresh
 *   token from the configuration (PAYMENTHUB_REFRESH_TOKEN).
 * - Every reset is POST /api/v1/auth/reset-all-token with the refresh token as Bearer. Of the three
 *   reset endpoints it is the one the document says works whether the access or the refresh token
 *   has expired ("only check your refresh token is exists"), and it answers both new tokens, so
 *   one endpoint serves the routine refresh and the recovery after a 401.
 * - The new pair is saved in the store BEFORE it is used or handed out. If the save fails, the pair
 *   is held in memory only to retry the save on the next call (the old refresh token is already
 *   dead), and the call fails.
 * - The access token is renewed `marginMs` (10 minutes) before the `TokenExpired` the reset
 *   announced. An announced end that is missing or unreadable counts as 24 h; one already past on
 *   our clock (clock skew) counts as one minute, so skew cannot cause a reset per call.
 * - Single flight: concurrent callers share the one load-or-reset in progress.
 * - A call whose token cannot be had because the store (or its lock) failed is not sent, and fails
 *   with provider_unavailable, as a failed save does.
 * - A call that Payment Hub answers 401 drops that access token (only if nobody replaced it
 *   meanwhile, so concurrent 401s share one reset), gets a new one and is retried once; a second
 *   401 is `authentication_failed`, never a loop.
 * - A refused reset (401: the refresh token is unknown or expired) is `authentication_failed` with a
 *   sentence for the operator, and is remembered: later calls fail at once with the same error,
 *   without calling Payment Hub, until the process gets a new refresh token (`useRefreshToken`, or
 *   a restart with a new PAYMENTHUB_REFRESH_TOKEN). When the stored pair's refresh token is refused
 *   and the configured one differs from it, the configured one is tried once: that is how an
 *   operator's new token takes over from a dead stored pair.
 */
import { ProviderError } from '../../errors.js';
import { outboundFetch } from '../../http/outbound-fetch.js';
import { beforeSending } from '../before-sending.js';
import { callPaymentHub, PaymentHubUnauthorizedError, type PaymentHubTransport } from './http.js';
import { paymentHubTokenResponseSchema, type PaymentHubTokenData } from './paymenthub-types.js';
import { PAYMENTHUB_PROVIDER_ID } from './transformers.js';

/** The pair as it is kept. Times are epoch milliseconds, as Payment Hub announced them. */
export interface PaymentHubTokenPair {
  accessToken: string;
  accessTokenExpiresAt: number;
  refreshToken: string;
  refreshTokenExpiresAt: number;
}

/**
 * Where the pair lives across restarts (the database, in production). `save` must be durable when
 * it resolves: the pair it was given is the only one that works from then on.
 */
export interface PaymentHubTokenStore {
  load(): Promise<PaymentHubTokenPair | undefined>;
  save(pair: PaymentHubTokenPair): Promise<void>;
}

/** A store in memory, for tests and the simulator. */
export class InMemoryPaymentHubTokenStore implements PaymentHubTokenStore {
  /** Every pair saved, oldest first (tests read it). */
  readonly saved: PaymentHubTokenPair[] = [];

  constructor(private pair?: PaymentHubTokenPair) {}

  load(): Promise<PaymentHubTokenPair | undefined> {
    return Promise.resolve(this.pair ? { ...this.pair } : undefined);
  }

  save(pair: PaymentHubTokenPair): Promise<void> {
    this.pair = { ...pair };
    this.saved.push({ ...pair });
    return Promise.resolve();
  }
}

export interface PaymentHubTokenManagerOptions {
  /** Scheme and host (optionally a path prefix): `https://payment-hub.bnlstg.com`. */
  baseUrl: string;
  /** PAYMENTHUB_REFRESH_TOKEN: seeds the pair when the store has none. */
  refreshToken: string;
  store: PaymentHubTokenStore;
  fetch?: typeof fetch;
  now?: () => number;
  /** How long before its announced end the access token is renewed; 10 minutes by default. */
  marginMs?: number;
  /** For the reset call; 10 s by default. */
  timeoutMs?: number;
  /**
   * Held around every load-or-reset (Store.withLock): with several proxy processes on one
   * database, the one that waited reads the pair the other just saved instead of resetting again.
   */
  lock?: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Told once when the refresh token is refused (the operator must act). */
  onRefusal?: (error: ProviderError) => void;
}

const HOUR_MS = 3_600_000;
const ACCESS_TOKEN_LIFE_MS = 24 * HOUR_MS;
const REFRESH_TOKEN_LIFE_MS = 7 * 24 * HOUR_MS;
const DEFAULT_MARGIN_MS = 10 * 60_000;
const MINIMUM_USE_MS = 60_000;
const DEFAULT_TIMEOUT_MS = 10_000;

/** The pair a reset answered, with its announced ends (defaults where unreadable). */
export function tokenPairFromReset(data: PaymentHubTokenData, now: number): PaymentHubTokenPair {
  return {
    accessToken: data.Token,
    accessTokenExpiresAt: readTime(data.TokenExpired) ?? now + ACCESS_TOKEN_LIFE_MS,
    refreshToken: data.RefreshToken,
    refreshTokenExpiresAt: readTime(data.RefreshTokenExpired) ?? now + REFRESH_TOKEN_LIFE_MS,
  };
}

function readTime(text: string | null | undefined): number | undefined {
  if (!text) return undefined;
  const time = Date.parse(text);
  return Number.isFinite(time) ? time : undefined;
}

export class PaymentHubTokenManager {
  private readonly transport: PaymentHubTransport;
  private readonly store: PaymentHubTokenStore;
  private readonly now: () => number;
  private readonly marginMs: number;
  private readonly timeoutMs: number;
  private configuredRefreshToken: string;
  /** The pair in use, and until when its access token is used (our clock). */
  private current: { pair: PaymentHubTokenPair; usableUntil: number } | undefined;
  /** A pair a reset answered that the store has not taken yet: saved before anything else. */
  private unsaved: PaymentHubTokenPair | undefined;
  /** An access token Payment Hub answered 401 to: never taken back from the store. */
  private rejectedAccessToken: string | undefined;
  /** Set when a reset was refused; cleared by a new refresh token. */
  private refusal: ProviderError | undefined;
  private readonly refusedRefreshTokens = new Set<string>();
  private loading: Promise<string> | undefined;
  private readonly lock: <T>(fn: () => Promise<T>) => Promise<T>;
  private readonly onRefusal: ((error: ProviderError) => void) | undefined;

  constructor(options: PaymentHubTokenManagerOptions) {
    this.transport = { baseUrl: options.baseUrl.replace(/\/+$/, ''), fetch: options.fetch ?? outboundFetch };
    this.configuredRefreshToken = options.refreshToken;
    this.store = options.store;
    this.now = options.now ?? Date.now;
    this.marginMs = options.marginMs ?? DEFAULT_MARGIN_MS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.lock = options.lock ?? ((fn) => fn());
    this.onRefusal = options.onRefusal;
  }

  /** The remembered refusal of the refresh token, for readiness and the operator's log. */
  get authenticationFailure(): ProviderError | undefined {
    return this.refusal;
  }

  /** The operator gave a new refresh token: forget the refusal and the pair in memory. */
  useRefreshToken(refreshToken: string): void {
    this.configuredRefreshToken = refreshToken;
    this.refusedRefreshTokens.delete(refreshToken);
    this.refusal = undefined;
    this.current = undefined;
  }

  /** A usable access token: the one in memory, the stored one, or a new pair (single flight). */
  accessToken(): Promise<string> {
    if (this.refusal) return Promise.reject(this.refusal);
    const current = this.current;
    if (current && current.usableUntil > this.now() && current.pair.accessToken !== this.rejectedAccessToken) {
      return Promise.resolve(current.pair.accessToken);
    }
    if (this.loading) return this.loading;
    const loading = this.lock(() => this.loadOrReset()).finally(() => {
      if (this.loading === loading) this.loading = undefined;
    });
    this.loading = loading;
    return loading;
  }

  /**
   * Runs a call with the access token; if Payment Hub answers it 401, once more with a new pair.
   * `call` must raise PaymentHubUnauthorizedError for a 401 (callPaymentHub does).
   */
  async withAccessToken<T>(call: (accessToken: string) => Promise<T>): Promise<T> {
    const first = await this.tokenForCall();
    try {
      return await call(first);
    } catch (error) {
      if (!(error instanceof PaymentHubUnauthorizedError)) throw error;
      this.dropAccessToken(first);
    }
    const second = await this.tokenForCall();
    try {
      return await call(second);
    } catch (error) {
      if (!(error instanceof PaymentHubUnauthorizedError)) throw error;
      this.dropAccessToken(second);
      throw new ProviderError(
        'authentication_failed',
        `Payment Hub refused a freshly reset access token too (${error.message}); the call was not retried again`,
        PAYMENTHUB_PROVIDER_ID,
        error.httpStatus,
        error.raw,
      );
    }
  }

  /** The token for a call about to be sent: without one, whatever failed (the store or its lock), the call is not sent. */
  private tokenForCall(): Promise<string> {
    return beforeSending(() => this.accessToken(), PAYMENTHUB_PROVIDER_ID, 'Payment Hub was not called: its access token could not be read');
  }

  private dropAccessToken(token: string): void {
    // Only if nobody replaced it meanwhile: concurrent 401s on one token share one reset.
    if (this.current?.pair.accessToken === token) {
      this.current = undefined;
      this.rejectedAccessToken = token;
    }
  }

  private async loadOrReset(): Promise<string> {
    if (this.unsaved) return this.adopt(this.unsaved);
    // The store first: another process of this proxy may have rotated the pair meanwhile.
    const stored = (await this.store.load()) ?? this.current?.pair;
    const storedUntil = stored ? stored.accessTokenExpiresAt - this.marginMs : 0;
    if (stored && stored.accessToken !== this.rejectedAccessToken && storedUntil > this.now()) {
      this.current = { pair: stored, usableUntil: storedUntil };
      return stored.accessToken;
    }
    const candidates = [stored?.refreshToken, this.configuredRefreshToken].filter(
      (token, index, all): token is string => token !== undefined && all.indexOf(token) === index && !this.refusedRefreshTokens.has(token),
    );
    let refusal: ProviderError | undefined;
    for (const refreshToken of candidates) {
      try {
        return await this.reset(refreshToken);
      } catch (error) {
        if (!(error instanceof ProviderError) || error.code !== 'authentication_failed' || error.httpStatus !== 401) throw error;
        this.refusedRefreshTokens.add(refreshToken);
        refusal = error;
      }
    }
    this.refusal =
      refusal ??
      new ProviderError(
        'authentication_failed',
        'Payment Hub refresh token was refused before; set PAYMENTHUB_REFRESH_TOKEN to a new refresh token from Payment Hub',
        PAYMENTHUB_PROVIDER_ID,
      );
    this.current = undefined;
    this.onRefusal?.(this.refusal);
    throw this.refusal;
  }

  private async reset(refreshToken: string): Promise<string> {
    const answer = await callPaymentHub(this.transport, {
      operation: 'reset-all-token',
      method: 'POST',
      path: '/api/v1/auth/reset-all-token',
      bearer: refreshToken,
      auth: true,
      movesMoney: false,
      timeoutMs: this.timeoutMs,
      schema: paymentHubTokenResponseSchema,
    });
    this.unsaved = tokenPairFromReset(answer.data, this.now());
    this.rejectedAccessToken = undefined;
    return this.adopt(this.unsaved);
  }

  /** Saves the pair, and only then makes it the one in use. */
  private async adopt(pair: PaymentHubTokenPair): Promise<string> {
    try {
      await this.store.save(pair);
    } catch (error) {
      throw new ProviderError(
        'provider_unavailable',
        `Payment Hub rotated its tokens but the new pair could not be stored (${error instanceof Error ? error.message : String(error)}); it is kept in memory and the save is retried on the next call`,
        PAYMENTHUB_PROVIDER_ID,
      );
    }
    if (this.unsaved === pair) this.unsaved = undefined;
    const until = pair.accessTokenExpiresAt - this.marginMs;
    // A fresh token announced as (nearly) over on our clock is clock skew: use it a little and let
    // a 401 say otherwise, rather than reset on every call.
    this.current = { pair, usableUntil: until > this.now() ? until : this.now() + MINIMUM_USE_MS };
    return pair.accessToken;
  }
}
