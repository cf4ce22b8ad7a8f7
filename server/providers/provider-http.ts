import { ProviderError } from '../errors.js';
import { maskPanLike } from '../security/card-masking.js';
import type { ProviderId } from './provider.js';
import { parseJsonBody } from './parse-json.js';

/** One answer from a provider, read whole: the HTTP status, the raw text and its JSON when it is JSON. */
export interface ProviderAnswer {
  status: number;
  ok: boolean;
  text: string;
  json: unknown;
}

/** Failures before a byte of the request leaves: the call cannot have moved money. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Sends one JSON request to a provider with a timeout. No answer at all becomes a ProviderError:
 * `outcome_unknown` when the call may have moved money (a timeout, a connection cut: the caller
 * must look the outcome up, never resend blindly), else `provider_unavailable`, which is also what
 * a refused connection or an unknown host is, since nothing was sent.
 */
export async function sendProviderRequest(request: {
  provider: ProviderId;
  /** How the provider is named in messages ("directcard", "HankoPay"). */
  providerName: string;
  operation: string;
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
  movesMoney: boolean;
  fetch: typeof fetch;
}): Promise<ProviderAnswer> {
  const headers = { Accept: 'application/json', ...request.headers, ...(request.body === undefined ? {} : { 'Content-Type': 'application/json' }) };
  try {
    const response = await request.fetch(request.url, {
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(request.timeoutMs),
      redirect: 'manual',
    });
    const text = await response.text();
    return { status: response.status, ok: response.ok, text, json: parseJsonBody(text) };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    const reason = error instanceof Error ? error.message : String(error);
    const notSent = !timedOut && NOT_SENT.has(String((error as { cause?: { code?: unknown } } | undefined)?.cause?.code));
    throw new ProviderError(
      request.movesMoney && !notSent ? 'outcome_unknown' : 'provider_unavailable',
      timedOut
        ? `${request.providerName} did not answer ${request.operation} within ${request.timeoutMs} ms`
        : `${request.providerName} could not be reached for ${request.operation}: ${maskPanLike(reason)}`,
      request.provider,
    );
  }
}
