import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { InstallmentOptionView, MethodView, PayRequest, PayResponse } from '../server/api/widget-api.js';
import { CheckoutApiError } from './api-client.js';
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
import type { Translate } from './strings.js';

/** What the element tells the frame besides commands; sent again whenever it changes. */
export interface CardFrameSettings {
  token: string;
  lang: string;
  t: Translate;
  method: MethodView;
}

/** How long the frame may take to check its fields before the element gives up on it. */
const VALIDATE_TIMEOUT_MS = 5_000;
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

  private readonly host: ReactiveControllerHost;
  private readonly checkout: CheckoutController;
  private readonly onSubmit: () => void;
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

  constructor(host: ReactiveControllerHost, checkout: CheckoutController, onSubmit: () => void) {
    this.host = host;
    this.checkout = checkout;
    this.onSubmit = onSubmit;
    host.addController(this);
    // A final payment made with this card: the frame forgets the number and the code.
    checkout.onComplete(() => this.send({ type: 'wipe', what: 'card' }));
  }

  hostDisconnected(): void {
    this.disconnect();
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
    this.sentSettings = '';
    this.sendSettings();
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

  /** Checks the card in the frame, which shows the errors; resolves with the first field in error, or null. */
  async validate(): Promise<CardField | null> {
    const reply = await this.request((id) => ({ type: 'validate', id }), VALIDATE_TIMEOUT_MS);
    if (reply?.type !== 'validated') return 'number';
    return reply.firstInvalid;
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
