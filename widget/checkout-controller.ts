import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type {
  CheckoutView,
  PayRequest,
  PayResponse,
  PaymentAction,
  PaymentView,
} from '../server/api/widget-api.js';
import { CheckoutApi, CheckoutApiError, newIdempotencyKey, toCheckoutApiError } from './api-client.js';
import { submitActionForm } from './action-form.js';
import { PayCompleteEvent, PayErrorEvent, PayReadyEvent } from './events.js';
import { canContinue, isFinalStatus, outcomeOf } from './payment-status.js';
import { isReturnMessage } from './return-message.js';
import { isNavigableUrl, originOf } from './safe-url.js';

/**
 * Everything `<pay-checkout>` does beyond rendering: loading the checkout, paying, following the
 * payment's action, listening for the return message of a framed page, and polling until the
 * payment settles. The element renders from `load` and `stage` and calls the public methods.
 * The card entry's own work (its frame, installments, wiping the card) is `CardFrameController`'s.
 */

/** Loading the session's checkout. */
export type LoadState =
  | { status: 'initial' }
  | { status: 'pending' }
  | { status: 'complete'; checkout: CheckoutView }
  | { status: 'error'; error: CheckoutApiError };

export type FrameAction = Extract<PaymentAction, { type: 'iframe' | 'html' }>;

/** Where the shopper is once the checkout has loaded. */
export type Stage =
  /** Choosing a method and paying (`paying` says whether a pay request is in flight). */
  | { name: 'choose' }
  /** Leaving for the provider's page (redirect or form post). */
  | { name: 'redirecting'; payment: PaymentView }
  /** A provider page or 3-D Secure in the dialog. */
  | { name: 'action'; payment: PaymentView; action: FrameAction }
  /** Waiting for the payment to settle. */
  | { name: 'checking'; payment: PaymentView }
  /** A final payment, or one still unsettled when polling gave up (the pending screen). */
  | { name: 'result'; payment: PaymentView };

export interface CheckoutConfig {
  /** The session JWT. */
  token: string;
  /** The proxy's base URL, absolute. */
  endpoint: string;
  /** The shopper's language (canonical BCP 47 tag); undefined lets the proxy use the session's. */
  locale?: string | undefined;
}

/**
 * How a card method pays: through the card-entry frame, which holds the card and sends the pay
 * request itself. The element knows the card only by `cardKey`.
 */
export interface CardPayment {
  /** Tells one card from another without saying anything about it, so a retry after no answer keeps its Idempotency-Key. */
  cardKey: string;
  /** A count the proxy offered for this card; absent or 1 is a single payment. */
  installments?: number | undefined;
  /** Sends the pay request with the card; rejects with a CheckoutApiError as the API client does. */
  send(request: Omit<PayRequest, 'card'>, idempotencyKey: string): Promise<PayResponse>;
}

export interface CheckoutControllerOptions {
  /** The window of the iframe the dialog shows, to check where a return message comes from. */
  frameWindow: () => Window | null;
  /** For tests. */
  fetch?: typeof fetch;
}

/** The element: it renders into `renderRoot`, where a form action is built. */
type Host = ReactiveControllerHost & HTMLElement & { readonly renderRoot: HTMLElement | DocumentFragment };

/** How long to keep asking before showing "being processed" (or, quietly, before stopping). */
export const POLL_LIMIT_MS = 3 * 60_000;
const POLL_MAX_DELAY_MS = 5_000;
/** Errors only the merchant's developer can fix: a bad token, an origin not allowed, provider credentials. */
const SETUP_ERRORS: ReadonlySet<string> = new Set(['unauthorized', 'forbidden', 'forbidden_origin', 'authentication_failed', 'invalid_request']);
/**
 * While the dialog shows 3-D Secure or a provider page, the payment is also checked this often,
 * quietly: should the return page's message never arrive (a page that lost it, a browser that
 * blocked it), the dialog still closes once the payment is settled.
 */
export const DIALOG_POLL_MS = 3_000;
/** Automatic retries of a pay request worth repeating (isWorthRepeating), with the same Idempotency-Key. */
const PAY_RETRY_DELAYS_MS = [1_000, 2_000];

/** Who sees a poll: the shopper ("Checking your payment…"), or nobody (the offer to continue, the open dialog). */
type Watch = 'shown' | 'offer' | 'dialog';

