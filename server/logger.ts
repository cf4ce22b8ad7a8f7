import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Field names whose values never reach a log line, at any depth pino can address. */
const SECRET_KEYS = [
  'authorization', 'cookie', 'password', 'secret', 'token', 'accessToken', 'refreshToken', 'apiKey', 'api_key',
  'apiPassword', 'apiSecret', 'public_key', 'publicKey', 'cardNumber', 'card_number', 'pan', 'number', 'cvv', 'cvc',
  'securityCode', 'security_code', 'expiry', 'expiryMonth', 'expiryYear',
];

const REDACT_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((key) => `*.${key}`),
  ...SECRET_KEYS.map((key) => `*.*.${key}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
];

/** Digit runs that look like a card number (12 to 19 digits, spaces or dashes allowed between). */
const PAN_LIKE = /\b(?:\d[ -]?){11,18}\d\b/g;

export function maskPanLike(text: string): string {
  return text.replace(PAN_LIKE, (match) => {
    const digits = match.replace(/\D/g, '');
    return `${digits.slice(0, 6)}${'*'.repeat(Math.max(0, digits.length - 10))}${digits.slice(-4)}`;
  });
}

function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPanLike(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => maskDeep(item, depth + 1));
  // Leave errors, requests and other class instances to pino's serializers.
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskDeep(item, depth + 1)]));
}

/** Structured JSON logs with secrets redacted by key and card-number-like digits masked by pattern. */
export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { log: (object) => maskDeep(object) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((arg) => (typeof arg === 'string' ? maskPanLike(arg) : arg)) as Parameters<typeof method>);
        },
      },
    },
    options.destination,
  );
}
