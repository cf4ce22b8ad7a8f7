import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PaymentView } from '../server/api/widget-api.js';
import { CheckoutApi } from './api-client.js';
import { POLL_LIMIT_MS, pollDelay, type CardPayment } from './checkout-controller.js';
import { checkoutView, idempotencyKeys, json, offline, payment, setUp } from './testing/controller-harness.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** A window with just what the controller touches: location.assign and event listeners. */
function stubWindow() {
  const assign = vi.fn();
  const listeners = new Map<string, (event: Event) => void>();
  vi.stubGlobal('window', {
    location: { assign },
    addEventListener: (type: string, listener: (event: Event) => void) => listeners.set(type, listener),
    removeEventListener: (type: string) => listeners.delete(type),
  });
  return { assign, listeners };
}

const hostedPage = { type: 'redirect', url: 'https://psp.test/hpp/pay_1' } as const;
const unfinished = (extra: Partial<PaymentView> = {}) => payment('requires_action', { action: hostedPage, ...extra });
const paymentChecks = (calls: { key: string }[]) => calls.filter((call) => call.key === 'GET /api/checkout/payments/pay_1').length;

describe('pollDelay', () => {
  it('asks every 2 s at first, then backs off to 5 s', () => {
    expect([0, 1, 4, 5, 6, 7, 8, 50].map(pollDelay)).toEqual([2000, 2000, 2000, 3000, 4000, 5000, 5000, 5000]);
  });
});

