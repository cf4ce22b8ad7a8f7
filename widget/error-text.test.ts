import { describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../server/errors.js';
import { errorFromResponse } from './api-client.js';
import { errorText, failureTextKey } from './error-text.js';

describe('the texts a shopper reads for a failed call', () => {
  it('names a decline in words of its own, with nothing to try again as it was', () => {
    expect(errorText(errorFromResponse(402, { error: { code: 'card_declined', message: 'The card was declined.' } }))).toEqual({
      key: 'errorCardDeclined',
      transient: false,
    });
    expect(errorText({ code: 'payment_declined', status: 402 })).toEqual({ key: 'errorPaymentDeclined', transient: false });
  });

  it('offers to try again after no answer, a busy proxy or a provider down, with or without an error body', () => {
    expect(errorText({ code: 'network_error', status: 0 })).toEqual({ key: 'networkError', transient: true });
    expect(errorText(errorFromResponse(502, undefined))).toEqual({ key: 'errorUnavailable', transient: true });
    expect(errorText(errorFromResponse(503, '<html>Service Unavailable</html>'))).toEqual({ key: 'errorUnavailable', transient: true });
    expect(errorText({ code: 'provider_unavailable', status: 502 })).toEqual({ key: 'errorUnavailable', transient: true });
    expect(errorText({ code: 'rate_limited', status: 429 })).toEqual({ key: 'errorRateLimited', transient: true });
    expect(errorText(errorFromResponse(429, undefined))).toEqual({ key: 'errorRateLimited', transient: true });
  });

  it('does not offer to try again with a token that can never work', () => {
    const badToken = errorFromResponse(401, { error: { code: 'unauthorized', message: 'the session token is not valid' } });
    expect(errorText(badToken)).toEqual({ key: 'errorCheckoutInvalid', transient: false });
    expect(errorText({ code: 'forbidden_origin', status: 403 })).toEqual({ key: 'errorCheckoutInvalid', transient: false });
    expect(errorText(errorFromResponse(403, undefined))).toEqual({ key: 'errorCheckoutInvalid', transient: false });
  });

  it('warns against paying again when a charge may have gone through', () => {
    expect(errorText({ code: 'outcome_unknown', status: 502 })).toEqual({ key: 'errorOutcomeUnknown', transient: false });
    expect(errorText({ code: 'conflict', status: 409 })).toEqual({ key: 'errorOrderPaid', transient: false });
    // Another attempt of the order still under way: not "already paid", and waiting helps.
    expect(errorText({ code: 'payment_in_progress', status: 409 })).toEqual({ key: 'errorPaymentInProgress', transient: true });
  });

  it('has a text for every code of the proxy, and retries only 429, a busy order and the 5xx that waiting can cure', () => {
    const notCured = new Set(['authentication_failed', 'outcome_unknown']);
    for (const [code, status] of Object.entries(ERROR_STATUS)) {
      const text = errorText({ code, status });
      expect(text.transient, code).toBe(status === 429 || code === 'payment_in_progress' || (status >= 500 && !notCured.has(code)));
    }
    expect(errorText({ code: 'invalid_request', status: 400 }).key).toBe('errorGeneric');
  });
});

describe("the reason on a failed payment's result", () => {
  it('reads the decline from its code and the end from its status, never the provider message', () => {
    expect(failureTextKey('failed', 'card_declined')).toBe('errorCardDeclined');
    expect(failureTextKey('failed', 'payment_declined')).toBe('errorPaymentDeclined');
    expect(failureTextKey('failed', 'provider_rejected')).toBe('failedMessage');
    expect(failureTextKey('failed', undefined)).toBe('failedMessage');
    // HankoPay's cancel on its page carries payment_declined: the status says more.
    expect(failureTextKey('canceled', 'payment_declined')).toBe('canceledMessage');
    expect(failureTextKey('expired', 'expired')).toBe('expiredMessage');
  });
});
