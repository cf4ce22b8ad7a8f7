import { AppError, ProviderError } from '../errors.js';
import type { ProviderPaymentState } from '../providers/provider.js';
import { maskDigits } from './card-masking.js';

/** The parts of the card just sent that a provider's words must never carry further. */
export interface SentCard {
  number: string;
  securityCode: string;
}

/**
 * A provider may quote the card back in its words ("CVV 029 does not match"). Card-like digit runs
 * are masked by pattern everywhere, but a three- or four-digit security code looks like any other
 * number; only the create call knows which code was sent. So its answer loses that code (as a
 * number of its own) and the card's number (grouped or not) before it is stored, logged or shown.
 */
export function withoutCardEcho(text: string, card: SentCard): string {
  const number = new RegExp(`(?<!\\d)${card.number.split('').join('[ -]?')}(?!\\d)`, 'g');
  const code = new RegExp(`(?<!\\d)${card.securityCode}(?!\\d)`, 'g');
  return text.replace(number, maskDigits(card.number)).replace(code, '***');
}

/** A copy of a payload with every string's card echo removed, at any depth. */
function payloadWithoutCardEcho(value: unknown, card: SentCard, depth = 0): unknown {
  if (typeof value === 'string') return withoutCardEcho(value, card);
  if (depth > 40 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => payloadWithoutCardEcho(item, card, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, payloadWithoutCardEcho(item, card, depth + 1)]));
}

/** The provider's words in a create's answer (its failure and status words), without the card. */
export function stateWithoutCardEcho(state: ProviderPaymentState, card: SentCard): ProviderPaymentState {
  return {
    ...state,
    ...(state.failure ? { failure: { ...state.failure, message: withoutCardEcho(state.failure.message, card) } } : {}),
    ...(state.providerStatus !== undefined ? { providerStatus: withoutCardEcho(state.providerStatus, card) } : {}),
  };
}

/**
 * Takes the card out of a thrown error in place (its message, stack, kept provider body and
 * details), so it keeps its class and code for whoever catches it.
 */
export function forgetCardEcho(error: unknown, card: SentCard): void {
  if (!(error instanceof Error)) return;
  error.message = withoutCardEcho(error.message, card);
  if (error.stack !== undefined) error.stack = withoutCardEcho(error.stack, card);
  if (error instanceof ProviderError && error.raw !== undefined) Object.defineProperty(error, 'raw', { value: payloadWithoutCardEcho(error.raw, card) });
  if (error instanceof AppError && error.details !== undefined) Object.defineProperty(error, 'details', { value: payloadWithoutCardEcho(error.details, card) });
}
