import { html, nothing, type TemplateResult } from 'lit';
import type { InstallmentOptionView } from '../../server/api/widget-api.js';
import type { InstallmentsState } from '../card-entry/protocol.js';
import type { Translate } from '../strings.js';

export interface InstallmentOptionsParams {
  state: InstallmentsState;
  /** The count chosen; 1 is a single payment. */
  chosen: number;
  /** The order's amount, in minor units: the single payment's total. */
  amount: number;
  /** Minor units of the session currency in the shopper's locale. */
  money: (minor: number) => string;
  /** A rate in percent in the shopper's locale. */
  percent: (rate: number) => string;
  onChoose: (count: number) => void;
  t: Translate;
}

/**
 * The installment plans for the card being typed, as radios in a fieldset named by its legend
 * ("Installments"). A single payment comes first and stays the default; each plan reads
 * "3 × $34.12", with its total and interest as the radio's description rather than its name.
 * While the proxy is asked, a short status says so; a card without plans, or an answer that never
 * came, leaves the single payment alone.
 */
export function renderInstallmentOptions({ state, chosen, amount, money, percent, onChoose, t }: InstallmentOptionsParams): TemplateResult {
  const options: readonly InstallmentOptionView[] = state.status === 'complete' ? state.options : [];
  const row = (count: number, name: string, detail: string) => {
    const id = `pay-installment-${count}`;
    const selected = count === chosen;
    return html`
      <label class="installment ${selected ? 'selected' : ''}" part="installment">
        <input
          type="radio"
          name="pay-installments"
          .value=${String(count)}
          .checked=${selected}
          aria-labelledby=${id}
          aria-describedby="${id}-detail"
          @change=${() => onChoose(count)}
        />
        <span class="installment-text">
          <span class="installment-name" id=${id}>${name}</span>
          <span class="installment-detail" id="${id}-detail">${detail}</span>
        </span>
      </label>
    `;
  };
  return html`
    <div class="live" role="status">${state.status === 'pending'
      ? html`<p class="installments-status"><span class="spinner" aria-hidden="true"></span>${t('checkingInstallments')}</p>`
      : nothing}</div>
    ${state.status === 'complete' || state.status === 'error'
      ? html`<fieldset class="installments" part="installments">
          <legend class="legend">${t('installments')}</legend>
          ${row(1, t('singlePayment'), t('installmentTotal', { total: money(amount) }))}
          ${options.map((option) =>
            row(
              option.count,
              t('installmentOption', { count: option.count, amount: money(option.installmentAmount) }),
              [
                t('installmentTotal', { total: money(option.totalAmount) }),
                ...(option.interestRate ? [t('installmentInterest', { rate: percent(option.interestRate) })] : []),
              ].join(' · '),
            ),
          )}
        </fieldset>`
      : nothing}
  `;
}