/** The wait before status check number `attempt` (0-based): 2 s for the first ~10 s, then up to 5 s. */
export function pollDelay(attempt: number): number {
  if (attempt < 5) return 2_000;
  return Math.min(POLL_MAX_DELAY_MS, 2_000 + (attempt - 4) * 1_000);
}

/** Pay errors about the order rather than the method paid with: choosing another method changes nothing. */
const ORDER_ERRORS: ReadonlySet<string> = new Set(['outcome_unknown', 'conflict', 'payment_in_progress']);

/** A failure worth retrying without telling anyone: no answer, or the proxy briefly unwell. */
function isTransient(error: CheckoutApiError): boolean {
  return error.code === 'network_error' || error.status === 429 || error.status >= 500;
}

/**
 * A pay worth sending again, with the same Idempotency-Key, before the shopper is told: no answer
 * came (the proxy answers a repeat with the payment it may have created), or another attempt of
 * the order was still under way (payment_in_progress).
 */
function isWorthRepeating(error: unknown): boolean {
  return error instanceof CheckoutApiError && (error.code === 'network_error' || error.code === 'payment_in_progress');
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export class CheckoutController implements ReactiveController {
  load: LoadState = { status: 'initial' };
  stage: Stage = { name: 'choose' };
  /** A pay request is in flight; the pay button is busy and a second pay is ignored. */
  paying = false;
  /** The last pay (or action) failure, shown above the pay button. */
  payError: CheckoutApiError | undefined;
  /** The shopper closed the dialog; shown on the method list. */
  canceledNotice = false;
  /**
   * An unfinished payment of this session the shopper can take up again ("Continue payment" above
   * the methods): one waiting for the shopper on a provider page they left, typically with the
   * browser's Back button. Watched quietly meanwhile; paying anew instead drops it.
   */
  unfinishedPayment: PaymentView | undefined;

  private readonly host: Host;
  private readonly options: CheckoutControllerOptions;
  private config: CheckoutConfig | undefined;
  private api: CheckoutApi | undefined;
  /** Aborts everything tied to the current load: its request and any payment flow. */
  private lifetime: AbortController | undefined;
  /** Aborts the current payment flow: pay request, message listener, polling. */
  private flow: AbortController | undefined;
  /** The session pay-ready was emitted for: once per session, so not again for a new locale or the same session's token. */
  private announced: string | undefined;
  /** The API of the session each payment was made in, which asks about it until that session's token expires. */
  private readonly owners = new Map<string, CheckoutApi>();
  /** A new token, endpoint or locale set while a pay request was in flight: applied once it is answered. */
  private deferred: CheckoutConfig | undefined;
  /** Aborts the quiet reload of the checkout under a new token or locale. */
  private reloadAbort: AbortController | undefined;
  private readonly completed = new Set<string>();
  private readonly completeListeners = new Set<(payment: PaymentView) => void>();
  /** Back from another page through the back-forward cache: the page's state is stale. */
  private readonly onPageShow = (event: PageTransitionEvent): void => {
    if (event.persisted && this.config) void this.fetchCheckout();
  };
  /** The connection came back: a load that failed for want of it is tried again without a click. */
  private readonly onOnline = (): void => {
    if (this.load.status === 'error' && this.load.error.code === 'network_error') void this.fetchCheckout();
  };
  /**
   * The Idempotency-Key of the last pay attempt while its outcome is unknown (no answer came
   * back, or its payment was still being created). Paying again with the same method and fields then reuses it, so the proxy answers
   * with the payment it may already have created instead of creating a second one.
   */
  private unansweredAttempt: { key: string; request: string } | undefined;

  constructor(host: Host, options: CheckoutControllerOptions) {
    this.host = host;
    this.options = options;
    host.addController(this);
  }

  /** The loaded checkout, once there is one. */
  get checkout(): CheckoutView | undefined {
    return this.load.status === 'complete' ? this.load.checkout : undefined;
  }

  hostConnected(): void {
    // A page restored from the back-forward cache (the shopper pressed Back on the provider's
    // page) comes back as it was left, "Redirecting…" included: load the session again then.
    if (typeof window !== 'undefined') {
      window.addEventListener('pageshow', this.onPageShow);
      window.addEventListener('online', this.onOnline);
    }
    // Back in the document after a move: start over from the proxy's view of the session, under
    // a token set while the pay request the move cut short was in flight, if there is one.
    if (this.deferred) this.applyDeferred();
    else if (this.config && this.load.status === 'initial') void this.fetchCheckout();
  }

  hostDisconnected(): void {
    if (typeof window !== 'undefined') {
      window.removeEventListener('pageshow', this.onPageShow);
      window.removeEventListener('online', this.onOnline);
    }
    this.reset();
  }

  /** The token new calls go with (the card frame's too): a new one waits until a pay request in flight is answered. */
  get token(): string | undefined {
    return this.config?.token;
  }

  /** The checkout of a new token or locale is loading while the previous one stays on screen. */
  get reloading(): boolean {
    return this.reloadAbort !== undefined;
  }

  /**
   * A new session, endpoint or locale (or none). A checkout on screen stays there, busy, while the
   * new one loads, so the card frame and what the shopper chose are kept. While a payment is under
   * way (its dialog, its check, the redirect), only the credentials for what comes next change:
   * the payment is followed to its end with its own session's token, and with the new one once
   * that has expired.
   */
  configure(config: CheckoutConfig | undefined): void {
    // The pay request may be retried with the token it started with; the frame sends it with that one too.
    if (config && this.paying) {
      this.deferred = config;
      return;
    }
    this.deferred = undefined;
    this.config = config;
    this.api = config && new CheckoutApi({ ...config, ...(this.options.fetch && { fetch: this.options.fetch }) });
    if (config && this.checkout) {
      void this.reload();
      return;
    }
    if (!config) this.announced = undefined;
    this.completed.clear();
    this.unansweredAttempt = undefined;
    this.owners.clear();
    this.reset();
    if (config && this.host.isConnected) void this.fetchCheckout();
  }

  /** Loads the checkout under the new token or locale and keeps the stage: nothing under way is dropped. */
  private async reload(): Promise<void> {
    const api = this.api!;
    this.reloadAbort?.abort();
    const abort = (this.reloadAbort = new AbortController());
    const lifetime = this.lifetime?.signal;
    const endWithLifetime = () => abort.abort();
    lifetime?.addEventListener('abort', endWithLifetime, { once: true });
    this.host.requestUpdate();
    try {
      const checkout = await api.getCheckout(abort.signal);
      if (abort.signal.aborted) return;
      const previous = this.checkout;
      this.load = { status: 'complete', checkout };
      this.announce(checkout);
      // Another session that already has a payment, with nothing under way here: as on a first load.
      if (checkout.payment && checkout.session.id !== previous?.session.id && this.stage.name === 'choose' && !this.unfinishedPayment) {
        this.owners.set(checkout.payment.id, api);
        this.resumePayment(checkout.payment);
      }
    } catch (thrown) {
      if (abort.signal.aborted) return;
      // The screen stays as it is; what comes next goes with the new token and may fail the same way.
      this.emitError(toCheckoutApiError(thrown));
    } finally {
      lifetime?.removeEventListener('abort', endWithLifetime);
      if (this.reloadAbort === abort) this.reloadAbort = undefined;
      this.host.requestUpdate();
    }
  }

  /** The API a payment can be looked up with: its own session's. */
  private apiFor(paymentId: string): CheckoutApi | undefined {
    return this.owners.get(paymentId) ?? this.api;
  }

  /**
   * The payment as the proxy holds it, asked with its own session's token; once that token has
   * expired (a renewal comes a minute before), with the current one, which the proxy also lets
   * read its order's payments.
   */
  private async lookUpPayment(paymentId: string, signal: AbortSignal): Promise<PaymentView> {
    const owner = this.apiFor(paymentId)!;
    const current = this.api;
    try {
      return await owner.getPayment(paymentId, signal);
    } catch (thrown) {
      if (!current || current === owner || toCheckoutApiError(thrown).code !== 'unauthorized') throw thrown;
      this.owners.set(paymentId, current);
      return current.getPayment(paymentId, signal);
    }
  }

  /** Applies a new token set while a pay request was in flight. */
  private applyDeferred(): void {
    if (this.deferred) this.configure(this.deferred);
  }

  /** "Try again" after the checkout failed to load. */
  retry(): void {
    if (this.load.status === 'error') void this.fetchCheckout();
  }

  /**
   * Pays with a method, and for a card method through the card-entry frame. Ignored
   * while a payment is under way, so a double click pays once. Resolves once the pay request is
   * answered (or has failed) and the answer is followed.
   */
  async pay(methodId: string, fields: Record<string, string>, cardPayment?: CardPayment): Promise<void> {
    const api = this.api;
    if (!api || this.paying || this.reloading || !this.checkout || this.stage.name !== 'choose') return;
    const flow = this.startFlow();
    const installments = cardPayment?.installments;
    const body: PayRequest = {
      methodId,
      fields,
      ...(installments !== undefined && installments > 1 && { installments }),
    };
    // What makes two attempts the same payment: the same card and choices after no answer reuse the key.
    const request = JSON.stringify([methodId, fields, cardPayment && [cardPayment.cardKey, installments ?? 1]]);
    const key =
      this.unansweredAttempt?.request === request ? this.unansweredAttempt.key : newIdempotencyKey();
    this.unansweredAttempt = undefined;
    this.paying = true;
    this.payError = undefined;
    this.canceledNotice = false;
    // Paying anew: the unfinished payment is left as it is, and no longer offered or watched.
    this.unfinishedPayment = undefined;
    this.host.requestUpdate();

    let payment: PaymentView;
    try {
      const send = cardPayment ? () => cardPayment.send(body, key) : () => api.createPayment(body, key, flow.signal);
      payment = await this.withPayRetries(send, flow.signal);
    } catch (thrown) {
      if (flow.signal.aborted) return;
      const error = toCheckoutApiError(thrown);
      // After no answer the proxy may have a payment under this key, even if the last retry only heard it is still being created.
      if (isWorthRepeating(error)) this.unansweredAttempt = { key, request };
      this.paying = false;
      this.payError = error;
      this.emitError(error);
      this.host.requestUpdate();
      this.applyDeferred();
      return;
    }
    this.paying = false;
    if (flow.signal.aborted) return;
    this.owners.set(payment.id, api);
    this.followPayment(payment, flow);
    this.applyDeferred();
  }

  /**
   * Calls `listener` with each payment that reaches a final status, just before pay-complete is
   * emitted for it (once per payment). Returns the function that stops it.
   */
  onComplete(listener: (payment: PaymentView) => void): () => void {
    this.completeListeners.add(listener);
    return () => this.completeListeners.delete(listener);
  }

  /** "Continue payment" on the notice: follows the unfinished payment's action, as after a pay. */
  continuePayment(): void {
    const payment = this.unfinishedPayment;
    if (!payment?.action || this.paying || this.stage.name !== 'choose') return;
    const flow = this.startFlow();
    this.unfinishedPayment = undefined;
    this.payError = undefined;
    this.canceledNotice = false;
    this.followPayment(payment, flow);
  }

  /**
   * The shopper chose another method: the last pay's error goes if it was about the method before.
   * One about the order stays: a charge that may have gone through, an order paid or still busy.
   */
  dismissPayError(): void {
    if (!this.payError || ORDER_ERRORS.has(this.payError.code)) return;
    this.payError = undefined;
    this.host.requestUpdate();
  }

  /** "Cancel payment" in the dialog: back to the methods, then one look at the payment. */
  async cancelAction(): Promise<void> {
    if (this.stage.name !== 'action') return;
    const { payment } = this.stage;
    if (!this.apiFor(payment.id)) return;
    const flow = this.startFlow();
    this.stage = { name: 'choose' };
    this.canceledNotice = true;
    this.host.requestUpdate();
    // The payment stays as it is on the server; it may have gone through just before the click.
    try {
      const latest = await this.lookUpPayment(payment.id, flow.signal);
      if (flow.signal.aborted || !isFinalStatus(latest.status)) return;
      if (outcomeOf(latest.status) === 'failure') this.emitComplete(latest);
      else this.showResult(latest);
    } catch {
      // Nothing to tell: the shopper already chose to go back.
    }
  }

  /**
   * "Try another method" on a failed result, or on the pending screen of a payment still waiting
   * for the shopper: back to the methods, where that payment is offered again ("Continue payment").
   */
  startOver(): void {
    if (this.stage.name !== 'result') return;
    const { payment } = this.stage;
    this.payError = undefined;
    this.canceledNotice = false;
    if (canContinue(payment)) {
      this.offerToContinue(payment);
      return;
    }
    this.endFlow();
    this.stage = { name: 'choose' };
    this.host.requestUpdate();
  }

  private reset(): void {
    this.lifetime?.abort();
    this.lifetime = undefined;
    this.reloadAbort = undefined;
    this.endFlow();
    this.load = { status: 'initial' };
    this.stage = { name: 'choose' };
    this.paying = false;
    this.payError = undefined;
    this.canceledNotice = false;
    this.unfinishedPayment = undefined;
    this.host.requestUpdate();
  }

  private async fetchCheckout(): Promise<void> {
    const api = this.api;
    if (!api) return;
    this.reset();
    const lifetime = (this.lifetime = new AbortController());
    this.load = { status: 'pending' };
    this.host.requestUpdate();
    try {
      const checkout = await api.getCheckout(lifetime.signal);
      if (lifetime.signal.aborted) return;
      this.load = { status: 'complete', checkout };
      this.host.requestUpdate();
      this.announce(checkout);
      if (checkout.payment) {
        this.owners.set(checkout.payment.id, api);
        this.resumePayment(checkout.payment);
      }
    } catch (thrown) {
      if (lifetime.signal.aborted) return;
      const error = toCheckoutApiError(thrown);
      this.load = { status: 'error', error };
      this.host.requestUpdate();
      this.emitError(error);
    }
  }

  /**
   * The session's latest payment, found on load (the shopper came back from a provider page,
   * or reloaded). Its action is not followed again by itself: that would send a shopper who just
   * came back straight to the provider once more. One still waiting for the shopper is offered
   * ("Continue payment") next to the methods; one without anything to do is waited for.
   */
  private resumePayment(payment: PaymentView): void {
    if (isFinalStatus(payment.status)) {
      this.showResult(payment);
      return;
    }
    if (canContinue(payment)) {
      this.offerToContinue(payment);
      return;
    }
    const flow = this.startFlow();
    this.stage = { name: 'checking', payment };
    this.host.requestUpdate();
    void this.poll(payment, flow, pollDelay(0));
  }

  /** The methods, with the unfinished payment offered above them and watched in the background. */
  private offerToContinue(payment: PaymentView): void {
    const flow = this.startFlow();
    this.stage = { name: 'choose' };
    this.unfinishedPayment = payment;
    this.host.requestUpdate();
    void this.poll(payment, flow, pollDelay(0), 'offer');
  }

  /** The answer to a pay request: show the result, follow the action, or wait. */
  private followPayment(payment: PaymentView, flow: AbortController): void {
    if (isFinalStatus(payment.status)) {
      this.showResult(payment);
      return;
    }
    const action = payment.action;
    if (!action) {
      this.stage = { name: 'checking', payment };
      this.host.requestUpdate();
      void this.poll(payment, flow, pollDelay(0));
      return;
    }
    const url = action.type === 'form' ? action.action : action.url;
    if (!isNavigableUrl(url)) {
      const error = new CheckoutApiError('invalid_action', 'The payment page address is not valid.', 0);
      this.payError = error;
      this.emitError(error);
      this.host.requestUpdate();
      return;
    }
    switch (action.type) {
      case 'redirect':
        this.stage = { name: 'redirecting', payment };
        this.host.requestUpdate();
        window.location.assign(action.url);
        return;
      case 'form':
        this.stage = { name: 'redirecting', payment };
        this.host.requestUpdate();
        submitActionForm(action, this.host.renderRoot);
        return;
      case 'iframe':
      case 'html':
        this.stage = { name: 'action', payment, action };
        this.host.requestUpdate();
        this.listenForReturn(payment, flow);
        void this.poll(payment, flow, DIALOG_POLL_MS, 'dialog');
        return;
    }
  }

  /** The proxy's return page in the frame posts `pay-checkout:return` when the framed step is over. */
  private listenForReturn(payment: PaymentView, flow: AbortController): void {
    const expectedOrigin = originOf(this.config?.endpoint ?? '');
    const onMessage = (event: MessageEvent) => {
      if (!isReturnMessage(event, expectedOrigin, this.options.frameWindow(), payment.id)) return;
      if (this.stage.name !== 'action' || this.stage.payment.id !== payment.id) return;
      const next = this.startFlow();
      this.stage = { name: 'checking', payment };
      this.host.requestUpdate();
      void this.poll(payment, next, 0);
    };
    window.addEventListener('message', onMessage, { signal: flow.signal });
  }

  /**
   * Asks the proxy for the payment until it is final: every 2 s, then less often, for up to
   * three minutes; then shows "being processed" (the merchant learns the outcome by webhook).
   * No answer or a 5xx is retried quietly with a longer wait; any other error ends the polling.
   *
   * The `offer` and `dialog` watches are quiet: giving up or an error changes nothing on screen.
   * `offer` watches the unfinished payment offered on the method list: a success shows its
   * result, a failure just drops the offer. `dialog` watches, every 3 s, the payment whose
   * 3-D Secure or provider page the dialog shows: a final status closes it and shows the result,
   * as the return message would. Should the payment stop waiting for the shopper (no action any
   * more), there is nothing left to continue and paying anew could pay twice, so either watch
   * turns into "Checking your payment…".
   */
  private async poll(payment: PaymentView, flow: AbortController, firstDelay: number, watch: Watch = 'shown'): Promise<void> {
    if (!this.apiFor(payment.id)) return;
    let deadline = Date.now() + POLL_LIMIT_MS;
    let latest = payment;
    let delay = firstDelay;
    let attempt = 0;
    let failures = 0;
    for (;;) {
      if (!(await sleep(delay, flow.signal))) return;
      try {
        latest = await this.lookUpPayment(payment.id, flow.signal);
        if (flow.signal.aborted) return;
        if (watch === 'offer' && outcomeOf(latest.status) === 'failure') {
          this.endFlow();
          this.unfinishedPayment = undefined;
          this.host.requestUpdate();
          this.emitComplete(latest);
          return;
        }
        if (isFinalStatus(latest.status)) {
          this.showResult(latest);
          return;
        }
        if (watch !== 'shown' && canContinue(latest)) {
          if (watch === 'offer') this.unfinishedPayment = latest;
        } else if (watch !== 'shown') {
          // From here on the shopper watches the check, on its own full schedule.
          watch = 'shown';
          attempt = -1;
          deadline = Date.now() + POLL_LIMIT_MS;
          this.unfinishedPayment = undefined;
          this.stage = { name: 'checking', payment: latest };
          this.host.requestUpdate();
        }
        failures = 0;
        attempt += 1;
        delay = watch === 'dialog' ? DIALOG_POLL_MS : pollDelay(attempt);
      } catch (thrown) {
        if (flow.signal.aborted) return;
        const error = toCheckoutApiError(thrown);
        if (!isTransient(error)) {
          if (watch !== 'shown') return;
          this.emitError(error);
          break;
        }
        failures += 1;
        attempt += 1;
        delay = Math.min(POLL_MAX_DELAY_MS, pollDelay(attempt) * 2 ** failures);
      }
      if (Date.now() + delay > deadline) break;
    }
    if (watch !== 'shown') return;
    this.stage = { name: 'result', payment: latest };
    this.host.requestUpdate();
  }

  /** Retries a pay request worth repeating (no answer, or the order busy), with the same Idempotency-Key. */
  private async withPayRetries(send: () => Promise<{ payment: PaymentView }>, signal: AbortSignal): Promise<PaymentView> {
    for (let retry = 0; ; retry += 1) {
      try {
        return (await send()).payment;
      } catch (thrown) {
        const delay = PAY_RETRY_DELAYS_MS[retry];
        if (!isWorthRepeating(thrown) || delay === undefined || !(await sleep(delay, signal))) throw thrown;
      }
    }
  }

  private showResult(payment: PaymentView): void {
    this.endFlow();
    this.unfinishedPayment = undefined;
    this.stage = { name: 'result', payment };
    this.host.requestUpdate();
    this.emitComplete(payment);
  }

  private announce(checkout: CheckoutView): void {
    if (checkout.session.id === this.announced) return;
    this.announced = checkout.session.id;
    this.host.dispatchEvent(new PayReadyEvent());
  }

  /** pay-complete, once per payment that reached a final status. */
  private emitComplete(payment: PaymentView): void {
    if (!isFinalStatus(payment.status) || this.completed.has(payment.id)) return;
    this.completed.add(payment.id);
    for (const listener of this.completeListeners) listener(payment);
    this.host.dispatchEvent(new PayCompleteEvent({ paymentId: payment.id, status: payment.status }));
  }

  private emitError(error: CheckoutApiError): void {
    // The shopper reads a catalog text; a mistake in the page's setup is told where its developer looks first.
    if (SETUP_ERRORS.has(error.code)) console.error(`<pay-checkout> ${error.code}: ${error.message}`);
    this.host.dispatchEvent(new PayErrorEvent({ code: error.code, message: error.message }));
  }

  /** Ends the current payment flow and starts a new one under the current load. */
  private startFlow(): AbortController {
    this.endFlow();
    const flow = new AbortController();
    this.lifetime?.signal.addEventListener('abort', () => flow.abort(), { once: true });
    this.flow = flow;
    return flow;
  }

  private endFlow(): void {
    this.flow?.abort();
    this.flow = undefined;
  }
}
