import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { CheckoutView, MethodView } from '../server/api/widget-api.js';
import type { CheckoutApiError } from './api-client.js';
import { CardFrameController } from './card-frame-controller.js';
import { CheckoutController, type LoadState, type Stage } from './checkout-controller.js';
import { errorText } from './error-text.js';
import { PayMethodSelectEvent, PaySessionExpiringEvent } from './events.js';
import { collectFieldValues, validateFields, type FieldErrors } from './field-validation.js';
import { formatMoney, formatPercent } from './format.js';
import { allowsNewAttempt, canContinue } from './payment-status.js';
import { originOf } from './safe-url.js';
import { english, translator, type Translate } from './strings.js';
import { wantedLocale } from './locale.js';
import { payCheckoutStyles } from './pay-checkout.styles.js';
import { SessionExpiryController } from './session-expiry-controller.js';
import { effectiveTheme } from './effective-theme.js';
import { renderActionDialog } from './views/action-dialog.js';
import { renderCardFrame } from './views/card-frame.js';
import { renderInstallmentOptions } from './views/installment-options.js';
import { renderMethodFields } from './views/method-fields.js';
import { renderMethodList } from './views/method-list.js';
import { RESULT_HEADING_ID, renderResult } from './views/result-view.js';

/**
 * Where this script was loaded from: the proxy serves the SDK, so that is the default endpoint.
 * Read once at module evaluation; on a server (file: URL) or when bundled inline it is '' and
 * the page's own origin is used instead.
 */
const scriptOrigin = originOf(import.meta.url);

/** After this long waiting for the provider's confirmation, the shopper is told what to do. */
export const SLOW_CONFIRMATION_MS = 15_000;

/** The elements focus can be sent to after the next render. */
type FocusTarget = 'first-invalid' | 'method' | 'pay-button' | 'result' | 'status' | 'alert';