describe('CheckoutController', () => {
  it('loads the checkout and emits pay-ready once', async () => {
    const { host, controller } = setUp({ 'GET /api/checkout': json(checkoutView()) });
    controller.configure({ token: 't', endpoint: 'https://proxy.test' });
    expect(controller.load.status).toBe('pending');
    await vi.runAllTimersAsync();
    expect(controller.load.status).toBe('complete');
    expect(host.events.map((e) => e.type)).toEqual(['pay-ready']);
  });

  it('keeps the checkout on screen, busy, while a new locale or token loads; pay-ready once per session', async () => {
    const renewed = { ...checkoutView(), session: { ...checkoutView().session, id: 's2' } };
    const { host, proxy, controller } = setUp({
      'GET /api/checkout': [json(checkoutView()), json(checkoutView()), json(renewed)],
      'POST /api/checkout/payments': json({ payment: payment('pending') }, 201),
    });
    controller.configure({ token: 't1', endpoint: 'https://proxy.test' });
    await vi.runAllTimersAsync();
    controller.configure({ token: 't1', endpoint: 'https://proxy.test', locale: 'tr' });
    expect(controller.load.status).toBe('complete');
    expect(controller.reloading).toBe(true);
    // Paying now would go with the methods of the checkout being replaced.
    await controller.pay('sim:card', {});
    expect(proxy.calls.filter((call) => call.key === 'POST /api/checkout/payments')).toHaveLength(0);
    await vi.runAllTimersAsync();
    expect(controller.reloading).toBe(false);
    expect(proxy.urls.at(-1)).toBe('https://proxy.test/api/checkout?locale=tr');
    expect(host.events.map((e) => e.type)).toEqual(['pay-ready']);

    // A renewal is another session, ready in its turn.
    controller.configure({ token: 't2', endpoint: 'https://proxy.test', locale: 'tr' });
    expect(controller.load.status).toBe('complete');
    await vi.runAllTimersAsync();
    expect(controller.checkout?.session.id).toBe('s2');
    expect(controller.stage).toEqual({ name: 'choose' });
    expect(host.events.map((e) => e.type)).toEqual(['pay-ready', 'pay-ready']);
  });

  it("sends the shopper's locale with the one checkout request", async () => {
    const { proxy, controller } = setUp({ 'GET /api/checkout': json(checkoutView()) });
    controller.configure({ token: 't', endpoint: 'https://proxy.test', locale: 'ja-JP' });
    await vi.runAllTimersAsync();
    expect(controller.load.status).toBe('complete');
    expect(proxy.calls.map((call) => call.key)).toEqual(['GET /api/checkout']);
    expect(proxy.urls).toEqual(['https://proxy.test/api/checkout?locale=ja-JP']);
  });

  it('reports a failed load with pay-error and loads again on retry', async () => {
    const { host, controller } = setUp({
      'GET /api/checkout': [json({ error: { code: 'session_expired', message: 'The session has expired.' } }, 401), json(checkoutView())],
    });
    controller.configure({ token: 't', endpoint: 'https://proxy.test' });
    await vi.runAllTimersAsync();
    expect(controller.load).toMatchObject({ status: 'error', error: { code: 'session_expired', status: 401 } });
    expect(host.events).toEqual([{ type: 'pay-error', detail: { code: 'session_expired', message: 'The session has expired.' } }]);
    controller.retry();
    await vi.runAllTimersAsync();
    expect(controller.load.status).toBe('complete');
    expect(host.events.map((e) => e.type)).toEqual(['pay-error', 'pay-ready']);
  });

  it('loads again by itself when the connection comes back after a load that had none', async () => {
    const { listeners } = stubWindow();
    const { host, controller } = setUp({ 'GET /api/checkout': [offline, json(checkoutView())] });
    controller.hostConnected();
    controller.configure({ token: 't', endpoint: 'https://proxy.test' });
    await vi.runAllTimersAsync();
    expect(controller.load).toMatchObject({ status: 'error', error: { code: 'network_error' } });
    listeners.get('online')!(new Event('online'));
    await vi.runAllTimersAsync();
    expect(controller.load.status).toBe('complete');
    expect(host.events.map((e) => e.type)).toEqual(['pay-error', 'pay-ready']);
    controller.hostDisconnected();
    expect(listeners.has('online')).toBe(false);
  });

  it('leaves a load the proxy answered with an error to "Try again" when the connection comes back', async () => {
    const { listeners } = stubWindow();
    const { proxy, controller } = setUp({
      'GET /api/checkout': [json({ error: { code: 'internal', message: 'Something went wrong.' } }, 500), json(checkoutView())],
    });
    controller.hostConnected();
    controller.configure({ token: 't', endpoint: 'https://proxy.test' });
    await vi.runAllTimersAsync();
    expect(controller.load).toMatchObject({ status: 'error', error: { status: 500 } });
    listeners.get('online')!(new Event('online'));
    await vi.runAllTimersAsync();
    expect(controller.load.status).toBe('error');
    expect(proxy.calls.filter((call) => call.key === 'GET /api/checkout')).toHaveLength(1);
  });

  it('shows a final payment found on load and emits pay-complete', async () => {
    const { host, controller } = setUp({ 'GET /api/checkout': json(checkoutView(payment('succeeded'))) });
    controller.configure({ token: 't', endpoint: 'https://proxy.test' });
    await vi.runAllTimersAsync();
    expect(controller.stage).toMatchObject({ name: 'result', payment: { status: 'succeeded' } });
    expect(host.events).toEqual([
      { type: 'pay-ready', detail: null },
      { type: 'pay-complete', detail: { paymentId: 'pay_1', status: 'succeeded' } },
    ]);
  });

  it('pays once, polls until final, and emits pay-complete once', async () => {
    const { host, proxy, controller } = setUp({
      'GET /api/checkout': json(checkoutView()),
      'POST /api/checkout/payments': json({ payment: payment('pending') }, 201),
      'GET /api/checkout/payments/pay_1': [offline, json(payment('pending')), json(payment('succeeded'))],
    });
    controller.configure({ token: 't', endpoint: 'https://proxy.test' });
    await vi.runAllTimersAsync();
    const first = controller.pay('sim:card', {});
    void controller.pay('sim:card', {}); // a double click
    expect(controller.paying).toBe(true);
    await first;
    expect(controller.stage.name).toBe('checking');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(controller.stage).toMatchObject({ name: 'result', payment: { status: 'succeeded' } });
    expect(idempotencyKeys(proxy.calls)).toHaveLength(1);
    expect(proxy.calls.filter((call) => call.key === 'GET /api/checkout/payments/pay_1')).toHaveLength(3);
    expect(host.events.filter((e) => e.type === 'pay-complete')).toEqual([
      { type: 'pay-complete', detail: { paymentId: 'pay_1', status: 'succeeded' } },
    ]);
  });

  it('sends a pay again, with its key, while another attempt of the order is under way, then says to wait', async () => {
    const busy = json({ error: { code: 'payment_in_progress', message: 'payment pay_0 of this order is being created; try again in a moment' } }, 409);
    const { host, proxy, controller } = setUp({
      'GET /api/checkout': json(checkoutView()),
      'POST /api/checkout/payments': [busy, json({ payment: payment('succeeded') }, 201), busy, busy, busy],
    });
    controller.configure({ token: 't', endpoint: 'https://proxy.test' });
    await vi.runAllTimersAsync();
    const paid = controller.pay('sim:card', {});
    await vi.runAllTimersAsync();
    await paid;
    expect(controller.stage).toMatchObject({ name: 'result', payment: { status: 'succeeded' } });
    const [first, second] = idempotencyKeys(proxy.calls);
    expect(second).toBe(first);
    expect(host.events.map((e) => e.type)).toEqual(['pay-ready', 'pay-complete']);

    // Still busy after the retries: the shopper reads that it is worth waiting, not that the order is paid.
    controller.startOver();
    const refused = controller.pay('sim:card', {});
    await vi.runAllTimersAsync();
    await refused;
    expect(idempotencyKeys(proxy.calls)).toHaveLength(5);
    expect(controller.payError).toMatchObject({ code: 'payment_in_progress', status: 409 });
    expect(host.events.at(-1)).toMatchObject({ type: 'pay-error', detail: { code: 'payment_in_progress' } });
  });

  it('keeps the key of a pay that got no answer and then waited for its own payment, so the shopper paying again follows that payment', async () => {
    const busy = json({ error: { code: 'payment_in_progress', message: 'this payment is still being created; try again in a moment' } }, 409);
    const { proxy, controller } = setUp({
      'GET /api/checkout': json(checkoutView()),
      'POST /api/checkout/payments': [offline, busy, busy, json({ payment: payment('succeeded') }, 201)],
    });
    controller.configure({ token: 't', endpoint: 'https://proxy.test' });
    await vi.runAllTimersAsync();
    const attempt = controller.pay('sim:card', {});
    await vi.runAllTimersAsync();
    await attempt;
    expect(controller.payError?.code).toBe('payment_in_progress');

    // "Wait a moment, then try again": the proxy may have the first payment under its key, and answers a repeat with it.
    const again = controller.pay('sim:card', {});
    await vi.runAllTimersAsync();
    await again;
    const keys = idempotencyKeys(proxy.calls);
    expect(keys).toHaveLength(4);
    expect(new Set(keys).size).toBe(1);
    expect(controller.stage).toMatchObject({ name: 'result', payment: { status: 'succeeded' } });
  });

  it('forgets a pay error about the method when another is chosen, but not one about the order', async () => {
    const { controller } = setUp({
      'GET /api/checkout': json(checkoutView()),
      'POST /api/checkout/payments': [
        json({ error: { code: 'invalid_request', message: 'fields.phone: required' } }, 400),
        json({ error: { code: 'outcome_unknown', message: 'no answer from the provider' } }, 502),
      ],
    });
    controller.configure({ token: 't', endpoint: 'https://proxy.test' });
    await vi.runAllTimersAsync();
    await controller.pay('sim:card', {});
    expect(controller.payError?.code).toBe('invalid_request');
    controller.dismissPayError();
    expect(controller.payError).toBeUndefined();

    await controller.pay('sim:card', {});
    expect(controller.payError?.code).toBe('outcome_unknown');
    // "Contact the shop before paying again" holds whatever the method: the charge may have gone through.
    controller.dismissPayError();
    expect(controller.payError?.code).toBe('outcome_unknown');
  });

  it('keeps the Idempotency-Key across retries of an unanswered attempt, and renews it otherwise', async () => {
    const { host, proxy, controller } = setUp({
      'GET /api/checkout': json(checkoutView()),
      'POST /api/checkout/payments': [
        offline,
        offline,
        offline,
        offline,
        json({ error: { code: 'card_declined', message: 'Declined.' } }, 402),
        json({ error: { code: 'card_declined', message: 'Declined.' } }, 402),
      ],
    });
    controller.configure({ token: 't', endpoint: 'https://proxy.test' });
    await vi.runAllTimersAsync();

    const attempt = controller.pay('sim:card', {});
    await vi.runAllTimersAsync();
    await attempt;
    expect(controller.payError?.code).toBe('network_error');
    const [k1, k2, k3] = idempotencyKeys(proxy.calls);
    expect(k1).toBe(k2);
    expect(k2).toBe(k3);

    // Same method and fields after no answer: same key, the proxy may already have the payment.
    const again = controller.pay('sim:card', {});
    await vi.runAllTimersAsync();
    await again;
    expect(controller.payError?.code).toBe('card_declined');
    expect(idempotencyKeys(proxy.calls)[3]).toBe(k1);
    expect(idempotencyKeys(proxy.calls)[4]).toBe(k1);

    // After a definite failure, a new attempt gets a new key.
    await controller.pay('sim:card', {});
    expect(idempotencyKeys(proxy.calls)[5]).not.toBe(k1);
    expect(host.events.filter((e) => e.type === 'pay-error').map((e) => (e.detail as { code: string }).code)).toEqual([
      'network_error',
      'card_declined',
      'card_declined',
    ]);
  });

  it('gives up polling after three minutes and shows the payment as being processed', async () => {
    const { host, controller } = setUp({
      'GET /api/checkout': json(checkoutView(payment('pending'))),
      'GET /api/checkout/payments/pay_1': json(payment('pending')),
    });
    controller.configure({ token: 't', endpoint: 'https://proxy.test' });
    await vi.advanceTimersByTimeAsync(10);
    expect(controller.stage.name).toBe('checking');
    await vi.advanceTimersByTimeAsync(POLL_LIMIT_MS - 10_000);
    expect(controller.stage.name).toBe('checking');
    await vi.advanceTimersByTimeAsync(20_000);
    expect(controller.stage).toMatchObject({ name: 'result', payment: { status: 'pending' } });
    expect(host.events.map((e) => e.type)).toEqual(['pay-ready']);
  });

  it('stops everything when the element leaves the page', async () => {
    const { proxy, controller, host } = setUp({
      'GET /api/checkout': json(checkoutView(payment('pending'))),
      'GET /api/checkout/payments/pay_1': json(payment('pending')),
    });
    controller.configure({ token: 't', endpoint: 'https://proxy.test' });
    await vi.advanceTimersByTimeAsync(10);
    host.isConnected = false;
    controller.hostDisconnected();
    const before = proxy.calls.length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(proxy.calls.length).toBe(before);
    expect(controller.load.status).toBe('initial');
  });

  describe('an unfinished payment found on load (the shopper came back from the provider page)', () => {
    it('offers to continue it above the methods and watches it quietly', async () => {
      const { host, proxy, controller } = setUp({
        'GET /api/checkout': json(checkoutView(unfinished())),
        'GET /api/checkout/payments/pay_1': json(unfinished()),
      });
      controller.configure({ token: 't', endpoint: 'https://proxy.test' });
      await vi.advanceTimersByTimeAsync(10);
      expect(controller.stage).toEqual({ name: 'choose' });
      expect(controller.unfinishedPayment).toMatchObject({ id: 'pay_1', action: hostedPage });
      // Same schedule as after a pay: 2 s, 2 s, ...
      await vi.advanceTimersByTimeAsync(4_000);
      expect(paymentChecks(proxy.calls)).toBe(2);
      // Past the polling limit the watch stops and nothing on screen changes.
      await vi.advanceTimersByTimeAsync(POLL_LIMIT_MS + 10_000);
      const checks = paymentChecks(proxy.calls);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(paymentChecks(proxy.calls)).toBe(checks);
      expect(controller.stage).toEqual({ name: 'choose' });
      expect(controller.unfinishedPayment?.id).toBe('pay_1');
      expect(host.events.map((e) => e.type)).toEqual(['pay-ready']);
    });

    it('also offers a pending or created payment that has an action, but only checks one without', async () => {
      for (const status of ['pending', 'created'] as const) {
        const { controller } = setUp({
          'GET /api/checkout': json(checkoutView(payment(status, { action: hostedPage }))),
          'GET /api/checkout/payments/pay_1': json(payment(status, { action: hostedPage })),
        });
        controller.configure({ token: 't', endpoint: 'https://proxy.test' });
        await vi.advanceTimersByTimeAsync(10);
        expect(controller.stage.name).toBe('choose');
        expect(controller.unfinishedPayment?.status).toBe(status);
        controller.hostDisconnected();
      }
      const { controller } = setUp({
        'GET /api/checkout': json(checkoutView(payment('created'))),
        'GET /api/checkout/payments/pay_1': json(payment('created')),
      });
      controller.configure({ token: 't', endpoint: 'https://proxy.test' });
      await vi.advanceTimersByTimeAsync(10);
      expect(controller.stage.name).toBe('checking');
      expect(controller.unfinishedPayment).toBeUndefined();
    });

    it('"Continue payment" follows its redirect action as after a pay', async () => {
      const { assign } = stubWindow();
      const { proxy, controller } = setUp({
        'GET /api/checkout': json(checkoutView(unfinished())),
        'GET /api/checkout/payments/pay_1': json(unfinished()),
      });
      controller.configure({ token: 't', endpoint: 'https://proxy.test' });
      await vi.advanceTimersByTimeAsync(10);
      controller.continuePayment();
      expect(assign).toHaveBeenCalledExactlyOnceWith('https://psp.test/hpp/pay_1');
      expect(controller.stage).toMatchObject({ name: 'redirecting', payment: { id: 'pay_1' } });
      expect(controller.unfinishedPayment).toBeUndefined();
      // Leaving: the quiet watch is over, and nothing was paid anew.
      const checks = paymentChecks(proxy.calls);
      await vi.advanceTimersByTimeAsync(30_000);
      expect(paymentChecks(proxy.calls)).toBe(checks);
      expect(idempotencyKeys(proxy.calls)).toHaveLength(0);
    });

    it('follows the action the watch saw last', async () => {
      const { assign } = stubWindow();
      const moved = { type: 'redirect', url: 'https://psp.test/hpp/pay_1/step-2' } as const;
      const { controller } = setUp({
        'GET /api/checkout': json(checkoutView(unfinished())),
        'GET /api/checkout/payments/pay_1': json(unfinished({ action: moved })),
      });
      controller.configure({ token: 't', endpoint: 'https://proxy.test' });
      await vi.advanceTimersByTimeAsync(2_500);
      controller.continuePayment();
      expect(assign).toHaveBeenCalledExactlyOnceWith(moved.url);
    });

    it('paying anew instead drops the offer, stops the watch and creates a new payment with a new key', async () => {
      const { assign } = stubWindow();
      const { host, proxy, controller } = setUp({
        'GET /api/checkout': json(checkoutView(unfinished())),
        'GET /api/checkout/payments/pay_1': json(unfinished()),
        'POST /api/checkout/payments': [
          json({ error: { code: 'card_declined', message: 'Declined.' } }, 402),
          json({ payment: payment('requires_action', { id: 'pay_2', action: { type: 'redirect', url: 'https://psp.test/hpp/pay_2' } }) }, 201),
        ],
      });
      controller.configure({ token: 't', endpoint: 'https://proxy.test' });
      await vi.advanceTimersByTimeAsync(10);
      const checks = paymentChecks(proxy.calls);

      await controller.pay('sim:card', {});
      expect(controller.unfinishedPayment).toBeUndefined();
      expect(controller.payError?.code).toBe('card_declined');
      await controller.pay('sim:card', {});

      const keys = idempotencyKeys(proxy.calls);
      expect(keys).toHaveLength(2);
      expect(keys[0]).toMatch(/\S/);
      expect(keys[1]).not.toBe(keys[0]);
      expect(assign).toHaveBeenCalledExactlyOnceWith('https://psp.test/hpp/pay_2');
      expect(controller.stage).toMatchObject({ name: 'redirecting', payment: { id: 'pay_2' } });
      await vi.advanceTimersByTimeAsync(30_000);
      expect(paymentChecks(proxy.calls)).toBe(checks);
      expect(host.events.filter((e) => e.type === 'pay-complete')).toEqual([]);
    });

    it('shows the result once the watch sees it succeed, and emits pay-complete once', async () => {
      const { host, controller } = setUp({
        'GET /api/checkout': json(checkoutView(unfinished())),
        'GET /api/checkout/payments/pay_1': [json(unfinished()), offline, json(payment('succeeded'))],
      });
      controller.configure({ token: 't', endpoint: 'https://proxy.test' });
      await vi.advanceTimersByTimeAsync(10);
      expect(controller.stage.name).toBe('choose');
      await vi.advanceTimersByTimeAsync(60_000);
      expect(controller.stage).toMatchObject({ name: 'result', payment: { status: 'succeeded' } });
      expect(controller.unfinishedPayment).toBeUndefined();
      await vi.advanceTimersByTimeAsync(60_000);
      expect(host.events).toEqual([
        { type: 'pay-ready', detail: null },
        { type: 'pay-complete', detail: { paymentId: 'pay_1', status: 'succeeded' } },
      ]);
    });

    it('drops the offer and stays on the methods once the watch sees it fail', async () => {
      const { host, proxy, controller } = setUp({
        'GET /api/checkout': json(checkoutView(unfinished())),
        'GET /api/checkout/payments/pay_1': [json(unfinished()), json(payment('expired'))],
      });
      controller.configure({ token: 't', endpoint: 'https://proxy.test' });
      await vi.advanceTimersByTimeAsync(5_000);
      expect(controller.stage).toEqual({ name: 'choose' });
      expect(controller.unfinishedPayment).toBeUndefined();
      expect(controller.payError).toBeUndefined();
      const checks = paymentChecks(proxy.calls);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(paymentChecks(proxy.calls)).toBe(checks);
      expect(host.events.filter((e) => e.type === 'pay-complete')).toEqual([
        { type: 'pay-complete', detail: { paymentId: 'pay_1', status: 'expired' } },
      ]);
    });

    it('turns into "Checking your payment…" when the payment no longer waits for the shopper', async () => {
      const { controller } = setUp({
        'GET /api/checkout': json(checkoutView(unfinished())),
        'GET /api/checkout/payments/pay_1': [json(payment('pending')), json(payment('pending')), json(payment('succeeded'))],
      });
      controller.configure({ token: 't', endpoint: 'https://proxy.test' });
      await vi.advanceTimersByTimeAsync(2_500);
      expect(controller.stage).toMatchObject({ name: 'checking', payment: { status: 'pending' } });
      expect(controller.unfinishedPayment).toBeUndefined();
      await vi.advanceTimersByTimeAsync(10_000);
      expect(controller.stage).toMatchObject({ name: 'result', payment: { status: 'succeeded' } });
    });
  });

  it('offers "Try another method" from the pending screen of a payment still waiting for the shopper', async () => {
    const { host, controller } = setUp({
      'GET /api/checkout': json(checkoutView()),
      'POST /api/checkout/payments': json({ payment: payment('pending') }, 201),
      'GET /api/checkout/payments/pay_1': json(unfinished()),
    });
    controller.configure({ token: 't', endpoint: 'https://proxy.test' });
    await vi.advanceTimersByTimeAsync(10);
    await controller.pay('sim:card', {});
    expect(controller.stage.name).toBe('checking');
    await vi.advanceTimersByTimeAsync(POLL_LIMIT_MS + 10_000);
    expect(controller.stage).toMatchObject({ name: 'result', payment: { status: 'requires_action', action: hostedPage } });

    controller.startOver();
    expect(controller.stage).toEqual({ name: 'choose' });
    expect(controller.unfinishedPayment?.id).toBe('pay_1');
    expect(host.events.map((e) => e.type)).toEqual(['pay-ready']);
  });

  it('loads the checkout again when the page comes back from the back-forward cache', async () => {
    const { listeners } = stubWindow();
    const { host, proxy, controller } = setUp({
      'GET /api/checkout': [json(checkoutView()), json(checkoutView(unfinished()))],
      'GET /api/checkout/payments/pay_1': json(unfinished()),
    });
    controller.hostConnected();
    controller.configure({ token: 't', endpoint: 'https://proxy.test' });
    await vi.advanceTimersByTimeAsync(10);
    const pageshow = listeners.get('pageshow')!;
    pageshow({ persisted: false } as PageTransitionEvent);
    await vi.advanceTimersByTimeAsync(10);
    expect(proxy.calls.filter((call) => call.key === 'GET /api/checkout')).toHaveLength(1);

    pageshow({ persisted: true } as PageTransitionEvent);
    await vi.advanceTimersByTimeAsync(10);
    expect(controller.unfinishedPayment?.id).toBe('pay_1');
    expect(host.events.map((e) => e.type)).toEqual(['pay-ready']);
    controller.hostDisconnected();
    expect(listeners.has('pageshow')).toBe(false);
  });
});

