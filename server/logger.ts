import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';
import { maskPanLike } from './security/card-masking.js';

export { maskPanLike };

export type { Logger };

/** Field names whose values never reach a log line, at any depth (compared case-insensitively). */
const SECRET_KEYS = new Set(
  [
    'authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'x-api-secret', 'public_key', 'publicKey',
    'cardNumber', 'card_number', 'pan', 'number', 'primaryAccountNumber', 'cvv', 'cvc', 'cvv2', 'cvc2', 'cid', 'pin',
    'securityCode', 'security_code', 'expiry', 'expiryMonth', 'expiryYear', 'expireMonth', 'expireYear', 'track1', 'track2',
    'idempotency-key',
  ].map((key) => key.toLowerCase()),
);

/** Parts of a field name that mark a secret whatever surrounds them: `merchantApiKey`, `MERCHANT_WEBHOOK_SECRET`. */
const SECRET_KEY_PARTS = ['secret', 'password', 'passwd', 'token', 'apikey', 'privatekey', 'credential', 'signature', 'jwk'];

function isSecretKey(key: string): boolean {
  const lower = key.toLowerCase();
  if (SECRET_KEYS.has(lower)) return true;
  const compact = lower.replace(/[-_]/g, '');
  return SECRET_KEY_PARTS.some((part) => compact.includes(part));
}

const CENSOR = '[redacted]';

/** A copy of a log value with secret fields censored and card-like digits masked, at any depth. */
export function scrubForLog(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPanLike(value);
  // A card number sent as a JSON number is still a card number.
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1e11) return maskPanLike(String(value));
  if (depth > 10 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => scrubForLog(item, depth + 1));
  // pino's error serializer returns an object of its own prototype: copy it to a plain one.
  if (value instanceof Error) return scrubForLog({ ...stdSerializers.err(value) }, depth + 1);
  // Requests, responses and other class instances are left to their pino serializers.
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, isSecretKey(key) ? CENSOR : scrubForLog(item, depth + 1)]),
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
      redact: {
        paths: [
          'req.headers.authorization', 'req.headers.cookie', 'req.headers["idempotency-key"]', 'req.headers["x-api-key"]',
          'req.headers["x-api-secret"]', 'res.headers["set-cookie"]',
        ],
        censor: CENSOR,
      },
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
