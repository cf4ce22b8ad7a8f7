import type { PaymentStatus } from '../server/api/widget-api.js';

/**
 * The events `<pay-checkout>` emits. Each is a small `Event` subclass with `bubbles` and
 * `composed` set, so a merchant can listen on the element or on any ancestor, and a `detail`
 * property shaped like `CustomEvent`'s. The global event map below makes
 * `element.addEventListener('pay-complete', (e) => e.detail.status)` type-checked.
 */

const init: EventInit = { bubbles: true, composed: true };

/** The checkout loaded and the shopper can pay. Emitted once per session. */
export class PayReadyEvent extends Event {
  static readonly eventName = 'pay-ready';
  readonly detail: null = null;
  constructor() {
    super(PayReadyEvent.eventName, init);
  }
}

export interface PayMethodSelectDetail {
  methodId: string;
}

/** The shopper chose a payment method. */
export class PayMethodSelectEvent extends Event {
  static readonly eventName = 'pay-method-select';
  readonly detail: PayMethodSelectDetail;
  constructor(detail: PayMethodSelectDetail) {
    super(PayMethodSelectEvent.eventName, init);
    this.detail = detail;
  }
}

export interface PayCompleteDetail {
  paymentId: string;
  status: PaymentStatus;
}

/** A payment reached a final status (succeeded, failed, ...). Emitted once per payment. */
export class PayCompleteEvent extends Event {
  static readonly eventName = 'pay-complete';
  readonly detail: PayCompleteDetail;
  constructor(detail: PayCompleteDetail) {
    super(PayCompleteEvent.eventName, init);
    this.detail = detail;
  }
}

export interface PayErrorDetail {
  code: string;
  message: string;
}

/** Loading the checkout or paying failed; the element shows the message and lets the shopper retry. */
export class PayErrorEvent extends Event {
  static readonly eventName = 'pay-error';
  readonly detail: PayErrorDetail;
  constructor(detail: PayErrorDetail) {
    super(PayErrorEvent.eventName, init);
    this.detail = detail;
  }
}

export interface PaySessionExpiringDetail {
  /** When the session token stops working (ISO 8601). */
  expiresAt: string;
  /** Seconds from now until then. */
  secondsLeft: number;
}

/**
 * The session token expires soon (a minute before, or at once when less is left): time for the
 * page to ask its backend for a new session and set its token on the `session` attribute, which
 * keeps what the shopper typed and chose.
 */
export class PaySessionExpiringEvent extends Event {
  static readonly eventName = 'pay-session-expiring';
  readonly detail: PaySessionExpiringDetail;
  constructor(detail: PaySessionExpiringDetail) {
    super(PaySessionExpiringEvent.eventName, init);
    this.detail = detail;
  }
}

declare global {
  interface HTMLElementEventMap {
    'pay-ready': PayReadyEvent;
    'pay-method-select': PayMethodSelectEvent;
    'pay-complete': PayCompleteEvent;
    'pay-error': PayErrorEvent;
    'pay-session-expiring': PaySessionExpiringEvent;
  }
}
