import { html, nothing, svg, type TemplateResult } from 'lit';
import type { PaymentView } from '../../server/api/widget-api.js';
import { outcomeOf, type Outcome } from '../payment-status.js';
import { t, type StringKey } from '../strings.js';

export interface ResultViewParams {
  payment: PaymentView;
  /** The payment's amount, formatted. */
  amount: string;
  /** Offer "Try another method" (the payment failed and the session is still open). */
  canRetry: boolean;
  onRetry: () => void;
}

export const RESULT_HEADING_ID = 'pay-result-heading';

const ICONS: Record<Outcome, TemplateResult> = {
  success: svg`<path d="M7 12.5l3.5 3.5L17 9" />`,
  refunded: svg`<path d="M9 8L5 12l4 4M5 12h10a4 4 0 0 0 0-8h-1" />`,
  failure: svg`<path d="M8 8l8 8M16 8l-8 8" />`,
  unsettled: svg`<path d="M12 7v5l3 2" />`,
};

const FAILURE_MESSAGES: Partial<Record<PaymentView['status'], StringKey>> = {
  canceled: 'canceledMessage',
  expired: 'expiredMessage',
};

/**
 * The end of the checkout: success, refunded, failure (with the provider's reason when there is
 * one), or "being processed" when the payment had not settled by the time polling stopped.
 * The element moves focus to the heading, so the outcome is read out at once.
 */
export function renderResult({ payment, amount, canRetry, onRetry }: ResultViewParams): TemplateResult {
  const outcome = outcomeOf(payment.status);
  let title: string;
  let message: string;
  switch (outcome) {
    case 'success':
      title = t('successTitle');
      message = t('successMessage', { amount });
      break;
    case 'refunded':
      title = t('refundedTitle');
      message = t('refundedMessage', { amount });
      break;
    case 'failure':
      title = t('failureTitle');
      message = payment.failure?.message || t(FAILURE_MESSAGES[payment.status] ?? 'failedMessage');
      break;
    case 'unsettled':
      title = t('pendingTitle');
      message = t('pendingMessage');
      break;
  }
  return html`
    <section class="result result-${outcome}" part="result" role="status" aria-labelledby=${RESULT_HEADING_ID}>
      <svg class="result-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">${ICONS[outcome]}</svg>
      <h2 class="result-title" id=${RESULT_HEADING_ID} tabindex="-1">${title}</h2>
      <p class="result-message">${message}</p>
      ${outcome === 'failure' && canRetry
        ? html`<button type="button" class="primary" part="button" @click=${onRetry}>${t('tryAnotherMethod')}</button>`
        : nothing}
    </section>
  `;
}
