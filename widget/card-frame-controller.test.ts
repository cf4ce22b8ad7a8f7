import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MethodView } from '../server/api/widget-api.js';
import { CardFrameController } from './card-frame-controller.js';
import type { ElementMessage, FrameMessage } from './card-entry/protocol.js';
import { english } from './strings.js';
import { checkoutView, json, payment, setUp } from './testing/controller-harness.js';

const PROXY = 'https://proxy.test';
const method: MethodView = { id: 'directcard:card', name: 'Card', category: 'card', fields: [], cardEntry: true, installments: true };

afterEach(() => {
  vi.useRealTimers();
});

const EMPTY_STATE = { type: 'state', brand: null, lastFour: null, errors: {}, valid: { number: false, expiry: false, securityCode: false, holderName: false }, focused: null, cardId: 0 };

/**
 * The frame's side of the channel: what it was sent, and a way to answer. Like the real frame it
 * says hello (its empty state) once it has the port, unless `silent` (a page that is not the card
 * entry: the browser's error page, or one that refused the embedding).
 */
function fakeFrame(answer: (message: ElementMessage, reply: (message: unknown) => void) => void = () => {}, { silent = false } = {}) {
  const posted: { data: unknown; origin: string; ports: MessagePort[] }[] = [];
  const received: ElementMessage[] = [];
  const window = {
    postMessage(data: unknown, origin: string, ports: MessagePort[]) {
      posted.push({ data, origin, ports });
      const port = ports[0]!;
      port.onmessage = (event) => {
        received.push(event.data as ElementMessage);
        answer(event.data as ElementMessage, (message) => port.postMessage(message));
      };
      if (!silent) port.postMessage(EMPTY_STATE);
    },
  };
  const frame = { contentWindow: window, focus: vi.fn() } as unknown as HTMLIFrameElement;
  return { frame, posted, received, reply: (message: unknown) => posted[0]!.ports[0]!.postMessage(message) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

async function connected(answer?: Parameters<typeof fakeFrame>[0]) {
  const { host, proxy, controller: checkout } = setUp({ 'GET /api/checkout': json(checkoutView(undefined, [method])) });
  checkout.configure({ token: 'tok', endpoint: PROXY });
  await settle();
  const onSubmit = vi.fn();
  const card = new CardFrameController(host as never, checkout, onSubmit, () => null);
  const frame = fakeFrame(answer);
  card.configure({ token: 'tok', lang: 'en', t: english, method });
  card.connect(frame.frame, PROXY, { '--pay-color-primary': '#0f766e' });
  await settle();
  return { host, proxy, checkout, card, onSubmit, ...frame };
}

describe('CardFrameController', () => {
  it("hands the frame its port at the proxy's exact origin, then its settings: token, texts, theme, method", async () => {
    const { posted, received } = await connected();
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ data: { type: 'pay-checkout:card-entry-connect' }, origin: PROXY });
    expect(posted[0]!.ports).toHaveLength(1);
    await vi.waitFor(() => expect(received).toHaveLength(1));
    expect(received).toEqual([
      expect.objectContaining({
        type: 'configure',
        token: 'tok',
        lang: 'en',
        theme: { '--pay-color-primary': '#0f766e' },
        method: { id: 'directcard:card', installments: true },
        strings: expect.objectContaining({ cardNumber: 'Card number', cardDetails: 'Card details' }),
      }),
    ]);
  });

  it('sends the settings again only when they change', async () => {
    const { card, received } = await connected();
    card.configure({ token: 'tok', lang: 'en', t: english, method });
    card.configure({ token: 'tok', lang: 'tr', t: english, method });
    await settle();
    expect(received.map((message) => message.type === 'configure' && message.lang)).toEqual(['en', 'tr']);
  });

  it('takes facts, height and installments from the frame, and ignores malformed messages', async () => {
    const { card, reply, host, onSubmit } = await connected();
    const updates = host.updates;
    reply({ type: 'state', brand: 'Mastercard', lastFour: null, errors: {}, valid: { number: false, expiry: false, securityCode: false, holderName: false }, focused: 'number', cardId: 1, number: '5421' });
    reply({ type: 'resize', height: 'tall' });
    await settle();
    expect(card.facts.brand).toBeNull();
    expect(host.updates).toBe(updates);
    reply({ type: 'state', brand: 'Mastercard', lastFour: '0656', errors: {}, valid: { number: true, expiry: false, securityCode: false, holderName: false }, focused: 'number', cardId: 1 });
    reply({ type: 'resize', height: 312 });
    reply({ type: 'installments', state: { status: 'complete', options: [{ count: 3, installmentAmount: 34500, totalAmount: 103500 }] } });
    reply({ type: 'submit' });
    await settle();
    expect(card.facts).toMatchObject({ brand: 'Mastercard', lastFour: '0656', focused: 'number' });
    expect(card.height).toBe(312);
    card.chooseInstallments(3);
    expect(card.chosenOption).toEqual({ count: 3, installmentAmount: 34500, totalAmount: 103500 });
    expect(onSubmit).toHaveBeenCalledTimes(1);
  });

  it('asks the frame to check the card and focuses the field it names', async () => {
    const { card, frame, received } = await connected((message, reply) => {
      if (message.type === 'validate') reply({ type: 'validated', id: message.id, firstInvalid: 'expiry' });
    });
    expect(await card.validate()).toBe('expiry');
    card.focus('expiry');
    await settle();
    expect(frame.focus).toHaveBeenCalled();
    expect(received.at(-1)).toEqual({ type: 'focus', field: 'expiry' });
  });

  it('pays through the frame, with the chosen installments and a key, then has it forget the code', async () => {
    const { card, checkout, received, reply, proxy } = await connected((message, answer) => {
      if (message.type === 'pay') answer({ type: 'paid', id: message.id, payment: payment('succeeded') });
    });
    reply({ type: 'installments', state: { status: 'complete', options: [{ count: 3, installmentAmount: 420, totalAmount: 1260 }] } });
    await settle();
    card.chooseInstallments(3);
    await card.pay('directcard:card', {});
    await settle();
    const pay = received.find((message) => message.type === 'pay');
    expect(pay).toMatchObject({ methodId: 'directcard:card', fields: {}, installments: 3, idempotencyKey: expect.any(String) });
    expect(received.filter((message) => message.type === 'wipe')).toEqual([
      { type: 'wipe', what: 'card' },
      { type: 'wipe', what: 'code' },
    ]);
    expect(checkout.stage).toMatchObject({ name: 'result', payment: { status: 'succeeded' } });
    // The element itself sent no pay request: the frame did.
    expect(proxy.calls.map((call) => call.key)).toEqual(['GET /api/checkout']);
  });

  it("shows the frame's pay failure as the proxy's error", async () => {
    const { card, checkout } = await connected((message, answer) => {
      if (message.type === 'pay') answer({ type: 'pay-failed', id: message.id, error: { code: 'card_declined', message: 'Declined.', status: 402 } });
    });
    await card.pay('directcard:card', {});
    expect(checkout.payError).toMatchObject({ code: 'card_declined', message: 'Declined.', status: 402 });
  });

  it('takes a frame that does not answer for an unavailable card entry, not for an invalid card', async () => {
    const { card, host } = await connected();
    card.disconnect();
    expect(await card.validate()).toBe('unavailable');
    expect(card.unavailable).toBe(true);
    expect(host.events.filter((event) => event.type === 'pay-error')).toEqual([{ type: 'pay-error', detail: { code: 'card_entry_unavailable', message: english('cardEntryUnavailable') } }]);
  });

  it("updates the element when the page changes a --pay-* property, which sends the frame its theme, until it is disconnected", async () => {
    const { card, host } = await connected();
    card.hostConnected();
    const transition = (propertyName: string) => Object.assign(new Event('transitionend'), { propertyName });
    const updates = host.updates;
    host.dispatchEvent(transition('background-color'));
    expect(host.updates).toBe(updates);
    host.dispatchEvent(transition('--pay-color-primary'));
    expect(host.updates).toBe(updates + 1);
    card.hostDisconnected();
    host.dispatchEvent(transition('--pay-color-primary'));
    expect(host.updates).toBe(updates + 1);
  });

  describe('a frame that never connects', () => {
    async function silentFrame() {
      const { host, controller: checkout } = setUp({ 'GET /api/checkout': json(checkoutView(undefined, [method])) });
      let shown: HTMLIFrameElement | null = null;
      const card = new CardFrameController(host as never, checkout, vi.fn(), () => shown);
      card.configure({ token: 'tok', lang: 'en', t: english, method });
      const frame = fakeFrame(undefined, { silent: true });
      vi.useFakeTimers();
      const show = (element: HTMLIFrameElement | null) => {
        shown = element;
        card.hostUpdated();
      };
      return { host, card, frame, show };
    }
    const payErrors = (host: { events: { type: string; detail: unknown }[] }) => host.events.filter((event) => event.type === 'pay-error');

    it('is given up on soon after its load (an error page): an error in its place and a pay-error', async () => {
      const { host, card, frame, show } = await silentFrame();
      show(frame.frame);
      card.connect(frame.frame, PROXY, {});
      await vi.advanceTimersByTimeAsync(2_000);
      expect(card.unavailable).toBe(false);
      await vi.advanceTimersByTimeAsync(1_500);
      expect(card.unavailable).toBe(true);
      expect(payErrors(host)).toEqual([{ type: 'pay-error', detail: { code: 'card_entry_unavailable', message: english('cardEntryUnavailable') } }]);
    });

    it('is given up on when it does not even load, and Pay pressed meanwhile waits for that instead of focusing it', async () => {
      const { host, card, frame, show } = await silentFrame();
      show(frame.frame);
      const validated = card.validate();
      await vi.advanceTimersByTimeAsync(14_000);
      expect(card.unavailable).toBe(false);
      await vi.advanceTimersByTimeAsync(1_500);
      expect(await validated).toBe('unavailable');
      expect(payErrors(host)).toHaveLength(1);
    });

    it('Pay pressed while a loaded frame stays silent answers as soon as it is given up on', async () => {
      const { card, frame, show } = await silentFrame();
      show(frame.frame);
      card.connect(frame.frame, PROXY, {});
      let result: unknown;
      void card.validate().then((value) => (result = value));
      await vi.advanceTimersByTimeAsync(3_100);
      expect(result).toBe('unavailable');
    });

    it('"Try again" shows a new frame, which gets its own time and, once it answers, stays', async () => {
      const { host, card, frame, show } = await silentFrame();
      show(frame.frame);
      card.connect(frame.frame, PROXY, {});
      await vi.advanceTimersByTimeAsync(3_100);
      show(null);
      const updates = host.updates;
      card.retry();
      expect(card.unavailable).toBe(false);
      expect(host.updates).toBe(updates + 1);
      const second = fakeFrame((message, reply) => {
        if (message.type === 'validate') reply({ type: 'validated', id: message.id, firstInvalid: null });
      });
      show(second.frame);
      card.connect(second.frame, PROXY, {});
      await vi.advanceTimersByTimeAsync(20_000);
      expect(card.unavailable).toBe(false);
      expect(await card.validate()).toBeNull();
      expect(payErrors(host)).toHaveLength(1);
    });
  });

  it('keeps the Idempotency-Key for the same card after no answer, and not for card 1 of a new frame', async () => {
    const noAnswer = (message: ElementMessage, answer: (message: unknown) => void) => {
      if (message.type === 'pay') answer({ type: 'pay-failed', id: message.id, error: { code: 'network_error', message: 'No answer.', status: 0 } });
    };
    const { card, received, reply } = await connected(noAnswer);
    const facts = { type: 'state', brand: 'Visa', lastFour: '1111', errors: {}, valid: { number: true, expiry: true, securityCode: true, holderName: true }, focused: null, cardId: 1 };
    reply(facts);
    await settle();
    await card.pay('directcard:card', {});
    await card.pay('directcard:card', {});
    const second = fakeFrame(noAnswer);
    card.connect(second.frame, PROXY, {});
    second.reply(facts);
    await settle();
    await card.pay('directcard:card', {});
    await settle();
    const keys = [...received, ...second.received].flatMap((message) => (message.type === 'pay' ? [message.idempotencyKey] : []));
    // Each pay is sent three times (two automatic retries): six with one key, then three with another.
    expect(keys).toHaveLength(9);
    expect(new Set(keys.slice(0, 6)).size).toBe(1);
    expect(new Set(keys.slice(6)).size).toBe(1);
    expect(keys[6]).not.toBe(keys[0]);
  }, 15_000);
});
