import { html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import {
  detectBrand,
  digitsOf,
  formatCardNumber,
  formatExpiry,
  formatSecurityCode,
  type CardBrand,
  type CardField,
  type CardValues,
} from '../card.js';
import type { FieldErrors } from '../field-validation.js';
import type { StringKey, Translate } from '../strings.js';

export interface CardFormParams {
  values: Readonly<CardValues>;
  errors: FieldErrors;
  /** A field's new value, already formatted (`4111 1111 …`, `12 / 29`). */
  onInput: (field: CardField, value: string) => void;
  onBlur: (field: CardField) => void;
  t: Translate;
}

/** What sets one card input apart from the others. */
interface CardInputSpec {
  field: CardField;
  id: string;
  label: StringKey;
  autocomplete: string;
  numeric: boolean;
  placeholder?: string;
  /** Cleans up what was typed or pasted; absent: kept as typed. */
  format?: (value: string, event: InputEvent) => string;
}

const BRAND_ID = 'pay-card-brand';

/**
 * The card details of a method with `cardEntry`: number, expiry date, security code and name,
 * labelled with the contract's names and marked for the browser's card autofill. The number is
 * grouped and the expiry's slash put in as the shopper types; pasted or autofilled values are
 * cleaned up the same way. The detected brand shows beside the number and is read with it.
 * Values are set as properties, never as attributes, so no card data ever sits in the markup.
 * Any provider whose method takes a card gets this same form.
 */
export function renderCardForm({ values, errors, onInput, onBlur, t }: CardFormParams): TemplateResult {
  const brand = detectBrand(values.number);
  const input = (spec: CardInputSpec, extraClass = '', describedBy: readonly string[] = []) => {
    const error = errors[spec.field];
    const errorId = `${spec.id}-error`;
    const described = [...describedBy, ...(error ? [errorId] : [])].join(' ');
    return html`
      <input
        id=${spec.id}
        class="input ${extraClass}"
        part=${spec.field === 'number' ? 'input card-number' : 'input'}
        type="text"
        inputmode=${spec.numeric ? 'numeric' : nothing}
        autocomplete=${spec.autocomplete}
        autocapitalize=${spec.numeric ? nothing : 'words'}
        autocorrect="off"
        spellcheck="false"
        maxlength=${spec.field === 'holderName' ? 100 : nothing}
        placeholder=${spec.placeholder ?? nothing}
        required
        aria-required="true"
        aria-invalid=${error ? 'true' : 'false'}
        aria-describedby=${described || nothing}
        .value=${live(values[spec.field])}
        @input=${(event: InputEvent) => {
          const target = event.currentTarget as HTMLInputElement;
          onInput(spec.field, spec.format ? reformat(target, (value) => spec.format!(value, event)) : target.value);
        }}
        @blur=${() => onBlur(spec.field)}
      />
    `;
  };
  const field = (spec: CardInputSpec, control: TemplateResult = input(spec)) => {
    const error = errors[spec.field];
    return html`
      <div class="field" part="field">
        <label class="label" for=${spec.id}>${t(spec.label)}</label>
        ${control}
        ${error ? html`<p class="field-error" id="${spec.id}-error" part="error">${error}</p>` : nothing}
      </div>
    `;
  };

  const number: CardInputSpec = {
    field: 'number',
    id: 'pay-card-number',
    label: 'cardNumber',
    autocomplete: 'cc-number',
    numeric: true,
    placeholder: '1234 1234 1234 1234',
    format: formatCardNumber,
  };
  const expiry: CardInputSpec = {
    field: 'expiry',
    id: 'pay-card-expiry',
    label: 'expiryDate',
    autocomplete: 'cc-exp',
    numeric: true,
    placeholder: t('expiryPlaceholder'),
    format: (value, event) => formatExpiry(value, event.inputType?.startsWith('delete')),
  };
  const securityCode: CardInputSpec = {
    field: 'securityCode',
    id: 'pay-card-code',
    label: 'securityCode',
    autocomplete: 'cc-csc',
    numeric: true,
    placeholder: brand?.codeLength === 4 ? '1234' : '123',
    format: (value) => formatSecurityCode(value, brand),
  };
  const holderName: CardInputSpec = { field: 'holderName', id: 'pay-card-name', label: 'nameOnCard', autocomplete: 'cc-name', numeric: false };

  return html`
    <div class="card-form" part="card-form">
      ${field(
        number,
        html`<div class="card-number-box">
          ${input(number, brandClass(brand), brand ? [BRAND_ID] : [])}
          ${brand ? html`<span class="card-brand" part="card-brand" id=${BRAND_ID}>${brand.name}</span>` : nothing}
        </div>`,
      )}
      <div class="card-pair">${field(expiry)}${field(securityCode)}</div>
      ${field(holderName)}
    </div>
  `;
}

/** Room at the number's end for the brand's name. */
function brandClass(brand: CardBrand | undefined): string {
  if (!brand) return '';
  return brand.name.length > 10 ? 'with-long-brand' : 'with-brand';
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
