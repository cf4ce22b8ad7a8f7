/**
 * The closed list of error codes the proxy answers with, and the HTTP status each one gets.
 * Provider adapters raise `ProviderError` with one of the provider codes; everything else
 * raises `AppError`. One error middleware turns both into `{error: {code, message, details?}}`.
 */
export const ERROR_STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  forbidden_origin: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  // Another request of the same payment or order is still under way: the same call may work in a moment.
  payment_in_progress: 409,
  session_expired: 410,
  payload_too_large: 413,
  rate_limited: 429,
  unsupported_media_type: 415,
  unprocessable: 422,
  // Provider outcomes, as the shopper and the merchant see them.
  card_declined: 402,
  payment_declined: 402,
  provider_rejected: 422,
  authentication_failed: 502,
  provider_unavailable: 502,
  outcome_unknown: 502,
  not_supported: 422,
  internal: 500,
  // The database cannot be reached or used right now (a restart, a failover, a statement that took
  // too long, a lock held by another process, a full or failing disk), or could not make a new
  // payment durable: try again later.
  storage_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** A provider answered with an error, or could not be reached. `raw` is the scrubbed body, for support. */
export class ProviderError extends AppError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly provider: string,
    readonly httpStatus?: number,
    readonly raw?: unknown,
  ) {
    super(code, message);
    this.name = 'ProviderError';
  }
}

/** The store could not be reached or used (an unavailable database, a refused flush): nothing it was asked to write is known to be written. */
export function isStorageUnavailable(error: unknown): error is AppError {
  return error instanceof AppError && error.code === 'storage_unavailable';
}

/**
 * Codes after which a call that moves money may have been made: no answer, or a store that failed
 * after sending. A call that moves money answers every failure after sending with outcome_unknown
 * (provider-http.ts), and provider_unavailable only when nothing left.
 */
const MAY_HAVE_MOVED_CODES: ReadonlySet<string> = new Set(['outcome_unknown', 'storage_unavailable']);

/**
 * The refusal a failed money-moving call (a refund, a capture) amounts to, or undefined if money
 * may have moved. Only an error we understand is a refusal: anything else may have come after sending.
 */
export function asRefusal(error: unknown): AppError | undefined {
  return error instanceof AppError && !MAY_HAVE_MOVED_CODES.has(error.code) ? error : undefined;
}
