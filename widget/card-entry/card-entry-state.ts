import type { CardInput } from '../../server/api/widget-api.js';
import { CARD_FIELDS, cardBin, detectBrand, digitsOf, EMPTY_CARD, maskCardNumber, parseExpiry, toCardInput, validateCard, type CardField, type CardValues } from '../card.js';
import type { StringKey, Translate } from '../strings.js';
import type { CardFacts } from './protocol.js';

/** validateCard with the error texts' keys in place of texts: the frame words them, and only keys cross the channel. */
const keyOf = ((key: StringKey) => key) as Translate;

/**
 * What the shopper typed in the card-entry frame, and what may be said about it. The values
 * live here, in the frame's memory only; `facts()` is all that leaves (brand, last four,
 * validity, error keys). Errors follow the old form's rules: a field is checked when the shopper
 * leaves it after typing, an error stays until it is fixed, and `validate` checks everything.
 */
export class CardEntryState {
  values: CardValues = { ...EMPTY_CARD };
  errors: Partial<Record<CardField, StringKey>> = {};
  focused: CardField | null = null;

  private readonly edited = new Set<CardField>();
  /** Cards already typed (masked number, expiry, name), numbered, for `cardId`. */
  private readonly cards = new Map<string, number>();

  /** The shopper typed in a field (the value already formatted). */
  input(field: CardField, value: string): void {
    this.values = { ...this.values, [field]: value };
    this.edited.add(field);
    if (this.errors[field] !== undefined && this.check(field) === undefined) delete this.errors[field];
  }

  /** The shopper left a field: one they typed in is checked now rather than on submit. */
  blur(field: CardField): void {
    if (this.focused === field) this.focused = null;
    if (!this.edited.has(field) && this.errors[field] === undefined) return;
    this.setError(field, this.check(field));
  }

  /** Checks every field and shows the errors; returns the first field in error, in screen order. */
  validate(now: Date = new Date()): CardField | null {
    this.errors = validateCard(this.values, keyOf, now) as Partial<Record<CardField, StringKey>>;
    return CARD_FIELDS.find((field) => this.errors[field] !== undefined) ?? null;
  }

  /** The card for the pay request, when every field is valid. */
  cardInput(now: Date = new Date()): CardInput | undefined {
    return Object.keys(validateCard(this.values, keyOf, now)).length === 0 ? toCardInput(this.values) : undefined;
  }

  /** The first eight digits, which the proxy may see before paying (for installments). */
  get bin(): string | undefined {
    return cardBin(this.values.number);
  }

  /** Forgets the security code, or the number and the code (the expiry date and the name are no secret). */
  wipe(what: 'code' | 'card'): void {
    const fields: CardField[] = what === 'code' ? ['securityCode'] : ['number', 'securityCode'];
    for (const field of fields) {
      this.values = { ...this.values, [field]: '' };
      this.edited.delete(field);
      delete this.errors[field];
    }
  }

  facts(now: Date = new Date()): CardFacts {
    const invalid = validateCard(this.values, keyOf, now);
    const number = digitsOf(this.values.number);
    const expiry = parseExpiry(this.values.expiry);
    const fingerprint = JSON.stringify([number ? maskCardNumber(number) : '', expiry?.month, expiry?.year, this.values.holderName.trim()]);
    let cardId = this.cards.get(fingerprint);
    if (cardId === undefined) this.cards.set(fingerprint, (cardId = this.cards.size + 1));
    return {
      brand: detectBrand(number)?.name ?? null,
      lastFour: invalid.number === undefined ? number.slice(-4) : null,
      errors: { ...this.errors },
      valid: {
        number: invalid.number === undefined,
        expiry: invalid.expiry === undefined,
        securityCode: invalid.securityCode === undefined,
        holderName: invalid.holderName === undefined,
      },
      focused: this.focused,
      cardId,
    };
  }

  private check(field: CardField): StringKey | undefined {
    return validateCard(this.values, keyOf)[field] as StringKey | undefined;
  }

  private setError(field: CardField, key: StringKey | undefined): void {
    if (key === undefined) delete this.errors[field];
    else this.errors[field] = key;
  }
}