/**
 * An embeddable checkout: lists the payment methods of a session, collects what the chosen
 * method needs (a card, with installments where the card has them), pays through the merchant's
 * proxy, runs 3-D Secure or the provider's page in a dialog (or sends the shopper to it), and
 * shows the outcome. Card details are typed in a frame of the proxy's own origin, which sends
 * them to the proxy itself: neither the element nor the page around it ever sees them, only the
 * brand, the last four digits and whether the fields are valid.
 *
 * ```html
 * <script type="module" src="https://pay.example.com/sdk/pay-checkout.js"></script>
 * <pay-checkout session="eyJhbGciOiJFUzI1NiJ9..."></pay-checkout>
 * ```
 *
 * Works under a strict Content-Security-Policy: it needs `script-src` and `connect-src` for the
 * proxy and `frame-src` for the proxy and the providers' hosted pages, and no 'unsafe-inline' or
 * 'unsafe-eval'. Its styles are adopted stylesheets, which a policy does not govern, and it sets no
 * inline style attributes. Only a browser without adoptable stylesheets gets `<style>` elements
 * instead; give them your policy's nonce with `window.litNonce = '...'` before the script loads.
 *
 * @summary Lets a shopper pay for one order, with the methods the merchant's providers offer.
 *
 * @attr session - The session token (JWT) the merchant's backend got from `POST /api/sessions`. A new token reloads the methods and keeps what the shopper typed and chose (renew an expiring session this way); removing it empties the element.
 * @attr endpoint - The proxy's origin, e.g. `https://pay.example.com`. Defaults to the origin the script was loaded from; set it when the element is bundled into the page's own code.
 * @attr theme - `light` or `dark` forces that color theme; without it the element follows the shopper's `prefers-color-scheme`. Custom properties set by the page win over both.
 * @attr locale - A BCP 47 language tag (`tr`, `ja-JP`) for the texts, numbers and amounts. Defaults to the browser's language, else the session's locale. Texts come in English, Bahasa Indonesia, Japanese, Russian, Thai, Turkish and Ukrainian (the proxy sends the catalog with the checkout, so no extra request); any other language reads English, with numbers and amounts still written its way. Changing it loads the checkout again.
 *
 * @fires {PayReadyEvent} pay-ready - The checkout loaded and the shopper can pay. Once per session: not again for a new `locale` or another token of the same session, but again for a new session's token (a renewal: the new session is ready). `detail: null`.
 * @fires {PayMethodSelectEvent} pay-method-select - The shopper chose a method (not fired for the automatic choice of a single method). `detail: {methodId: string}`.
 * @fires {PayCompleteEvent} pay-complete - A payment reached a final status (`authorized`, `succeeded`, `failed`, `canceled`, `expired`, `refund_pending`, `partially_refunded`, `refunded`). Once per payment. `detail: {paymentId: string, status: PaymentStatus}`.
 * @fires {PaySessionExpiringEvent} pay-session-expiring - The session token expires in a minute (or less, when the checkout loads that late): ask your backend for a new session for the same order and set its token on `session`; what the shopper typed and chose stays, and a payment under way (3-D Secure, a provider page) goes on to its end. Without a new token the element shows that the checkout expired instead of failing. `detail: {expiresAt: string, secondsLeft: number}`.
 * @fires {PayErrorEvent} pay-error - Loading the checkout, paying, or checking a payment failed. `detail: {code: string, message: string}`; `code` is the proxy's error code (`card_declined`, `invalid_request`, ...), `network_error` when the proxy could not be reached, or `card_entry_unavailable` when the card-entry frame could not be loaded (the proxy unreachable, or a `frame-src` / `frame-ancestors` policy refusing it).
 *
 * @csspart container - The element's outer box.
 * @csspart status - A waiting message with its spinner: redirecting to the provider, waiting for its confirmation.
 * @csspart spinner - The spinning ring of a waiting message, and of the pay button while paying.
 * @csspart status-advice - What to do when the provider's confirmation takes long (under the waiting message).
 * @csspart skeleton - The placeholder shape of the methods while they load.
 * @csspart load-error - The failed-load box (of the checkout, or of the card entry in place of its frame): its error and "Try again".
 * @csspart expired - The "checkout has expired" box, with "Reload page".
 * @csspart method-list - The fieldset of payment methods (or the "no method" message).
 * @csspart empty - The "no method is available" message (also part `method-list`).
 * @csspart legend - The "Payment method" heading of the method list.
 * @csspart method-group - A group of methods of one kind (cards, bank transfer, e-wallets, other ways), shown when more than six methods of several kinds are offered.
 * @csspart method-group-title - A method group's heading ("Cards", "Bank transfer", "E-wallets", "Other ways to pay").
 * @csspart fields - The box of a method's extra fields.
 * @csspart label - A method field's label.
 * @csspart hint - A method field's hint under its input.
 * @csspart notice - A notice above or below the methods: a payment not finished, a payment canceled.
 * @csspart secondary-button - "Try again", "Continue payment" and "Cancel payment".
 * @csspart method - One method row: its radio, logo and name.
 * @csspart method-logo - A method's logo image.
 * @csspart field - The wrapper of one method field: label, input, hint and error.
 * @csspart input - A method field's text input.
 * @csspart card-frame - The frame holding the card details of a card method (number, expiry date, security code, name on card), served by the proxy; the custom properties below style its inside.
 * @csspart installments - The fieldset of installment plans, once the card number says which apply.
 * @csspart installment - One installment row: its radio, "3 × $34.12" and the total with interest.
 * @csspart button - The pay button, and "Try another method" on a failed or pending result.
 * @csspart error - An error message: a failed load or payment, or an invalid field.
 * @csspart result - The result screen.
 * @csspart result-icon - The result's icon (check, cross, clock).
 * @csspart result-title - The result's heading.
 * @csspart result-message - The result's sentence.
 * @csspart dialog - The modal dialog holding a provider page or 3-D Secure.
 * @csspart dialog-header - The dialog's bar: its title and "Cancel payment".
 * @csspart dialog-title - The dialog's title.
 * @csspart frame - The iframe inside the dialog.
 *
 * @cssproperty [--pay-font-family=system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif] - The font.
 * @cssproperty [--pay-font-size=16px] - The base font size; everything else scales from it.
 * @cssproperty [--pay-color-primary=#2563eb] - The pay button, the selected method and focus rings.
 * @cssproperty [--pay-color-on-primary=#ffffff] - Text on the primary color.
 * @cssproperty [--pay-color-text=#1f2937] - Text.
 * @cssproperty [--pay-color-muted=#6b7280] - Hints, placeholders and secondary text.
 * @cssproperty [--pay-color-border=#d1d5db] - Borders of method rows, inputs and the dialog header.
 * @cssproperty [--pay-color-background=#ffffff] - Background of the element, its rows, inputs and dialog.
 * @cssproperty [--pay-color-error=#dc2626] - Error messages and invalid inputs.
 * @cssproperty [--pay-color-success=#16a34a] - The success mark on the result screen.
 * @cssproperty [--pay-radius=8px] - Corner radius of rows, inputs, buttons and the dialog.
 * @cssproperty [--pay-spacing=16px] - The space between blocks.
 * @cssproperty [--pay-density=1] - Scales the height of method rows, inputs and buttons: `0.75` is compact, `1.25` roomy.
 *
 * Every color property has a dark default too (`theme="dark"`, or a dark preference): primary #60a5fa, on-primary #0b1220, text #e5e7eb, muted #9ca3af, border #374151, background #111827, error #f87171, success #4ade80. The list with both defaults is exported as `THEME_PROPERTIES` from `pay-checkout/theme`.
 */
