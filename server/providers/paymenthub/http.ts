/**
 * One Payment Hub HTTP call: URL, headers, timeout, envelope and error reading. Shared by the token
 * manager (the auth endpoints, with the refresh token as Bearer) and the client (every other
 * endpoint, with the access token as Bearer).
 *
 * The document's errors are the envelope `{success: false, message, data}` with an HTTP status
 * (400 "Validation failed" adds `errors`); they are read as:
 *   401 on an auth endpoint         authentication_failed: the refresh token was refused
 *   401 on any other call           PaymentHubUnauthorizedError: the token manager resets once
 *   403                             authentication_failed (undocumented; the IP whitelist most likely)
 *   400 "Validation failed"/errors  invalid_request, with the field details
 *   other 400 (refund, cancel)      provider_rejected, with Payment Hub's sentence
 *   404                             not_found ("Unable to get transaction")
 *   5xx, network, timeout           provider_unavailable; outcome_unknown on calls that move money
 *   2xx with success false          provider_rejected
 *   2xx not the documented shape    as 5xx
 * Nothing of a request body or header goes into an error: they carry tokens.
 */
import type { z } from 'zod';
import { ProviderError, type ErrorCode } from '../../errors.js';
import { parseJsonBody } from '../parse-json.js';
import { paymentHubEnvelopeSchema } from './paymenthub-types.js';
import { PAYMENTHUB_PROVIDER_ID, scrubPaymentHubPayload } from './transformers.js';

/** Payment Hub refused the access token of a call (HTTP 401). Raised to the token manager only. */
export class PaymentHubUnauthorizedError extends ProviderError {
  constructor(message: string, httpStatus?: number, raw?: unknown) {
    super('authentication_failed', message, PAYMENTHUB_PROVIDER_ID, httpStatus, raw);
    this.name = 'PaymentHubUnauthorizedError';
  }
}

export interface PaymentHubCallSpec<T> {
  /** For messages: "the transaction status", "reset-all-token"... */
  operation: string;
  method: 'GET' | 'POST';
  /** The document's path, `/api/v1/...`, with its query. */
  path: string;
  body?: unknown;
  bearer: string;
  /** An auth endpoint: a 401 means the refresh token was refused. */
  auth: boolean;
  /** The call may move money (create, refund, cancel): an unanswered one has an unknown outcome. */
  movesMoney: boolean;
  timeoutMs: number;
  schema: z.ZodType<T, unknown>;
}

export interface PaymentHubTransport {
  baseUrl: string;
  fetch: typeof fetch;
}

export async function callPaymentHub<T>(transport: PaymentHubTransport, spec: PaymentHubCallSpec<T>): Promise<T> {
  const unreachable: ErrorCode = spec.movesMoney ? 'outcome_unknown' : 'provider_unavailable';
  const headers: Record<string, string> = { Accept: 'application/json', Authorization: `Bearer ${spec.bearer}` };
  if (spec.body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  let text: string;
  try {
    response = await transport.fetch(`${transport.baseUrl}${spec.path}`, {
      method: spec.method,
      headers,
      body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
      signal: AbortSignal.timeout(spec.timeoutMs),
      redirect: 'manual',
    });
    text = await response.text();
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    throw new ProviderError(
      unreachable,
      timedOut
        ? `Payment Hub did not answer ${spec.operation} within ${spec.timeoutMs} ms`
        : `Payment Hub could not be reached for ${spec.operation}: ${error instanceof Error ? error.message : String(error)}`,
      PAYMENTHUB_PROVIDER_ID,
    );
  }
  const json = parseJsonBody(text);
  const envelope = paymentHubEnvelopeSchema.safeParse(json);
  const raw = () => scrubPaymentHubPayload(json ?? text.slice(0, 500));
  if (!response.ok || (envelope.success && envelope.data.success === false)) {
    const message = envelope.success ? (envelope.data.message ?? undefined) : undefined;
    const errors = envelope.success ? envelope.data.errors : undefined;
    throw toPaymentHubError({ status: response.status, message, errors, raw: raw(), spec, unreachable });
  }
  const parsed = spec.schema.safeParse(json);
  if (!parsed.success) {
    throw new ProviderError(
      unreachable,
      `Payment Hub answered ${spec.operation} with HTTP ${response.status} and a body that is not the documented shape`,
      PAYMENTHUB_PROVIDER_ID,
      response.status,
      raw(),
    );
  }
  return parsed.data;
}

function describeErrors(errors: unknown): string {
  if (errors === undefined || errors === null || errors === '') return '';
  const text = typeof errors === 'string' ? errors : JSON.stringify(scrubPaymentHubPayload(errors));
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}

function toPaymentHubError(input: {
  status: number;
  message: string | undefined;
  errors: unknown;
  raw: unknown;
  spec: PaymentHubCallSpec<unknown>;
  unreachable: ErrorCode;
}): ProviderError {
  const { status, raw, spec } = input;
  const words = input.message?.trim() || `HTTP ${status}`;
  const details = describeErrors(input.errors);
  const said = `Payment Hub refused ${spec.operation}: ${words}${details ? ` (${details})` : ''}`;
  if (status === 401 && spec.auth) {
    return new ProviderError(
      'authentication_failed',
      `${said}. The refresh token is invalid or expired: set PAYMENTHUB_REFRESH_TOKEN to a new refresh token from Payment Hub`,
      PAYMENTHUB_PROVIDER_ID,
      status,
      raw,
    );
  }
  if (status === 401) return new PaymentHubUnauthorizedError(said, status, raw);
  if (status === 403) {
    return new ProviderError('authentication_failed', `${said} (is this server's IP on Payment Hub's whitelist?)`, PAYMENTHUB_PROVIDER_ID, status, raw);
  }
  if (status >= 500 || (status >= 300 && status < 400)) {
    return new ProviderError(input.unreachable, `Payment Hub failed ${spec.operation} with HTTP ${status}: ${words}`, PAYMENTHUB_PROVIDER_ID, status, raw);
  }
  if (status === 404) return new ProviderError('not_found', said, PAYMENTHUB_PROVIDER_ID, status, raw);
  if (status === 400 || status === 422) {
    const validation = details !== '' || /validation/i.test(words);
    return new ProviderError(validation ? 'invalid_request' : 'provider_rejected', said, PAYMENTHUB_PROVIDER_ID, status, raw);
  }
  if (status >= 400) return new ProviderError('invalid_request', said, PAYMENTHUB_PROVIDER_ID, status, raw);
  return new ProviderError('provider_rejected', said, PAYMENTHUB_PROVIDER_ID, status, raw);
}
