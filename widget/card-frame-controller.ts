import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { InstallmentOptionView, MethodView, PayRequest, PayResponse } from '../server/api/widget-api.js';
import { CheckoutApiError } from './api-client.js';
import { PayErrorEvent } from './events.js';
import type { CardField } from './card.js';
import {
  CARD_STRING_KEYS,
  CONNECT_MESSAGE,
  parseFrameMessage,
  type CardFacts,
  type CardStrings,
  type ElementMessage,
  type FrameMessage,
  type InstallmentsState,
  type Theme,
} from './card-entry/protocol.js';
import type { CheckoutController } from './checkout-controller.js';
import { english, type Translate } from './strings.js';

/** What the element tells the frame besides commands; sent again whenever it changes. */
export interface CardFrameSettings {
  token: string;
  lang: string;
  t: Translate;
  method: MethodView;
}

/** How long the frame may take to check its fields before the element gives up on it. */
const VALIDATE_TIMEOUT_MS = 5_000;
/** How long a new frame may take to load at all (a proxy that does not answer). */
const LOAD_TIMEOUT_MS = 15_000;
/**
 * How long a loaded frame may take to answer on its channel. Its script has run by its load
 * event, so only a page that is not the card entry stays silent: the browser's error page (proxy
 * unreachable, `frame-src` or `frame-ancestors` refusing it) or a page that did not accept us.
 */
const CONNECT_TIMEOUT_MS = 3_000;
/** The `pay-error` code of a card entry that could not be loaded. */
export const CARD_ENTRY_UNAVAILABLE = 'card_entry_unavailable';
/** The frame's height before it has said; about the four fields' height, so little moves when it does. */
export const INITIAL_FRAME_HEIGHT = 270;

const EMPTY_FACTS: CardFacts = {
  brand: null,
  lastFour: null,
  errors: {},
  valid: { number: false, expiry: false, securityCode: false, holderName: false },
  focused: null,
  cardId: 0,
};

type Reply = Extract<FrameMessage, { id: number }>;
type Host = ReactiveControllerHost & HTMLElement;

/**
 * The element's side of the card-entry frame: hands the frame its channel once it has loaded,
 * keeps it configured (session token, texts, theme, method), and turns its messages into state
 * the element renders (facts, height, installments) and into answers to `validate` and `pay`.
 * The card itself never reaches the element: paying sends the command, the frame sends the card.
 */
export class CardFrameController implements ReactiveController {
  facts: CardFacts = EMPTY_FACTS;
  installments: InstallmentsState = { status: 'initial' };
  /** The installment count chosen; 1 is a single payment. */
  installmentCount = 1;
  height = INITIAL_FRAME_HEIGHT;
  /** The frame did not load or never answered: the element shows an error and "Try again" instead. */
  unavailable = false;

  private readonly host: Host;
  private readonly checkout: CheckoutController;
  private readonly onSubmit: () => void;
  private readonly findFrame: () => HTMLIFrameElement | null;
  /** The frame element on screen, watched until it connects. */
  private shownFrame: HTMLIFrameElement | null = null;
  /** The frame answered on the current channel. */
  private connected = false;
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  /** Waiting for the frame to connect or be given up on (Pay pressed while it loads). */
  private connectWaiters: (() => void)[] = [];
  private port: MessagePort | undefined;
  private frame: HTMLIFrameElement | undefined;
  private settings: CardFrameSettings | undefined;
  /** The `--pay-*` properties as computed on the element when the frame loaded. */
  private theme: Theme = {};
  private sentSettings = '';
  private nextId = 1;
  /** Channels opened so far: one per frame document. */
  private channels = 0;
  private readonly waiting = new Map<number, (reply: Reply | undefined) => void>();
  private colorScheme: MediaQueryList | undefined;
  /**
   * The element was restyled without an update: the shopper's color scheme changed, or the page
   * changed a --pay-* property (the element's styles make that a transition). An update sends
   * the frame the new theme, if it is new.
   */
  private readonly restyled = (event: Event): void => {
    const property = (event as TransitionEvent).propertyName;
    if (property === undefined || property.startsWith('--pay-')) this.host.requestUpdate();
  };

  constructor(host: Host, checkout: CheckoutController, onSubmit: () => void, findFrame: () => HTMLIFrameElement | null) {
    this.host = host;
    this.checkout = checkout;
    this.onSubmit = onSubmit;
    this.findFrame = findFrame;
    host.addController(this);
    // A final payment made with this card: the frame forgets the number and the code.
    checkout.onComplete(() => this.send({ type: 'wipe', what: 'card' }));
  }