export class PayCheckout extends LitElement {
  static override styles = payCheckoutStyles;

  /** The session token (JWT). */
  @property() session: string | undefined;

  /** The proxy's origin; empty means the origin this script came from. */
  @property() endpoint: string | undefined;

  /** The shopper's language; empty means the browser's, else the session's. */
  @property() locale: string | undefined;

  /** `light` or `dark` forces that theme; anything else follows the shopper's `prefers-color-scheme`. */
  @property({ reflect: true }) theme: 'light' | 'dark' | undefined;

  @state() private selectedMethodId: string | undefined;
  @state() private fieldValues: Record<string, string> = {};
  @state() private fieldErrors: FieldErrors = {};
  @state() private methodError = false;

  /** The texts, in the language of the last checkout loaded (English until one has loaded). */
  private t: Translate = english;
  /** The language tag of `t`, on the container for screen readers. */
  private textLang = 'en';
  /** The checkout `t` was built from. */
  private translated: CheckoutView | undefined;

  private readonly checkout = new CheckoutController(this, {
    // The dialog's frame, not the card entry's: the return message must come from the former.
    frameWindow: () => this.renderRoot.querySelector<HTMLIFrameElement>('dialog iframe')?.contentWindow ?? null,
  });
  private readonly card = new CardFrameController(
    this,
    this.checkout,
    () => this.renderRoot.querySelector('form')?.requestSubmit(),
    () => this.renderRoot?.querySelector<HTMLIFrameElement>('iframe.card-frame') ?? null,
  );
  private readonly expiry = new SessionExpiryController(this, {
    onExpiring: (expiresAt, secondsLeft) => this.dispatchEvent(new PaySessionExpiringEvent({ expiresAt, secondsLeft })),
  });
  private focusTarget: FocusTarget | undefined;
  private lastStage: Stage['name'] | undefined;
  private wasPaying = false;
  /** Waiting for the provider's confirmation for longer than SLOW_CONFIRMATION_MS. */
  private slowConfirmation = false;
  private slowTimer: ReturnType<typeof setTimeout> | undefined;
  /** Focus moves only in answer to the shopper; a result found on page load leaves focus alone. */
  private shopperActed = false;
  /** Focus was on "Continue payment" before this update, which may remove it. */
  private focusInUnfinished = false;
  /** Focus was on the card entry's "Try again" before this update, which may remove it. */
  private focusInCardError = false;
  /** Focus was in the element (the card frame included) before this update. */
  private focusInside = false;
  /** The expired box was on screen after the last update. */
  private expiredShown = false;
  /** "Try again" on a failed load: focus goes to what the new load shows. */
  private retrying = false;
  private lastLoad: LoadState['status'] | undefined;

