import type { StringKey } from './strings.js';

/** What the shopper reads for a failed call, and whether the same call may work a little later. */
export interface ErrorText {
  key: StringKey;
  transient: boolean;
}

/**
 * The proxy's error codes a shopper can meet (server/errors.ts), and the element's own
 * (api-client.ts), as catalog texts. The proxy's and the providers' messages are English and
 * written for developers, so they go to `pay-error` only.
 */
const BY_CODE: Readonly<Record<string, StringKey>> = {
  network_error: 'networkError',
  card_declined: 'errorCardDeclined',
  payment_declined: 'errorPaymentDeclined',
  session_expired: 'sessionExpiredMessage',
  unauthorized: 'errorCheckoutInvalid',
  forbidden: 'errorCheckoutInvalid',
  forbidden_origin: 'errorCheckoutInvalid',
  not_found: 'errorCheckoutInvalid',
  conflict: 'errorOrderPaid',
  payment_in_progress: 'errorPaymentInProgress',
  rate_limited: 'errorRateLimited',
  provider_unavailable: 'errorUnavailable',
  storage_unavailable: 'errorUnavailable',
  internal: 'errorUnavailable',
  server_error: 'errorUnavailable',
  invalid_response: 'errorUnavailable',
  // The charge may have gone through: paying again could charge twice.
  outcome_unknown: 'errorOutcomeUnknown',
  // The merchant's credentials at the provider: waiting does not fix them.
  authentication_failed: 'errorGeneric',
};

const TRANSIENT: ReadonlySet<StringKey> = new Set<StringKey>(['networkError', 'errorRateLimited', 'errorUnavailable', 'errorPaymentInProgress']);

/** An unknown code is read by its HTTP status: a page in front of the proxy may answer on its own. */
export function errorText(error: { code: string; status: number }): ErrorText {
  const { status } = error;
  const key =
    BY_CODE[error.code] ??
    (status === 429 ? 'errorRateLimited' : status === 401 || status === 403 ? 'errorCheckoutInvalid' : status >= 500 ? 'errorUnavailable' : 'errorGeneric');
  return { key, transient: TRANSIENT.has(key) };
}

/** Why a payment failed, for its result: a decline by its code, else what its status says. */
export function failureTextKey(status: string, failureCode: string | undefined): StringKey {
  if (status === 'canceled') return 'canceledMessage';
  if (status === 'expired') return 'expiredMessage';
  if (failureCode === 'card_declined') return 'errorCardDeclined';
  if (failureCode === 'payment_declined') return 'errorPaymentDeclined';
  return 'failedMessage';
}
