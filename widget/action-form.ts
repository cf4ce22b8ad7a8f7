import type { PaymentAction } from '../server/api/widget-api.js';

export type FormAction = Extract<PaymentAction, { type: 'form' }>;

/**
 * Sends the shopper to a provider page that must be reached by a form submission (a POST with
 * the provider's fields). The form is built inside the element's shadow root rather than in the
 * merchant's document body: a form in a shadow tree is connected to the document and submits
 * and navigates like any other (Chromium, Firefox and Safari alike), and keeping it there leaves
 * the merchant's DOM untouched. `target=_top` leaves any frame the merchant put us in.
 */
export function submitActionForm(action: FormAction, parent: Node): void {
  const form = document.createElement('form');
  form.method = action.method.toLowerCase();
  form.action = action.action;
  form.target = '_top';
  form.hidden = true;
  for (const [name, value] of Object.entries(action.fields)) {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = name;
    input.value = value;
    form.append(input);
  }
  parent.appendChild(form);
  // form.submit() skips validation and submit events: the fields are the provider's, not the shopper's.
  form.submit();
}