  /** The connection came back: a frame that could not load gets a new one without a click. */
  private readonly onOnline = (): void => {
    if (this.unavailable && this.settings) this.retry();
  };

  hostConnected(): void {
    this.colorScheme = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : undefined;
    this.colorScheme?.addEventListener('change', this.restyled);
    this.host.addEventListener('transitionend', this.restyled);
    if (typeof window !== 'undefined') window.addEventListener('online', this.onOnline);
  }

  hostDisconnected(): void {
    this.colorScheme?.removeEventListener('change', this.restyled);
    this.host.removeEventListener('transitionend', this.restyled);
    if (typeof window !== 'undefined') window.removeEventListener('online', this.onOnline);
    this.disconnect();
  }

  /** A new frame element on screen (first shown, or again after "Try again") gets its time to load. */
  hostUpdated(): void {
    const frame = this.findFrame();
    if (frame === this.shownFrame) return;
    this.shownFrame = frame;
    this.connected = false;
    this.watchConnection(frame ? LOAD_TIMEOUT_MS : undefined);
  }

  /**
   * The frame loaded (`frameOrigin` is the proxy's): a new channel, its far end posted to that
   * exact origin, so only the proxy's page in this very frame can take it.
   */
  connect(frame: HTMLIFrameElement, frameOrigin: string, theme: Theme): void {
    this.closeChannel();
    const target = frame.contentWindow;
    if (!target || !frameOrigin) return;
    const channel = new MessageChannel();
    this.channels += 1;
    this.frame = frame;
    this.theme = theme;
    this.port = channel.port1;
    this.port.onmessage = (event) => {
      const message = parseFrameMessage(event.data);
      if (message) this.receive(message);
    };
    target.postMessage({ type: CONNECT_MESSAGE }, frameOrigin, [channel.port2]);
    this.connected = false;
    this.watchConnection(CONNECT_TIMEOUT_MS);
    this.sentSettings = '';
    this.sendSettings();
  }

  /** "Try again": the element shows a new frame, which gets its time to load again. */
  retry(): void {
    this.unavailable = false;
    this.host.requestUpdate();
  }

  /** The frame on screen has not answered yet: the element shows that it loads. */
  get loading(): boolean {
    return !this.connected && !this.unavailable;
  }

  /** Gives the frame `timeoutMs` to say hello; undefined stops watching (it did, or it is gone). */
  private watchConnection(timeoutMs: number | undefined): void {
    clearTimeout(this.connectTimer);
    this.connectTimer = timeoutMs === undefined ? undefined : setTimeout(() => this.giveUp(), timeoutMs);
    if (timeoutMs === undefined) {
      for (const resolve of this.connectWaiters.splice(0)) resolve();
    }
  }

  /** The frame is dead: say so, in place of it, and to the page. */
  private giveUp(): void {
    this.unavailable = true;
    this.watchConnection(undefined);
    this.closeChannel();
    const message = (this.settings?.t ?? english)('cardEntryUnavailable');
    this.host.dispatchEvent(new PayErrorEvent({ code: CARD_ENTRY_UNAVAILABLE, message }));
    this.host.requestUpdate();
  }

  /** The element's theme changed: the frame gets the new values over the channel it has. */
  setTheme(theme: Theme): void {
    this.theme = theme;
    this.sendSettings();
  }

  /** Token, texts, theme and method for the frame; sent when any of them changed. */
  configure(settings: CardFrameSettings): void {
    if (settings.method.id !== this.settings?.method.id) {
      this.installments = { status: 'initial' };
      this.installmentCount = 1;
    }
    this.settings = settings;
    this.sendSettings();
  }

  /** The frame is gone (another method, a result screen): everything it said is forgotten. */
  disconnect(): void {
    if (!this.port && !this.settings) return;
    this.settings = undefined;
    // Chosen again later, the card entry gets a new frame and a new chance.
    this.unavailable = false;
    this.connected = false;
    this.watchConnection(undefined);
    this.closeChannel();
  }

  private closeChannel(): void {
    this.port?.close();
    this.port = undefined;
    this.frame = undefined;
    this.facts = EMPTY_FACTS;
    this.installments = { status: 'initial' };
    this.installmentCount = 1;
    for (const resolve of this.waiting.values()) resolve(undefined);
    this.waiting.clear();
  }

