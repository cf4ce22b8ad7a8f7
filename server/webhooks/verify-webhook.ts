import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signing and verification of pay-checkout's merchant webhooks. Self-contained (node:crypto only)
 * so merchants can import it from the package without the proxy.
 *
 * Every webhook carries one header:
 *
 *     Pay-Checkout-Signature: t=1700000000,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd
 *
 * `t` is the Unix time in seconds when the request was signed, `v1` the hex HMAC-SHA256, keyed with
 * MERCHANT_WEBHOOK_SECRET, of `t + "." + rawBody`. Verify over the raw bytes, before any JSON
 * parsing; a signature older or newer than the tolerance (300 s by default) is refused as a replay.
 * While a secret is rotated (MERCHANT_WEBHOOK_SECRET_PREVIOUS set) there is one `v1` per secret,
 * and a receiver may hold the new and the old secret: one match is enough.
 */

export const WEBHOOK_SIGNATURE_HEADER = 'Pay-Checkout-Signature';
export const DEFAULT_TOLERANCE_SECONDS = 300;

export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

/** The header value for a body signed at `timestampSeconds`: one `v1` per secret, in order. */
export function signWebhook(secret: string | readonly string[], rawBody: string, timestampSeconds: number): string {
  const signatures = secretList(secret).map((key) => `,v1=${hmacHex(key, timestampSeconds, rawBody)}`);
  return `t=${timestampSeconds}${signatures.join('')}`;
}

export interface VerifyWebhookOptions {
  /** The request body exactly as received. */
  rawBody: string | Uint8Array;
  /** The Pay-Checkout-Signature header. */
  signatureHeader: string | null | undefined;
  /** The secret, or several while one is rotated: a signature by any of them passes. */
  secret: string | readonly string[];
  toleranceSeconds?: number;
  /** Current time in seconds; for tests. */
  nowSeconds?: number;
}

/**
 * Checks the signature and its age and returns the parsed event; throws WebhookVerificationError
 * otherwise. Answer 2xx only after your own processing is stored: pay-checkout retries until then,
 * so deduplicate by the event's `id`.
 */
export function verifyWebhook<T = unknown>(options: VerifyWebhookOptions): T {
  const body = typeof options.rawBody === 'string' ? options.rawBody : Buffer.from(options.rawBody).toString('utf8');
  const header = options.signatureHeader ?? '';
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [name, value] = part.trim().split('=', 2);
    if (name === 't' && value && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (name === 'v1' && value && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (timestamp === undefined || signatures.length === 0) {
    throw new WebhookVerificationError(`${WEBHOOK_SIGNATURE_HEADER} is missing or malformed`);
  }
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > tolerance) {
    throw new WebhookVerificationError(`the signature's timestamp is more than ${tolerance} s away from now`);
  }
  const expected = secretList(options.secret).map((secret) => Buffer.from(hmacHex(secret, timestamp, body), 'hex'));
  if (!signatures.some((signature) => expected.some((hmac) => timingSafeEqual(Buffer.from(signature, 'hex'), hmac)))) {
    throw new WebhookVerificationError('no signature matches the body');
  }
  try {
    return JSON.parse(body) as T;
  } catch {
    throw new WebhookVerificationError('the body is not JSON');
  }
}

function secretList(secret: string | readonly string[]): readonly string[] {
  const secrets = typeof secret === 'string' ? [secret] : secret;
  // An empty secret would sign with a key anyone knows.
  if (secrets.length === 0 || secrets.some((key) => typeof key !== 'string' || key === '')) {
    throw new TypeError('the webhook secret must be a non-empty string or a list of them');
  }
  return secrets;
}

function hmacHex(secret: string, timestampSeconds: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
}