  protected override willUpdate(changed: PropertyValues<this>): void {
    // A new token (the page renewed an expiring session) keeps what the shopper typed and chose;
    // only removing the session empties the element.
    if ((changed.has('session') || changed.has('endpoint')) && !this.session) {
      this.selectedMethodId = undefined;
      this.fieldValues = {};
      this.fieldErrors = {};
      this.methodError = false;
      this.card.disconnect();
    }
    // The locale goes with the one checkout request: the proxy answers with the methods and the
    // texts in that language together. A new locale asks again, keeping what the shopper typed.
    if (changed.has('session') || changed.has('endpoint') || changed.has('locale')) {
      this.checkout.configure(
        this.session ? { token: this.session, endpoint: this.resolveEndpoint(), locale: wantedLocale(this.locale) } : undefined,
      );
    }
    const view = this.checkout.checkout;
    if (view && view !== this.translated) {
      this.translated = view;
      this.t = translator(view.messages);
      this.textLang = view.locale ?? 'en';
      this.expiry.watch(view.session.expiresAt);
    }
    if (!this.session) this.expiry.watch(undefined);
    const method = this.selectedMethod(view);
    const token = this.checkout.token;
    if (token && view && method?.cardEntry) {
      this.card.configure({ token, lang: this.textLang, t: this.t, method });
    } else {
      this.card.disconnect();
    }
    this.focusInUnfinished = Boolean(this.shadowRoot?.activeElement?.closest('.unfinished'));
    this.focusInCardError = Boolean(this.shadowRoot?.activeElement?.closest('.card-entry-error'));
    // :focus-within misses a focused frame; the shadow root's activeElement does not.
    this.focusInside = Boolean(this.shadowRoot?.activeElement);
  }

  protected override render(): TemplateResult {
    const { load } = this.checkout;
    const busy = load.status === 'pending' || this.checkout.reloading || this.checkout.stage.name === 'checking';
    return html`
      <div class="container" part="container" lang=${this.textLang} aria-busy=${busy ? 'true' : 'false'}>
        ${load.status === 'pending' ? this.renderSkeleton() : nothing}
        ${load.status === 'error' ? (isExpiredError(load.error) ? this.renderExpired() : this.renderLoadError(load.error)) : nothing}
        ${load.status === 'complete' ? this.renderStage(load.checkout) : nothing}
      </div>
    `;
  }

  protected override updated(changed: PropertyValues<this>): void {
    // The card frame cannot see the element's styles: it gets them again after every update, which
    // a change of `theme`, of the color scheme or of a --pay-* property causes (the channel sends
    // only what changed).
    this.card.setTheme(effectiveTheme(this));
    const { stage, paying } = this.checkout;
    if (stage.name === 'action') {
      const dialog = this.renderRoot.querySelector('dialog');
      if (dialog && !dialog.open) dialog.showModal();
    }
    if (stage.name !== this.lastStage) {
      clearTimeout(this.slowTimer);
      this.slowConfirmation = false;
      if (stage.name === 'checking') {
        this.slowTimer = setTimeout(() => {
          this.slowConfirmation = true;
          this.requestUpdate();
        }, SLOW_CONFIRMATION_MS);
      }
      if (stage.name === 'result' && this.shopperActed) this.focusTarget = 'result';
      // The pay button or the dialog that had focus is gone: the wait's words take it (also while
      // the provider's page is slow to load).
      else if ((stage.name === 'checking' || stage.name === 'redirecting') && this.shopperActed) this.focusTarget = 'status';
      // Back from the dialog, or "Try another method": the dialog or the button took focus with
      // it, so put it on the method again.
      else if (stage.name === 'choose' && (this.lastStage === 'action' || this.lastStage === 'result')) {
        this.focusTarget = 'method';
      }
      this.lastStage = stage.name;
    }
    // The unfinished payment ended while "Continue payment" had focus: the button is gone.
    if (this.focusInUnfinished && stage.name === 'choose' && !this.checkout.unfinishedPayment) this.focusTarget ??= 'method';
    // The card entry is tried again ("Try again", or the connection came back): the button is gone,
    // and focus waits on the method, just before the new frame.
    if (this.focusInCardError && !this.card.unavailable) this.focusTarget ??= 'method';
    // Paying from the card frame (Enter there) leaves focus in it; the button takes it when the shopper can act again.
    if (this.wasPaying && !paying && stage.name === 'choose') this.focusTarget ??= 'pay-button';
    this.wasPaying = paying;
    const load = this.checkout.load.status;
    // The connection came back and the load is tried again by itself: focus on "Try again" follows what it brings.
    if (load === 'pending' && this.lastLoad === 'error' && this.focusInside) this.retrying = true;
    this.lastLoad = load;
    if (this.retrying && load !== 'pending') {
      this.retrying = false;
      if (load === 'error') this.focusTarget = 'alert';
      else if (stage.name === 'choose') this.focusTarget ??= 'method';
    }
    // The session ended while the shopper was in the element (typing a card, say): the box saying so takes focus.
    const expiredShown = Boolean(this.renderRoot.querySelector('.expired'));
    if (expiredShown && !this.expiredShown && this.focusInside) this.focusTarget = 'alert';
    this.expiredShown = expiredShown;
    this.applyFocus();
  }