describe('CheckoutController with a card', () => {
  const card = { number: '5421190122090656', expiryMonth: '12', expiryYear: '29', securityCode: '123', holderName: 'Ada Lovelace' };
  const payBodies = (calls: { key: string; init: RequestInit }[]) =>
    calls.filter((call) => call.key === 'POST /api/checkout/payments').map((call) => JSON.parse(String(call.init.body)) as unknown);
  /** The card-entry frame as the controller sees it: a sender that adds the card it holds and calls the proxy. */
  const viaFrame = (fetch: typeof globalThis.fetch, cardKey = '1:1', installments?: number): CardPayment => {
    const api = new CheckoutApi({ endpoint: 'https://proxy.test', token: 't', fetch });
    return { cardKey, installments, send: (request, key) => api.createPayment({ ...request, card }, key) };
  };

  it('has the frame send the pay request, with the installment count and no count for a single payment', async () => {
    const { proxy, controller } = setUp({
      'GET /api/checkout': json(checkoutView()),
      'POST /api/checkout/payments': json({ error: { code: 'card_declined', message: 'Declined.' } }, 402),
    });
    controller.configure({ token: 't', endpoint: 'https://proxy.test' });
    await vi.runAllTimersAsync();
    await controller.pay('dc:card', {}, viaFrame(proxy.fetch, '1:1', 3));
    await controller.pay('dc:card', {}, viaFrame(proxy.fetch, '1:1', 1));
    await controller.pay('dc:card', {}, viaFrame(proxy.fetch));
    expect(payBodies(proxy.calls)).toEqual([
      { methodId: 'dc:card', fields: {}, installments: 3, card },
      { methodId: 'dc:card', fields: {}, card },
      { methodId: 'dc:card', fields: {}, card },
    ]);
    expect(controller.payError?.code).toBe('card_declined');
  });

  it('reuses the Idempotency-Key after no answer for the same card, and not for another card', async () => {
    const { proxy, controller } = setUp({
      'GET /api/checkout': json(checkoutView()),
      'POST /api/checkout/payments': [offline, offline, offline, offline, offline, offline, json({ error: { code: 'card_declined', message: 'Declined.' } }, 402)],
    });
    controller.configure({ token: 't', endpoint: 'https://proxy.test' });
    await vi.runAllTimersAsync();
    const first = controller.pay('dc:card', {}, viaFrame(proxy.fetch, '1:1', 3));
    await vi.runAllTimersAsync();
    await first;
    // The same card (the frame's id for it), its security code typed again: the same attempt.
    const second = controller.pay('dc:card', {}, viaFrame(proxy.fetch, '1:1', 3));
    await vi.runAllTimersAsync();
    await second;
    await controller.pay('dc:card', {}, viaFrame(proxy.fetch, '1:2', 3));
    const keys = idempotencyKeys(proxy.calls);
    expect(keys).toHaveLength(7);
    expect(new Set(keys.slice(0, 6)).size).toBe(1);
    expect(keys[6]).not.toBe(keys[0]);
  });

  describe('while the dialog shows 3-D Secure', () => {
    const challenge = { type: 'html', url: 'https://proxy.test/api/checkout/3ds/pay_1' } as const;

    it('checks the payment quietly every 3 s and shows the result without the return message', async () => {
      stubWindow();
      const { host, proxy, controller } = setUp({
        'GET /api/checkout': json(checkoutView()),
        'POST /api/checkout/payments': json({ payment: payment('requires_action', { action: challenge }) }, 201),
        'GET /api/checkout/payments/pay_1': [json(payment('requires_action', { action: challenge })), offline, json(payment('succeeded'))],
      });
      controller.configure({ token: 't', endpoint: 'https://proxy.test' });
      await vi.runAllTimersAsync();
      await controller.pay('dc:card', {}, viaFrame(proxy.fetch));
      expect(controller.stage).toMatchObject({ name: 'action', action: challenge });
      await vi.advanceTimersByTimeAsync(2_900);
      expect(paymentChecks(proxy.calls)).toBe(0);
      await vi.advanceTimersByTimeAsync(200);
      expect(paymentChecks(proxy.calls)).toBe(1);
      expect(controller.stage.name).toBe('action');
      // No answer: retried quietly, a little later.
      await vi.advanceTimersByTimeAsync(3_000);
      expect(paymentChecks(proxy.calls)).toBe(2);
      expect(controller.stage.name).toBe('action');
      await vi.advanceTimersByTimeAsync(5_000);
      expect(controller.stage).toMatchObject({ name: 'result', payment: { status: 'succeeded' } });
      expect(host.events.map((e) => e.type)).toEqual(['pay-ready', 'pay-complete']);
    });

    it('shows a failed verification as a failure', async () => {
      stubWindow();
      const { proxy, controller } = setUp({
        'GET /api/checkout': json(checkoutView()),
        'POST /api/checkout/payments': json({ payment: payment('requires_action', { action: challenge }) }, 201),
        'GET /api/checkout/payments/pay_1': json(payment('failed', { failure: { code: '3ds_failed', message: '3-D Secure failed.' } })),
      });
      controller.configure({ token: 't', endpoint: 'https://proxy.test' });
      await vi.runAllTimersAsync();
      await controller.pay('dc:card', {}, viaFrame(proxy.fetch));
      await vi.advanceTimersByTimeAsync(3_000);
      expect(controller.stage).toMatchObject({ name: 'result', payment: { status: 'failed' } });
    });

    it('keeps the dialog open, saying nothing, when a check fails for good', async () => {
      stubWindow();
      const { host, proxy, controller } = setUp({
        'GET /api/checkout': json(checkoutView()),
        'POST /api/checkout/payments': json({ payment: payment('requires_action', { action: challenge }) }, 201),
        'GET /api/checkout/payments/pay_1': json({ error: { code: 'not_found', message: 'No such payment.' } }, 404),
      });
      controller.configure({ token: 't', endpoint: 'https://proxy.test' });
      await vi.runAllTimersAsync();
      await controller.pay('dc:card', {}, viaFrame(proxy.fetch));
      await vi.advanceTimersByTimeAsync(30_000);
      expect(paymentChecks(proxy.calls)).toBe(1);
      expect(controller.stage.name).toBe('action');
      expect(host.events.map((e) => e.type)).toEqual(['pay-ready']);
    });

    describe('a new token for the same order (the page renewed the session)', () => {
      const renewed = { ...checkoutView(), session: { ...checkoutView().session, id: 's2' } };
      const tokenOf = (init: RequestInit) => (init.headers as Record<string, string>).Authorization;
      /** Answers the payment to its own session's token only, so a test sees which token each lookup used. */
      const ownSessionOnly = (status: PaymentView['status']) => (init: RequestInit) =>
        tokenOf(init) === 'Bearer t1' ? json(payment(status, { action: challenge }))(init) : json({ error: { code: 'not_found', message: 'no such payment in this checkout' } }, 404)(init);
      const tokensOf = (calls: { key: string; init: RequestInit }[], key: string) => calls.filter((call) => call.key === key).map((call) => tokenOf(call.init));

      it('keeps the dialog and follows the payment to its end with its own session token', async () => {
        stubWindow();
        const { host, proxy, controller } = setUp({
          'GET /api/checkout': [json(checkoutView()), json(renewed)],
          'POST /api/checkout/payments': json({ payment: payment('requires_action', { action: challenge }) }, 201),
          'GET /api/checkout/payments/pay_1': [ownSessionOnly('requires_action'), ownSessionOnly('succeeded')],
        });
        controller.configure({ token: 't1', endpoint: 'https://proxy.test' });
        await vi.runAllTimersAsync();
        await controller.pay('dc:card', {}, viaFrame(proxy.fetch));
        controller.configure({ token: 't2', endpoint: 'https://proxy.test' });
        expect(controller.stage).toMatchObject({ name: 'action', payment: { id: 'pay_1' }, action: challenge });
        await vi.advanceTimersByTimeAsync(3_100);
        expect(controller.checkout?.session.id).toBe('s2');
        expect(controller.token).toBe('t2');
        expect(controller.stage.name).toBe('action');
        await vi.advanceTimersByTimeAsync(3_000);
        expect(controller.stage).toMatchObject({ name: 'result', payment: { status: 'succeeded' } });
        expect(tokensOf(proxy.calls, 'GET /api/checkout/payments/pay_1')).toEqual(['Bearer t1', 'Bearer t1']);
        // pay-ready for the new session, then the payment's end.
        expect(host.events.map((e) => e.type)).toEqual(['pay-ready', 'pay-ready', 'pay-complete']);
      });

      it('after "Cancel payment" looks the payment up with its token and pays anew with the new one', async () => {
        stubWindow();
        const { proxy, controller } = setUp({
          'GET /api/checkout': [json(checkoutView()), json(renewed)],
          'POST /api/checkout/payments': json({ payment: payment('requires_action', { action: challenge }) }, 201),
          'GET /api/checkout/payments/pay_1': ownSessionOnly('requires_action'),
        });
        controller.configure({ token: 't1', endpoint: 'https://proxy.test' });
        await vi.runAllTimersAsync();
        await controller.pay('dc:card', {});
        controller.configure({ token: 't2', endpoint: 'https://proxy.test' });
        await vi.advanceTimersByTimeAsync(10);
        await controller.cancelAction();
        expect(controller.stage).toEqual({ name: 'choose' });
        await controller.pay('dc:card', {});
        expect(tokensOf(proxy.calls, 'GET /api/checkout/payments/pay_1')).toEqual(['Bearer t1']);
        expect(tokensOf(proxy.calls, 'POST /api/checkout/payments')).toEqual(['Bearer t1', 'Bearer t2']);
      });

      it('goes on with the new token once its own session token has expired', async () => {
        stubWindow();
        // The old session's token expires a minute after the renewal; the proxy shows the payment to the new session of its order.
        const expiredOrNew = (status: PaymentView['status']) => (init: RequestInit) =>
          tokenOf(init) === 'Bearer t1'
            ? json({ error: { code: 'unauthorized', message: 'the session token has expired; create a new session' } }, 401)(init)
            : json(payment(status, { action: challenge }))(init);
        const { host, proxy, controller } = setUp({
          'GET /api/checkout': [json(checkoutView()), json(renewed)],
          'POST /api/checkout/payments': json({ payment: payment('requires_action', { action: challenge }) }, 201),
          'GET /api/checkout/payments/pay_1': [expiredOrNew('requires_action'), expiredOrNew('requires_action'), expiredOrNew('succeeded')],
        });
        controller.configure({ token: 't1', endpoint: 'https://proxy.test' });
        await vi.runAllTimersAsync();
        await controller.pay('dc:card', {}, viaFrame(proxy.fetch));
        controller.configure({ token: 't2', endpoint: 'https://proxy.test' });
        await vi.advanceTimersByTimeAsync(6_100);
        expect(controller.stage).toMatchObject({ name: 'result', payment: { status: 'succeeded' } });
        expect(tokensOf(proxy.calls, 'GET /api/checkout/payments/pay_1')).toEqual(['Bearer t1', 'Bearer t2', 'Bearer t2']);
        expect(host.events.map((e) => e.type)).toEqual(['pay-ready', 'pay-ready', 'pay-complete']);
      });

      it('set while the pay request is in flight, is applied when the element moved meanwhile', async () => {
        stubWindow();
        const { proxy, controller } = setUp({
          'GET /api/checkout': [json(checkoutView()), json(renewed)],
          'POST /api/checkout/payments': () => new Promise<Response>(() => {}),
        });
        controller.configure({ token: 't1', endpoint: 'https://proxy.test' });
        await vi.runAllTimersAsync();
        void controller.pay('dc:card', {});
        controller.configure({ token: 't2', endpoint: 'https://proxy.test' });
        // Moving the element cuts the pay request short.
        controller.hostDisconnected();
        controller.hostConnected();
        await vi.runAllTimersAsync();
        expect(controller.token).toBe('t2');
        expect(controller.checkout?.session.id).toBe('s2');
        expect(tokensOf(proxy.calls, 'GET /api/checkout')).toEqual(['Bearer t1', 'Bearer t2']);
      });

      it('set while the pay request is in flight, waits for its answer', async () => {
        stubWindow();
        let answer: (response: Response) => void = () => {};
        const { proxy, controller } = setUp({
          'GET /api/checkout': [json(checkoutView()), json(renewed)],
          'POST /api/checkout/payments': () => new Promise<Response>((resolve) => (answer = resolve)),
          'GET /api/checkout/payments/pay_1': ownSessionOnly('succeeded'),
        });
        controller.configure({ token: 't1', endpoint: 'https://proxy.test' });
        await vi.runAllTimersAsync();
        const paid = controller.pay('dc:card', {});
        controller.configure({ token: 't2', endpoint: 'https://proxy.test' });
        expect(controller.token).toBe('t1');
        answer(new Response(JSON.stringify({ payment: payment('requires_action', { action: challenge }) }), { status: 201 }));
        await paid;
        expect(controller.token).toBe('t2');
        expect(controller.stage.name).toBe('action');
        await vi.advanceTimersByTimeAsync(3_100);
        expect(controller.stage).toMatchObject({ name: 'result', payment: { status: 'succeeded' } });
        expect(tokensOf(proxy.calls, 'GET /api/checkout/payments/pay_1')).toEqual(['Bearer t1']);
      });
    });

    it('stops checking when the shopper cancels, then looks once', async () => {
      stubWindow();
      const { proxy, controller } = setUp({
        'GET /api/checkout': json(checkoutView()),
        'POST /api/checkout/payments': json({ payment: payment('requires_action', { action: challenge }) }, 201),
        'GET /api/checkout/payments/pay_1': json(payment('requires_action', { action: challenge })),
      });
      controller.configure({ token: 't', endpoint: 'https://proxy.test' });
      await vi.runAllTimersAsync();
      await controller.pay('dc:card', {}, viaFrame(proxy.fetch));
      await vi.advanceTimersByTimeAsync(3_100);
      await controller.cancelAction();
      expect(controller.stage).toEqual({ name: 'choose' });
      expect(controller.canceledNotice).toBe(true);
      const checks = paymentChecks(proxy.calls);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(paymentChecks(proxy.calls)).toBe(checks);
    });
  });
});
