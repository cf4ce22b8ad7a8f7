import { html, nothing, svg, type TemplateResult } from 'lit';
import type { PaymentView } from '../../server/api/widget-api.js';
import { outcomeOf, type Outcome } from '../payment-status.js';
import { failureTextKey } from '../error-text.js';
import type { Translate } from '../strings.js';

export interface ResultViewParams {
  payment: PaymentView;
  /** The payment's amount, formatted: with installments, the plan's total the shopper agreed to. */
  amount: string;
  /**
   * Offer "Try another method": the payment failed, or is still waiting for the shopper on a
   * provider page; and the session is still open.
   */
  canRetry: boolean;
  onRetry: () => void;
  /**
   * Announce the result as a live region. Not when focus moves to its heading: a screen reader
   * reads the heading it lands on, and the live region would read the whole box a second time.
   */
  announce: boolean;
  t: Translate;
}

export const RESULT_HEADING_ID = 'pay-result-heading';

const ICONS: Record<Outcome, TemplateResult> = {
  success: svg`<path d="M5 12.5l4.5 4.5L19 7.5" />`,
  refunded: svg`<path d="M9 6L4 11l5 5M4 11h11a5 5 0 0 1 0 10h-2" />`,
  failure: svg`<path d="M6.5 6.5l11 11M17.5 6.5l-11 11" />`,
  unsettled: svg`<circle cx="12" cy="12" r="8.5" /><path d="M12 7.5V12l3 2" />`,
};

/**
 * The end of the checkout: success, refunded, failure (declined, canceled or expired, in the
 * shopper's language; the provider's own English reason goes to the merchant), or "being
 * processed" when the payment had not settled by the time polling stopped. After the shopper's
 * own step the element moves focus to the heading, so the outcome is read out at once.
 */
export function renderResult({ payment, amount, canRetry, onRetry, announce, t }: ResultViewParams): TemplateResult {
  const outcome = outcomeOf(payment.status);
  let title: string;
  let message: string;
  switch (outcome) {
    case 'success':
      title = t('successTitle');
      message = payment.installments
        ? t('successMessageInstallments', { amount, count: payment.installments.count })
        : t('successMessage', { amount });
      break;
    case 'refunded':
      title = t('refundedTitle');
      message = t('refundedMessage', { amount });
      break;
    case 'failure':
      // The shopper reads why it ended: declined, canceled on the provider's page, or too late.
      title = t(payment.status === 'canceled' ? 'canceledTitle' : payment.status === 'expired' ? 'expiredTitle' : 'failureTitle');
      message = t(failureTextKey(payment.status, payment.failure?.code));
      break;
    case 'unsettled':
      title = t('pendingTitle');
      message = t('pendingMessage');
      break;
  }
  return html`
    <section class="result result-${outcome}" part="result" role=${announce ? 'status' : nothing} aria-labelledby=${RESULT_HEADING_ID}>
      <svg class="result-icon" part="result-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">${ICONS[outcome]}</svg>
      <h2 class="result-title" part="result-title" id=${RESULT_HEADING_ID} tabindex="-1">${title}</h2>
      <p class="result-message" part="result-message">${message}</p>
      ${canRetry
        ? html`<button type="button" class="primary" part="button" @click=${onRetry}>${t('tryAnotherMethod')}</button>`
        : nothing}
    </section>
  `;
}