  private renderStage(checkout: CheckoutView): TemplateResult | typeof nothing {
    const { stage, payError } = this.checkout;
    switch (stage.name) {
      case 'choose':
      case 'action':
        // Nothing is under way: paying would fail, so say why instead.
        if (stage.name === 'choose' && (this.expiry.expired || (payError && isExpiredError(payError)))) return this.renderExpired();
        // One template for both, so the card frame (and the card in it) outlives the dialog.
        return html`${this.renderPayForm(checkout)}
        ${stage.name === 'action'
          ? renderActionDialog({ action: stage.action, onCancel: () => void this.checkout.cancelAction(), t: this.t })
          : nothing}`;
      case 'redirecting':
        return this.renderStatus(this.t('redirecting'));
      case 'checking':
        return this.renderStatus(this.t('checking'), this.slowConfirmation ? this.t('slowConfirmation') : undefined);
      case 'result':
        return renderResult({
          payment: stage.payment,
          amount: this.formatAmount(checkout, stage.payment.installments?.totalAmount ?? stage.payment.amount, stage.payment.currency),
          canRetry:
            (allowsNewAttempt(stage.payment.status) || canContinue(stage.payment)) &&
            isSessionOpen(checkout) &&
            checkout.methods.length > 0,
          onRetry: () => this.checkout.startOver(),
          announce: !this.shopperActed,
          t: this.t,
        });
    }
  }

  private renderPayForm(checkout: CheckoutView): TemplateResult {
    const { paying, payError, canceledNotice, unfinishedPayment, stage, reloading } = this.checkout;
    const busy = paying || stage.name === 'action';
    const method = this.selectedMethod(checkout);
    // With installments that carry interest, the shopper pays the plan's total.
    const total = this.card.chosenOption?.totalAmount ?? checkout.session.amount;
    const amount = this.formatAmount(checkout, total, checkout.session.currency);
    return html`
      <form class="pay-form" novalidate @submit=${this.onSubmit}>
        <div class="live" role="status">${unfinishedPayment
          ? html`<div class="notice unfinished" part="notice">
              <p>${this.t('unfinishedNotice')}</p>
              <button type="button" class="secondary" part="secondary-button" @click=${() => this.checkout.continuePayment()}>
                ${this.t('continuePayment')}
              </button>
            </div>`
          : nothing}</div>
        ${renderMethodList({
          methods: checkout.methods,
          selectedId: method?.id,
          error: this.methodError ? this.t('chooseMethod') : undefined,
          onSelect: this.onSelectMethod,
          t: this.t,
        })}
        ${method?.cardEntry ? this.renderCard(checkout, method) : nothing}
        ${method
          ? renderMethodFields({
              fields: method.fields,
              values: this.fieldValues,
              errors: this.fieldErrors,
              onInput: this.onFieldInput,
            })
          : nothing}
        <div class="live" role="status">${canceledNotice ? html`<p class="notice" part="notice">${this.t('canceledNotice')}</p>` : nothing}</div>
        <div class="live" role="alert">${payError ? html`<p class="error" part="error">${this.t(errorText(payError).key)}</p>` : nothing}</div>
        ${checkout.methods.length > 0
          ? html`<button
              type="submit"
              class="primary pay-button"
              part="button"
              aria-disabled=${busy || reloading ? 'true' : 'false'}
              aria-busy=${busy ? 'true' : 'false'}
            >
              ${busy ? html`<span class="spinner" part="spinner" aria-hidden="true"></span>${this.t('processing')}` : this.t('pay', { amount })}
            </button>`
          : nothing}
      </form>
    `;
  }

