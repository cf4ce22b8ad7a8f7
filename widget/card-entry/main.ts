import './card-entry.css';
import { CheckoutApi, toCheckoutApiError } from '../api-client.js';
import { CardEntryForm } from './card-entry-form.js';
import { CardEntryState } from './card-entry-state.js';
import { InstallmentsLookup } from './installments-lookup.js';
import { CONNECT_MESSAGE, parseElementMessage, type ElementMessage, type FrameMessage } from './protocol.js';
import { safeTheme } from './theme.js';

/**
 * The card-entry frame's script (`GET /api/checkout/card-entry`, a page of the proxy's origin).
 * It takes one MessageChannel port, from its parent window only and only when the parent is on
 * an allowed merchant origin, and from then on talks over that port alone. The card's values
 * stay in this frame: the pay request goes from here to the proxy, and the element hears facts.
 */

const parentOrigins = readParentOrigins();
const state = new CardEntryState();
let port: MessagePort | undefined;
let parentOrigin = '';
let api: CheckoutApi | undefined;
let strings: Extract<ElementMessage, { type: 'configure' }>['strings'] | undefined;

const send = (message: FrameMessage) => port?.postMessage(message);
const sendFacts = () => send({ type: 'state', ...state.facts() });

const lookup = new InstallmentsLookup(
  (request, signal) => (api ? api.getInstallmentOptions(request, signal) : Promise.reject(new Error('not configured'))),
  (installments) => send({ type: 'installments', state: installments }),
);

const form = new CardEntryForm(document.body, state, {
  onChange: () => {
    sendFacts();
    lookup.update(state.bin);
  },
  onSubmit: () => send({ type: 'submit' }),
});

addEventListener('message', (event) => {
  if (port || event.source !== parent || event.source === window || !parentOrigins.includes(event.origin)) return;
  const data: unknown = event.data;
  if (typeof data !== 'object' || data === null || (data as { type?: unknown }).type !== CONNECT_MESSAGE || event.ports.length !== 1) return;
  parentOrigin = event.origin;
  port = event.ports[0]!;
  port.onmessage = (message) => {
    const parsed = parseElementMessage(message.data);
    if (parsed) void receive(parsed);
  };
  sendFacts();
  observeHeight();
});

async function receive(message: ElementMessage): Promise<void> {
  switch (message.type) {
    case 'configure': {
      api = new CheckoutApi({ endpoint: location.origin, token: message.token, embedderOrigin: parentOrigin });
      strings = message.strings;
      document.documentElement.lang = message.lang;
      document.title = message.strings.cardDetails;
      const style = document.documentElement.style;
      for (let index = style.length - 1; index >= 0; index -= 1) style.removeProperty(style.item(index));
      for (const [name, value] of Object.entries(safeTheme(message.theme))) style.setProperty(name, value);
      form.setStrings(message.strings);
      document.body.classList.add('ready');
      lookup.setMethod(message.method, state.bin);
      return;
    }
    case 'validate': {
      const firstInvalid = state.validate();
      form.render();
      sendFacts();
      send({ type: 'validated', id: message.id, firstInvalid });
      return;
    }
    case 'focus':
      form.focus(message.field);
      return;
    case 'wipe':
      state.wipe(message.what);
      form.render();
      sendFacts();
      lookup.update(state.bin);
      return;
    case 'pay':
      return pay(message);
  }
}

async function pay(message: Extract<ElementMessage, { type: 'pay' }>): Promise<void> {
  const card = state.cardInput();
  if (!api || !card) {
    state.validate();
    form.render();
    sendFacts();
    const error = { code: 'invalid_card', message: strings?.cardNumberInvalid ?? 'Check the card details.', status: 0 };
    return send({ type: 'pay-failed', id: message.id, error });
  }
  const { methodId, fields, installments, idempotencyKey } = message;
  try {
    const { payment } = await api.createPayment({ methodId, fields, card, ...(installments !== undefined && installments > 1 && { installments }) }, idempotencyKey);
    send({ type: 'paid', id: message.id, payment });
  } catch (thrown) {
    const { code, message: text, status } = toCheckoutApiError(thrown);
    send({ type: 'pay-failed', id: message.id, error: { code, message: text, status } });
  }
}

/** Tells the element the height of the fields, so the frame is always just as tall, never scrolled. */
function observeHeight(): void {
  let last = -1;
  new ResizeObserver(() => {
    const height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    send({ type: 'resize', height });
  }).observe(document.body);
}

/** The merchant origins that may embed this frame, written into the page by the proxy. */
function readParentOrigins(): string[] {
  try {
    const origins: unknown = JSON.parse(document.documentElement.dataset.parentOrigins ?? '[]');
    return Array.isArray(origins) ? origins.filter((origin): origin is string => typeof origin === 'string') : [];
  } catch {
    return [];
  }
}
