/**
 * The entry of the single-file SDK (`/sdk/pay-checkout.js`): importing it registers
 * `<pay-checkout>` and exposes the element and event classes for `instanceof` checks.
 */
export { PayCheckout, definePayCheckout } from './pay-checkout.js';
export { PayCompleteEvent, PayErrorEvent, PayMethodSelectEvent, PayReadyEvent } from './events.js';
export type { PayCompleteDetail, PayErrorDetail, PayMethodSelectDetail } from './events.js';
