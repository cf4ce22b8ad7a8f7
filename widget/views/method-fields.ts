import { html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import type { MethodField } from '../../server/api/widget-api.js';
import type { FieldErrors } from '../field-validation.js';

export interface MethodFieldsParams {
  fields: readonly MethodField[];
  values: Readonly<Record<string, string>>;
  errors: FieldErrors;
  onInput: (key: string, value: string) => void;
}

/**
 * The selected method's extra inputs. Ids come from the field's position, not its key, since a
 * provider's key need not be a valid id. The hint and the error are tied to the input with
 * aria-describedby so a screen reader reads them with the label.
 */
export function renderMethodFields({ fields, values, errors, onInput }: MethodFieldsParams): TemplateResult | typeof nothing {
  if (fields.length === 0) return nothing;
  return html`
    <div class="fields" part="fields">
      ${fields.map((field, index) => {
        const id = `pay-field-${index}`;
        const hintId = field.hint ? `${id}-hint` : '';
        const error = errors[field.key];
        const errorId = error ? `${id}-error` : '';
        const describedBy = [hintId, errorId].filter(Boolean).join(' ');
        return html`
          <div class="field" part="field">
            <label class="label" part="label" for=${id}>${field.label}</label>
            <input
              id=${id}
              class="input"
              part="input"
              type="text"
              name=${field.key}
              autocomplete="off"
              spellcheck="false"
              placeholder=${field.example ?? nothing}
              ?required=${field.required}
              aria-required=${field.required ? 'true' : 'false'}
              aria-invalid=${error ? 'true' : 'false'}
              aria-describedby=${describedBy || nothing}
              .value=${live(values[field.key] ?? '')}
              @input=${(event: Event) => onInput(field.key, (event.currentTarget as HTMLInputElement).value)}
            />
            ${field.hint ? html`<p class="hint" part="hint" id=${hintId}>${field.hint}</p>` : nothing}
            ${error ? html`<p class="field-error" id=${errorId} part="error">${error}</p>` : nothing}
          </div>
        `;
      })}
    </div>
  `;
}