  /**
   * Checks the card in the frame, which shows the errors; resolves with the first field in error,
   * null, or 'unavailable' when the frame did not answer (it is then shown as such, not as a
   * card to correct).
   */
  async validate(): Promise<CardField | null | 'unavailable'> {
    // Pay pressed while the frame still loads: its answer comes once it has connected.
    if (!this.port && this.connectTimer !== undefined) await new Promise<void>((resolve) => this.connectWaiters.push(resolve));
    const reply = await this.request((id) => ({ type: 'validate', id }), VALIDATE_TIMEOUT_MS);
    if (reply?.type === 'validated') return reply.firstInvalid;
    if (!this.unavailable) this.giveUp();
    return 'unavailable';
  }

  /** Moves focus into the frame, onto `field`. */
  focus(field: CardField): void {
    this.frame?.focus();
    this.send({ type: 'focus', field });
  }

  chooseInstallments(count: number): void {
    this.installmentCount = count;
    this.host.requestUpdate();
  }

  /** The plan chosen, when it is not a single payment and was offered for this card. */
  get chosenOption(): InstallmentOptionView | undefined {
    if (this.installments.status !== 'complete' || this.installmentCount <= 1) return undefined;
    return this.installments.options.find((option) => option.count === this.installmentCount);
  }

  /** Pays with the card in the frame (call after `validate` found nothing). The frame forgets the security code once answered. */
  async pay(methodId: string, fields: Record<string, string>): Promise<void> {
    try {
      await this.checkout.pay(methodId, fields, {
        // The frame numbers cards from 1 in each document: a new frame's card 1 is another card.
        cardKey: `${this.channels}:${this.facts.cardId}`,
        installments: this.chosenOption?.count,
        send: (request, idempotencyKey) => this.sendPay(request, idempotencyKey),
      });
    } finally {
      this.send({ type: 'wipe', what: 'code' });
    }
  }

  private async sendPay(request: Omit<PayRequest, 'card'>, idempotencyKey: string): Promise<PayResponse> {
    const reply = await this.request((id) => ({
      type: 'pay',
      id,
      methodId: request.methodId,
      fields: request.fields ?? {},
      ...(request.installments !== undefined && { installments: request.installments }),
      idempotencyKey,
    }));
    if (reply?.type === 'paid') return { payment: reply.payment };
    if (reply?.type === 'pay-failed') throw new CheckoutApiError(reply.error.code, reply.error.message, reply.error.status);
    throw new CheckoutApiError('network_error', 'The card entry did not answer.', 0);
  }

  /** Sends a command that gets an answer; undefined when the frame went away (or took longer than `timeoutMs`). */
  private request(build: (id: number) => ElementMessage, timeoutMs?: number): Promise<Reply | undefined> {
    if (!this.port) return Promise.resolve(undefined);
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => settle(undefined), timeoutMs);
      const settle = (reply: Reply | undefined) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(reply);
      };
      this.waiting.set(id, settle);
      this.send(build(id));
    });
  }

  private receive(message: FrameMessage): void {
    if (!this.connected) {
      this.connected = true;
      this.watchConnection(undefined);
    }
    switch (message.type) {
      case 'state': {
        const { type: _type, ...facts } = message;
        this.facts = facts;
        break;
      }
      case 'resize':
        this.height = message.height;
        break;
      case 'installments':
        this.installments = message.state;
        // A different card (or none) is back to a single payment; the same card keeps the choice.
        if (message.state.status !== 'complete' || !message.state.options.some((option) => option.count === this.installmentCount)) {
          this.installmentCount = 1;
        }
        break;
      case 'submit':
        this.onSubmit();
        return;
      default:
        this.waiting.get(message.id)?.(message);
        return;
    }
    this.host.requestUpdate();
  }

  private sendSettings(): void {
    const settings = this.settings;
    if (!settings || !this.port) return;
    const strings = Object.fromEntries(CARD_STRING_KEYS.map((key) => [key, settings.t(key)])) as CardStrings;
    const message: ElementMessage = {
      type: 'configure',
      token: settings.token,
      lang: settings.lang,
      strings,
      theme: this.theme,
      method: { id: settings.method.id, installments: Boolean(settings.method.installments) },
    };
    const serialized = JSON.stringify(message);
    if (serialized === this.sentSettings) return;
    this.sentSettings = serialized;
    this.send(message);
  }

  private send(message: ElementMessage): void {
    this.port?.postMessage(message);
  }
}
