import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';
import { maskPanLike } from './security/card-masking.js';

export { maskPanLike };

export type { Logger };

/** Field names whose values never reach a log line, at any depth (compared case-insensitively). */
const SECRET_KEYS = new Set(
  [
    'authorization', 'cookie', 'password', 'secret', 'token', 'accessToken', 'refreshToken', 'apiKey', 'api_key',
    'apiPassword', 'apiSecret', 'public_key', 'publicKey', 'cardNumber', 'card_number', 'pan', 'number', 'cvv', 'cvc',
    'cvv2', 'securityCode', 'security_code', 'expiry', 'expiryMonth', 'expiryYear', 'idempotency-key',
  ].map((key) => key.toLowerCase()),
);

const CENSOR = '[redacted]';

/** A copy of a log value with secret fields censored and card-like digits masked, at any depth. */
export function scrubForLog(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPanLike(value);
  if (depth > 10 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => scrubForLog(item, depth + 1));
  // pino's error serializer returns an object of its own prototype: copy it to a plain one.
  if (value instanceof Error) return scrubForLog({ ...stdSerializers.err(value) }, depth + 1);
  // Requests, responses and other class instances are left to their pino serializers.
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, SECRET_KEYS.has(key.toLowerCase()) ? CENSOR : scrubForLog(item, depth + 1)]),
  );
}

/** The error serializer, scrubbed: an error message may quote what a shopper typed. */
export function serializeError(error: unknown): unknown {
  return scrubForLog(error);
}

/** Structured JSON logs with secrets redacted by key and card-number-like digits masked by pattern. */
export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["idempotency-key"]'], censor: CENSOR },
      serializers: { err: serializeError, error: serializeError },
      formatters: { log: (object) => scrubForLog(object) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((arg) => (typeof arg === 'string' ? maskPanLike(arg) : arg)) as Parameters<typeof method>);
        },
      },
    },
    options.destination,
  );
}
