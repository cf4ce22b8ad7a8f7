/**
 * Masking of card numbers wherever they might hide: in free text, in numbers, and in payloads kept
 * for logs and support transcripts. One place, used by the logger and every provider's scrubber.
 */

// 12-19 digits, alone or grouped by single spaces or dashes, standing as a word of their own: a run
// inside an identifier (`pay_bb3c...0043499705012...`) is part of that id, not a card number.
const DIGIT_RUN = /(?<![\w])\d(?:[ -]?\d){11,18}(?![\w])/g;
// UUIDs hold digit runs that are not card numbers: they are left whole.
const UUID = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i;

/** First six and last four digits kept, the rest masked: `411111******1111`. */
export function maskDigits(run: string): string {
  const digits = run.replace(/\D/g, '');
  return `${digits.slice(0, 6)}${'*'.repeat(Math.max(0, digits.length - 10))}${digits.slice(-4)}`;
}

/** Masks every card-number-like digit run in a text. */
export function maskPanLike(text: string): string {
  return text
    .split(UUID)
    .map((part, index) => (index % 2 === 1 ? part : part.replace(DIGIT_RUN, maskDigits)))
    .join('');
}

/** Luhn's checksum, the one check every card number passes. */
export function passesLuhn(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let digit = digits.charCodeAt(i) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

export interface ScrubRules {
  /**
   * What to do with a key's value before the generic pass: return a replacement (`undefined`
   * drops the key), or `SCRUB` to scrub it like any other value.
   */
  onKey(key: string, value: unknown, scrub: (value: unknown) => unknown): unknown;
}

/** Returned by `ScrubRules.onKey` to let the generic pass handle a value. */
export const SCRUB = Symbol('scrub');

/**
 * A copy of a payload safe to keep: every string and number has its card-like digit runs masked,
 * and each key goes through the provider's rules first (secrets dropped or redacted, card objects
 * reduced to their masked parts).
 */
export function scrubPayload(value: unknown, rules: ScrubRules, depth = 0): unknown {
  if (depth > 40) return '[too deep]';
  if (typeof value === 'string') return maskPanLike(value);
  if (typeof value === 'number') {
    return Number.isInteger(value) && /^\d{12,19}$/.test(String(Math.abs(value))) ? maskDigits(String(Math.abs(value))) : value;
  }
  if (Array.isArray(value)) return value.map((item) => scrubPayload(item, rules, depth + 1));
  if (value && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    const scrub = (item: unknown) => scrubPayload(item, rules, depth + 1);
    for (const [key, item] of Object.entries(value)) {
      const replaced = rules.onKey(key, item, scrub);
      if (replaced === SCRUB) result[key] = scrub(item);
      else if (replaced !== undefined) result[key] = replaced;
    }
    return result;
  }
  return value;
}
