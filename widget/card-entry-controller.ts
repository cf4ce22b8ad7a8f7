import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { InstallmentOptionView, MethodView } from '../server/api/widget-api.js';
import { cardBin, EMPTY_CARD, toCardInput, validateCard, type CardField, type CardValues } from './card.js';
import type { CheckoutController } from './checkout-controller.js';
import type { FieldErrors } from './field-validation.js';
import type { Translate } from './strings.js';

/**
 * The card form's state and side effects: what the shopper typed, its errors, the installment
 * plans for the card, and paying with it. Card data lives here, in memory only, and not for
 * long: the security code goes once the pay request is answered, the number too once the payment
 * is final or the element leaves the page. Nothing of it goes into an event, an attribute, a URL
 * or the console; before paying, only the number's first eight digits leave the element.
 */

/** Asking for the installment plans of the card's BIN. */
export type InstallmentsState =
  /** No BIN yet (fewer than eight digits), or a method without installments. */
  | { status: 'initial' }
  | { status: 'pending'; bin: string }
  /** `options` holds counts above 1; empty when the card has none. */
  | { status: 'complete'; bin: string; options: readonly InstallmentOptionView[] }
  /** Asking failed: the shopper pays in one go, without being told anything went wrong. */
  | { status: 'error'; bin: string };

/** The pause after the last keystroke before asking, so typing a number costs one request. */
export const INSTALLMENTS_DEBOUNCE_MS = 300;

export class CardEntryController implements ReactiveController {
  values: CardValues = { ...EMPTY_CARD };
  /** Errors by card field, shown under their inputs. */
  errors: FieldErrors = {};
  installments: InstallmentsState = { status: 'initial' };
  /** The installment count chosen; 1 is a single payment. */
  installmentCount = 1;

  private readonly host: ReactiveControllerHost;
  private readonly checkout: CheckoutController;
  private method: MethodView | undefined;
  /** The BIN the installments belong to; undefined when there is none to ask about. */
  private bin: string | undefined;
  /** Fields the shopper has typed in: leaving one of them checks it. */
  private readonly edited = new Set<CardField>();
  /** Plans already answered, by method and BIN, so going back to a prefix does not ask again. */
  private readonly answered = new Map<string, readonly InstallmentOptionView[]>();
  private debounce: ReturnType<typeof setTimeout> | undefined;
  private asking: AbortController | undefined;
  /** A payment was made with this card: its final status wipes the number and the code. */
  private paidWithCard = false;

  constructor(host: ReactiveControllerHost, checkout: CheckoutController) {
    this.host = host;
    this.checkout = checkout;
    host.addController(this);
    checkout.onComplete(() => {
      if (!this.paidWithCard) return;
      this.paidWithCard = false;
      this.wipeCard();
    });
  }

  hostDisconnected(): void {
    this.wipeCard();
  }

  /** The method the form is for (undefined: none chosen). A different one starts installments over. */
  selectMethod(method: MethodView | undefined): void {
    const same =
      method?.id === this.method?.id &&
      method?.cardEntry === this.method?.cardEntry &&
      method?.installments === this.method?.installments;
    this.method = method;
    if (same) return;
    this.errors = {};
    this.bin = undefined;
    this.askAboutCard();
    this.host.requestUpdate();
  }

  /** The shopper typed in a field (the value already formatted by the view). */
  input(field: CardField, value: string, t: Translate): void {
    this.values = { ...this.values, [field]: value };
    this.edited.add(field);
    // An error stays until the next submit, unless the shopper fixes the field before that.
    if (this.errors[field] !== undefined && this.check(field, t) === undefined) this.setError(field, undefined);
    if (field === 'number') this.askAboutCard();
    this.host.requestUpdate();
  }

  /** The shopper left a field: one they typed in is checked now rather than on submit. */
  blur(field: CardField, t: Translate): void {
    if (!this.edited.has(field) && this.errors[field] === undefined) return;
    this.setError(field, this.check(field, t));
    this.host.requestUpdate();
  }