  private renderCard(checkout: CheckoutView, method: MethodView): TemplateResult {
    const { session } = checkout;
    return html`
      ${renderCardFrame({
        src: `${this.resolveEndpoint()}/api/checkout/card-entry`,
        height: this.card.height,
        loading: this.card.loading,
        onLoad: (frame) => this.card.connect(frame, originOf(this.resolveEndpoint()), effectiveTheme(this)),
        unavailable: this.card.unavailable,
        onRetry: () => this.card.retry(),
        t: this.t,
      })}
      ${method.installments
        ? renderInstallmentOptions({
            state: this.card.installments,
            chosen: this.card.installmentCount,
            amount: session.amount,
            money: (minor) => this.formatAmount(checkout, minor, session.currency),
            percent: (rate) => formatPercent(rate, wantedLocale(this.locale) ?? session.locale),
            onChoose: (count) => this.card.chooseInstallments(count),
            t: this.t,
          })
        : nothing}
    `;
  }

  /** A wait with words; `advice`, when the wait is long, says what the shopper can do. */
  private renderStatus(text: string, advice?: string): TemplateResult {
    return html`<div class="status" part="status" role="status" aria-live="polite" tabindex="-1">
      <p class="status-line"><span class="spinner" part="spinner" aria-hidden="true"></span><span>${text}</span></p>
      ${advice ? html`<p class="status-advice" part="status-advice">${advice}</p>` : nothing}
    </div>`;
  }

  /** The shape of the method list while it loads; screen readers hear the words instead. */
  private renderSkeleton(): TemplateResult {
    return html`<div class="skeleton" part="skeleton" role="status" aria-live="polite">
      <span class="visually-hidden">${this.t('loading')}</span>
      <span class="bone bone-legend" aria-hidden="true"></span>
      <span class="bone bone-row" aria-hidden="true"></span>
      <span class="bone bone-row" aria-hidden="true"></span>
      <span class="bone bone-button" aria-hidden="true"></span>
    </div>`;
  }

  private renderExpired(): TemplateResult {
    return html`<div class="expired" part="expired" role="alert" tabindex="-1">
      <p class="error-title">${this.t('sessionExpiredTitle')}</p>
      <p>${this.t('sessionExpiredMessage')}</p>
      <button type="button" class="secondary" part="secondary-button" @click=${() => location.reload()}>${this.t('reloadPage')}</button>
    </div>`;
  }

  private renderLoadError(error: CheckoutApiError): TemplateResult {
    const { key, transient } = errorText(error);
    return html`<div class="load-error" part="load-error">
      <div class="error" part="error" role="alert">
        <p class="error-title">${this.t('loadFailed')}</p>
        <p>${this.t(key)}</p>
      </div>
      ${transient
        ? html`<button type="button" class="secondary" part="secondary-button" @click=${this.onRetry}>${this.t('tryAgain')}</button>`
        : nothing}
    </div>`;
  }

  private onRetry = (): void => {
    this.shopperActed = true;
    this.retrying = true;
    this.checkout.retry();
  };

  private onSelectMethod = (methodId: string): void => {
    if (methodId !== this.selectedMethodId) this.checkout.dismissPayError();
    this.selectedMethodId = methodId;
    this.shopperActed = true;
    this.methodError = false;
    this.fieldErrors = {};
    this.dispatchEvent(new PayMethodSelectEvent({ methodId }));
  };

  private onFieldInput = (key: string, value: string): void => {
    this.fieldValues = { ...this.fieldValues, [key]: value };
    // An error stays until the next submit, unless the shopper fixes the field before that.
    if (this.fieldErrors[key] === undefined) return;
    const field = this.selectedMethod(this.checkout.checkout)?.fields.find((candidate) => candidate.key === key);
    if (field && validateFields([field], this.fieldValues, this.t)[key] === undefined) {
      const { [key]: _fixed, ...rest } = this.fieldErrors;
      this.fieldErrors = rest;
    }
  };

