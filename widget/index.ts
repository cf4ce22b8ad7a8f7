/**
 * The element's entry, and the one module with a side effect (package.json `sideEffects`):
 * importing it registers `<pay-checkout>`, and exposes the element and event classes for
 * `instanceof` checks. It is the single-file SDK (`/sdk/pay-checkout.js`) and the npm build's
 * main module. A page that needs only the event classes or the money formatter imports
 * `events.js` or `format.js` instead, and its bundler leaves the element and Lit out.
 */
import { definePayCheckout } from './pay-checkout.js';

definePayCheckout();

export { PayCheckout, definePayCheckout } from './pay-checkout.js';
export { PayCompleteEvent, PayErrorEvent, PayMethodSelectEvent, PayReadyEvent, PaySessionExpiringEvent } from './events.js';
export type { PayCompleteDetail, PayErrorDetail, PayMethodSelectDetail, PaySessionExpiringDetail } from './events.js';