  /** Checks every field, showing the errors; returns them (empty when the card can be sent). */
  validate(t: Translate, now: Date = new Date()): FieldErrors {
    this.errors = validateCard(this.values, t, now);
    this.host.requestUpdate();
    return this.errors;
  }

  chooseInstallments(count: number): void {
    this.installmentCount = count;
    this.host.requestUpdate();
  }

  /** The plan chosen, when it is not a single payment and was offered for this card. */
  get chosenOption(): InstallmentOptionView | undefined {
    if (this.installments.status !== 'complete' || this.installmentCount <= 1) return undefined;
    return this.installments.options.find((option) => option.count === this.installmentCount);
  }

  /**
   * Pays with the card (call after `validate` found nothing). The security code is wiped once the
   * pay request is answered, whatever the answer: a second attempt asks for it again.
   */
  async pay(methodId: string, fields: Record<string, string>): Promise<void> {
    const card = toCardInput(this.values);
    if (!card) return;
    this.paidWithCard = true;
    try {
      await this.checkout.pay(methodId, fields, { card, installments: this.chosenOption?.count });
    } finally {
      this.values = { ...this.values, securityCode: '' };
      this.edited.delete('securityCode');
      this.host.requestUpdate();
    }
  }

  /** A new session: everything typed and answered is dropped. */
  clear(): void {
    this.values = { ...EMPTY_CARD };
    this.errors = {};
    this.edited.clear();
    this.answered.clear();
    this.paidWithCard = false;
    this.bin = undefined;
    this.askAboutCard();
    this.host.requestUpdate();
  }

  /** Forgets the number and the security code (the expiry date and the name are no secret). */
  private wipeCard(): void {
    this.values = { ...this.values, number: '', securityCode: '' };
    for (const field of ['number', 'securityCode'] as const) {
      this.edited.delete(field);
      this.setError(field, undefined);
    }
    this.askAboutCard();
    this.host.requestUpdate();
  }

  private check(field: CardField, t: Translate): string | undefined {
    return validateCard(this.values, t)[field];
  }

  private setError(field: CardField, error: string | undefined): void {
    const { [field]: _old, ...rest } = this.errors;
    this.errors = error === undefined ? rest : { ...rest, [field]: error };
  }

  /**
   * Asks for the installment plans when the card's BIN changed: after a pause in typing, with the
   * first eight digits only, once per BIN. A different card (or none) is back to a single payment.
   */
  private askAboutCard(): void {
    const method = this.method;
    const bin = method?.cardEntry && method.installments ? cardBin(this.values.number) : undefined;
    if (bin === this.bin && bin !== undefined) return;
    this.bin = bin;
    clearTimeout(this.debounce);
    this.debounce = undefined;
    this.asking?.abort();
    this.asking = undefined;
    this.installmentCount = 1;
    this.installments = { status: 'initial' };
    if (!method || !bin) return;
    const key = `${method.id} ${bin}`;
    const known = this.answered.get(key);
    if (known) {
      this.installments = { status: 'complete', bin, options: known };
      return;
    }
    this.debounce = setTimeout(() => void this.askInstallments(method.id, bin, key), INSTALLMENTS_DEBOUNCE_MS);
  }

  private async askInstallments(methodId: string, bin: string, key: string): Promise<void> {
    const asking = (this.asking = new AbortController());
    this.installments = { status: 'pending', bin };
    this.host.requestUpdate();
    try {
      const { options } = await this.checkout.installmentOptions({ methodId, bin }, asking.signal);
      if (asking.signal.aborted) return;
      const offered = options.filter((option) => Number.isInteger(option.count) && option.count > 1);
      this.answered.set(key, offered);
      this.installments = { status: 'complete', bin, options: offered };
    } catch {
      if (asking.signal.aborted) return;
      // Installments are a nicety: without an answer the shopper simply pays in one go.
      this.installments = { status: 'error', bin };
    }
    this.asking = undefined;
    this.host.requestUpdate();
  }
}