  private onSubmit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    this.shopperActed = true;
    const checkout = this.checkout.checkout;
    // The busy button is aria-disabled, not disabled, so that it keeps focus: its clicks and Enter still land here.
    if (!checkout || this.checkout.paying || this.checkout.reloading || this.checkout.stage.name !== 'choose') return;
    const method = this.selectedMethod(checkout);
    if (!method) {
      this.methodError = true;
      this.focusTarget = 'method';
      return;
    }
    const errors = validateFields(method.fields, this.fieldValues, this.t);
    this.fieldErrors = errors;
    const cardInvalid = method.cardEntry ? await this.card.validate() : null;
    if (cardInvalid === 'unavailable') {
      // The frame's error and "Try again" took its place: the one thing the shopper can do.
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('.card-entry-error button')?.focus();
      return;
    }
    if (cardInvalid) {
      // The card's fields come first on screen, so the first error is in the frame.
      this.card.focus(cardInvalid);
      return;
    }
    if (Object.keys(errors).length > 0) {
      this.focusTarget = 'first-invalid';
      return;
    }
    const fields = collectFieldValues(method.fields, this.fieldValues);
    if (method.cardEntry) void this.card.pay(method.id, fields);
    else void this.checkout.pay(method.id, fields);
  };

  /** The chosen method; the only one when there is just one. */
  private selectedMethod(checkout: CheckoutView | undefined): MethodView | undefined {
    if (!checkout) return undefined;
    const { methods } = checkout;
    if (methods.length === 1) return methods[0];
    return methods.find((method) => method.id === this.selectedMethodId);
  }

  private formatAmount(checkout: CheckoutView, amount: number, currency: string): string {
    const { session } = checkout;
    return formatMoney(amount, {
      currency,
      // The API gives the exponent of the session's currency; a payment is in that currency.
      currencyExponent: currency === session.currency ? session.currencyExponent : 2,
      locale: wantedLocale(this.locale) ?? session.locale,
    });
  }

  private resolveEndpoint(): string {
    const base = typeof location !== 'undefined' ? location.href : undefined;
    const endpoint = this.endpoint || scriptOrigin || (base ? new URL(base).origin : '');
    try {
      return new URL(endpoint, base).href.replace(/\/+$/, '');
    } catch {
      return endpoint;
    }
  }

  private applyFocus(): void {
    const target = this.focusTarget;
    if (!target) return;
    this.focusTarget = undefined;
    const root = this.renderRoot;
    let element: HTMLElement | null = null;
    switch (target) {
      case 'first-invalid':
        element = root.querySelector<HTMLElement>('[aria-invalid="true"]');
        break;
      case 'method':
        element =
          root.querySelector<HTMLElement>('input[type="radio"]:checked') ??
          root.querySelector<HTMLElement>('input[type="radio"]');
        break;
      case 'pay-button':
        element = root.querySelector<HTMLElement>('.pay-button');
        break;
      case 'result':
        element = root.querySelector<HTMLElement>(`#${RESULT_HEADING_ID}`);
        break;
      case 'status':
        element = root.querySelector<HTMLElement>('.status');
        break;
      case 'alert':
        // An expired session has nothing to retry; a failed load has "Try again".
        element = root.querySelector<HTMLElement>('.expired, .load-error button');
        break;
    }
    element?.focus();
  }
}

/** The proxy refused the session as expired: the token's lifetime or the session's is over. */
function isExpiredError(error: CheckoutApiError): boolean {
  return error.code === 'session_expired' || (error.status === 401 && /expired/i.test(error.message));
}

function isSessionOpen(checkout: CheckoutView): boolean {
  const expiresAt = Date.parse(checkout.session.expiresAt);
  return Number.isNaN(expiresAt) || expiresAt > Date.now();
}

/**
 * Registers the element unless something already did: the SDK can end up on a page twice (a
 * script tag and a bundle), and a second `define` of the same name would throw. Guarded for
 * servers, where there is no registry. The package's entry (`index.ts`) calls it; this module
 * itself registers nothing, so a bundler can drop it from a page that does not use the element.
 */
export function definePayCheckout(): void {
  if (typeof customElements === 'undefined' || customElements.get('pay-checkout')) return;
  customElements.define('pay-checkout', PayCheckout);
}

declare global {
  interface HTMLElementTagNameMap {
    'pay-checkout': PayCheckout;
  }
}
