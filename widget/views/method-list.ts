import { html, nothing, type TemplateResult } from 'lit';
import type { MethodView } from '../../server/api/widget-api.js';
import type { Translate } from '../strings.js';
import { groupMethods } from './method-groups.js';

export interface MethodListParams {
  methods: readonly MethodView[];
  selectedId: string | undefined;
  /** Shown under the legend when the shopper pressed Pay without choosing. */
  error: string | undefined;
  onSelect: (methodId: string) => void;
  t: Translate;
}

export const METHOD_ERROR_ID = 'pay-method-error';

/** The logo is decorative (the name is in the label); one that fails to load is hidden, not shown broken. */
function hideBrokenImage(event: Event): void {
  (event.currentTarget as HTMLImageElement).hidden = true;
}

/**
 * The methods as native radios in a fieldset: the legend names the group, each label names its
 * radio, and the browser gives arrow-key movement between them for free. A long list of several
 * categories is split into labelled groups; the radios keep one name, so they stay one radio group
 * and the arrow keys still move across all of them.
 */
export function renderMethodList({ methods, selectedId, error, onSelect, t }: MethodListParams): TemplateResult {
  if (methods.length === 0) {
    return html`<p class="empty" part="method-list empty">${t('noMethods')}</p>`;
  }
  const renderMethod = (method: MethodView) => {
    const logo = method.logoUrl ?? method.iconUrl;
    const selected = method.id === selectedId;
    return html`
      <label class="method ${selected ? 'selected' : ''}" part="method">
        <input type="radio" name="pay-method" .value=${method.id} .checked=${selected} @change=${() => onSelect(method.id)} />
        ${logo
          ? html`<img class="logo" part="method-logo" src=${logo} alt="" loading="lazy" @error=${hideBrokenImage} />`
          : nothing}
        <span class="method-name">${method.name}</span>
      </label>
    `;
  };
  const groups = groupMethods(methods);
  return html`
    <fieldset class="methods" part="method-list" aria-describedby=${error ? METHOD_ERROR_ID : nothing}>
      <legend class="legend" part="legend">${t('methodsLegend')}</legend>
      ${error ? html`<p class="field-error" id=${METHOD_ERROR_ID} part="error">${error}</p>` : nothing}
      ${groups
        ? groups.map(
            (group) => html`
              <div class="method-group" part="method-group" role="group" aria-labelledby="pay-method-group-${group.category}">
                <p class="method-group-title" part="method-group-title" id="pay-method-group-${group.category}">${t(group.titleKey)}</p>
                ${group.methods.map(renderMethod)}
              </div>
            `,
          )
        : methods.map(renderMethod)}
    </fieldset>
  `;
}
