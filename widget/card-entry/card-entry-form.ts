import { detectBrand, digitsOf, formatCardNumber, formatExpiry, formatSecurityCode, type CardField } from '../card.js';
import { interpolate } from '../strings.js';
import type { CardEntryState } from './card-entry-state.js';
import type { CardStringKey, CardStrings } from './protocol.js';

/** What sets one card input apart from the others. */
interface CardInputSpec {
  field: CardField;
  id: string;
  label: CardStringKey;
  autocomplete: string;
  numeric: boolean;
  /** Cleans up what was typed or pasted; absent: kept as typed. */
  format?: (value: string, event: InputEvent) => string;
}

const SPECS: readonly CardInputSpec[] = [
  { field: 'number', id: 'card-number', label: 'cardNumber', autocomplete: 'cc-number', numeric: true, format: formatCardNumber },
  {
    field: 'expiry',
    id: 'card-expiry',
    label: 'expiryDate',
    autocomplete: 'cc-exp',
    numeric: true,
    format: (value, event) => formatExpiry(value, event.inputType?.startsWith('delete')),
  },
  { field: 'securityCode', id: 'card-code', label: 'securityCode', autocomplete: 'cc-csc', numeric: true },
  { field: 'holderName', id: 'card-name', label: 'nameOnCard', autocomplete: 'cc-name', numeric: false },
];

export interface CardEntryFormEvents {
  /** Something the facts depend on changed (a value, an error, focus). */
  onChange: () => void;
  /** Enter in a field. */
  onSubmit: () => void;
}

/**
 * The card inputs of the card-entry frame: number, expiry date, security code and name, labelled
 * with the contract's names and marked for the browser's card autofill. The number is grouped
 * and the expiry's slash put in as the shopper types; pasted or autofilled values are cleaned up
 * the same way. The detected brand shows at the number's end and is read with it. Values are set
 * as properties, never as attributes, so no card data ever sits in the markup.
 */
export class CardEntryForm {
  private readonly state: CardEntryState;
  private readonly inputs = new Map<CardField, HTMLInputElement>();
  private readonly labels = new Map<CardField, HTMLLabelElement>();
  private readonly errorLines = new Map<CardField, HTMLParagraphElement>();
  private readonly brand: HTMLSpanElement;
  private strings: CardStrings | undefined;

  constructor(root: HTMLElement, state: CardEntryState, events: CardEntryFormEvents) {
    this.state = state;
    const form = element('form', { class: 'card-form', novalidate: '' });
    // Enter submits the element's form, not this one (whose submission would reload the frame).
    form.addEventListener('submit', (event) => event.preventDefault());
    this.brand = element('span', { class: 'card-brand', id: 'card-brand', hidden: '' });
    const pair = element('div', { class: 'card-pair' });
    const fields = new Map<CardField, HTMLElement>();
    for (const spec of SPECS) {
      const input = element('input', {
        id: spec.id,
        class: spec.field === 'number' ? 'input card-number' : 'input',
        type: 'text',
        name: spec.autocomplete,
        autocomplete: spec.autocomplete,
        autocorrect: 'off',
        spellcheck: 'false',
        required: '',
        'aria-required': 'true',
        'aria-invalid': 'false',
        ...(spec.numeric ? { inputmode: 'numeric' } : { autocapitalize: 'words', maxlength: '100' }),
      });
      input.addEventListener('input', (event) => {
        const format =
          spec.field === 'securityCode' ? (raw: string) => formatSecurityCode(raw, detectBrand(state.values.number)) : spec.format;
        const value = format ? reformat(input, (raw) => format(raw, event as InputEvent)) : input.value;
        state.input(spec.field, value);
        this.render();
        events.onChange();
      });
      input.addEventListener('focus', () => {
        state.focused = spec.field;
        events.onChange();
      });
      input.addEventListener('blur', () => {
        state.blur(spec.field);
        this.render();
        events.onChange();
      });
      input.addEventListener('keydown', (event) => {
        if (event.key !== 'Enter') return;
        event.preventDefault();
        events.onSubmit();
      });
      const label = element('label', { class: 'label', for: spec.id });
      const error = element('p', { class: 'field-error', id: `${spec.id}-error`, hidden: '' });
      const control = spec.field === 'number' ? element('div', { class: 'card-number-box' }, input, this.brand) : input;
      fields.set(spec.field, element('div', { class: spec.field === 'number' ? 'field card-number-field' : 'field' }, label, control, error));
      this.inputs.set(spec.field, input);
      this.labels.set(spec.field, label);
      this.errorLines.set(spec.field, error);
    }
    // Expiry date and security code side by side, between the number and the name.
    pair.append(fields.get('expiry')!, fields.get('securityCode')!);
    form.append(fields.get('number')!, pair, fields.get('holderName')!);
    root.append(form);
  }

  setStrings(strings: CardStrings): void {
    this.strings = strings;
    this.render();
  }

  focus(field: CardField): void {
    this.inputs.get(field)?.focus();
  }

  /** Writes the state into the inputs, errors and brand. */
  render(): void {
    const strings = this.strings;
    if (!strings) return;
    const brand = detectBrand(this.state.values.number);
    for (const spec of SPECS) {
      const input = this.inputs.get(spec.field)!;
      const value = this.state.values[spec.field];
      if (input.value !== value) input.value = value;
      this.labels.get(spec.field)!.textContent = strings[spec.label];
      const key = this.state.errors[spec.field];
      const error = this.errorLines.get(spec.field)!;
      error.textContent = key ? interpolate(strings[key as CardStringKey] ?? strings.fieldRequired, { digits: brand?.codeLength ?? 3 }) : '';
      error.hidden = !key;
      input.setAttribute('aria-invalid', key ? 'true' : 'false');
      const describedBy = [...(spec.field === 'number' && brand ? ['card-brand'] : []), ...(key ? [error.id] : [])].join(' ');
      if (describedBy) input.setAttribute('aria-describedby', describedBy);
      else input.removeAttribute('aria-describedby');
    }
    const number = this.inputs.get('number')!;
    number.placeholder = '1234 1234 1234 1234';
    number.classList.toggle('with-brand', Boolean(brand && brand.name.length <= 10));
    number.classList.toggle('with-long-brand', Boolean(brand && brand.name.length > 10));
    this.brand.textContent = brand?.name ?? '';
    this.brand.hidden = !brand;
    this.inputs.get('expiry')!.placeholder = strings.expiryPlaceholder;
    this.inputs.get('securityCode')!.placeholder = brand?.codeLength === 4 ? '1234' : '123';
  }
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string>, ...children: Node[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/**
 * Writes the formatted value back into the input at once, so the shopper never sees the raw
 * keystroke, with the caret after the same digit it followed; returns the value.
 */
function reformat(input: HTMLInputElement, format: (value: string) => string): string {
  const raw = input.value;
  const formatted = format(raw);
  if (formatted === raw) return formatted;
  const caret = input.selectionStart ?? raw.length;
  const digitsBefore = digitsOf(raw.slice(0, caret)).length;
  input.value = formatted;
  const position = caret >= raw.length ? formatted.length : positionAfterDigits(formatted, digitsBefore);
  input.setSelectionRange(position, position);
  return formatted;
}

/** The index just after the `count`th digit of `value`. */
function positionAfterDigits(value: string, count: number): number {
  let seen = 0;
  for (let index = 0; index < value.length && count > 0; index += 1) {
    if (/\d/.test(value.charAt(index)) && ++seen === count) return index + 1;
  }
  return count > 0 ? value.length : 0;
}
