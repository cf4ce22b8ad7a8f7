import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InstallmentsResponse, MethodView } from '../server/api/widget-api.js';
import { CardEntryController, INSTALLMENTS_DEBOUNCE_MS } from './card-entry-controller.js';
import type { CardField } from './card.js';
import { english } from './strings.js';
import { checkoutView, json, offline, payment, setUp, type Route } from './testing/controller-harness.js';

const directcard: MethodView = { id: 'directcard:card', name: 'Card', category: 'card', fields: [], cardEntry: true, installments: true };
const NUMBER = '5421190122090656';
const CODE = '737';
const NOW = new Date(2026, 4, 15);

const plans: InstallmentsResponse = {
  options: [
    { count: 2, installmentAmount: 5100, totalAmount: 10200, interestRate: 2 },
    { count: 3, installmentAmount: 3412, totalAmount: 10236, interestRate: 2.36 },
    { count: 6, installmentAmount: 1750, totalAmount: 10500, interestRate: 5 },
  ],
};

async function setUpCard(routes: Record<string, Route | Route[]>, method: MethodView = directcard) {
  const harness = setUp({ 'GET /api/checkout': json(checkoutView(undefined, [method])), ...routes });
  const card = new CardEntryController(harness.host, harness.controller);
  harness.controller.configure({ token: 't', endpoint: 'https://proxy.test' });
  await vi.advanceTimersByTimeAsync(1);
  card.selectMethod(method);
  const type = (field: CardField, value: string) => card.input(field, value, english);
  return { ...harness, card, type };
}

/** Types the number one digit at a time, `gap` ms apart. */
async function typeNumber(type: (field: CardField, value: string) => void, digits: string, gap: number) {
  for (let length = 1; length <= digits.length; length += 1) {
    type('number', digits.slice(0, length));
    await vi.advanceTimersByTimeAsync(gap);
  }
}

const installmentCalls = (calls: { key: string; init: RequestInit }[]) =>
  calls.filter((call) => call.key === 'POST /api/checkout/installments').map((call) => JSON.parse(String(call.init.body)) as unknown);
const payBodies = (calls: { key: string; init: RequestInit }[]) =>
  calls.filter((call) => call.key === 'POST /api/checkout/payments').map((call) => JSON.parse(String(call.init.body)) as Record<string, unknown>);

async function fillCard(type: (field: CardField, value: string) => void) {
  type('number', '5421 1901 2209 0656');
  type('expiry', '12 / 29');
  type('securityCode', CODE);
  type('holderName', 'Ada Lovelace');
  await vi.advanceTimersByTimeAsync(INSTALLMENTS_DEBOUNCE_MS + 10);
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('CardEntryController: installments', () => {
  it('asks once per BIN, once its eight digits have stood still for the pause, sending those eight only', async () => {
    const { proxy, card, type } = await setUpCard({ 'POST /api/checkout/installments': json(plans) });
    await typeNumber(type, NUMBER.slice(0, 7), 100);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(installmentCalls(proxy.calls)).toEqual([]);

    // A slip in the eighth digit, fixed at once: only the fixed BIN is asked about.
    type('number', NUMBER.slice(0, 7) + '9');
    await vi.advanceTimersByTimeAsync(200);
    type('number', NUMBER.slice(0, 8));
    await vi.advanceTimersByTimeAsync(INSTALLMENTS_DEBOUNCE_MS - 10);
    expect(installmentCalls(proxy.calls)).toEqual([]);
    await vi.advanceTimersByTimeAsync(10);
    expect(installmentCalls(proxy.calls)).toEqual([{ methodId: 'directcard:card', bin: '54211901' }]);

    // The rest of the number keeps the BIN: no new question, and the plans are there.
    for (let length = 9; length <= NUMBER.length; length += 1) {
      type('number', NUMBER.slice(0, length));
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(card.installments).toEqual({ status: 'complete', bin: '54211901', options: plans.options });
    type('number', NUMBER.slice(0, 12));
    type('number', NUMBER);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(installmentCalls(proxy.calls)).toHaveLength(1);

    // A different BIN asks again; going back to the first one is answered already.
    type('number', '54211902');
    await vi.advanceTimersByTimeAsync(1_000);
    type('number', NUMBER);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(installmentCalls(proxy.calls)).toEqual([
      { methodId: 'directcard:card', bin: '54211901' },
      { methodId: 'directcard:card', bin: '54211902' },
    ]);
    expect(card.installments).toMatchObject({ status: 'complete', bin: '54211901' });

    // Never more than the BIN, anywhere in any request.
    for (const call of proxy.calls) expect(`${call.key} ${String(call.init.body)}`).not.toMatch(/\d{9}/);
  });

  it('says it is asking while the question is open', async () => {
    let answer: (response: Response) => void = () => {};
    const { card, type } = await setUpCard({
      'POST /api/checkout/installments': () => new Promise<Response>((resolve) => (answer = resolve)),
    });
    type('number', '5421 1901');
    expect(card.installments).toEqual({ status: 'initial' });
    await vi.advanceTimersByTimeAsync(INSTALLMENTS_DEBOUNCE_MS);
    expect(card.installments).toEqual({ status: 'pending', bin: '54211901' });
    answer(new Response(JSON.stringify(plans)));
    await vi.advanceTimersByTimeAsync(1);
    expect(card.installments.status).toBe('complete');
  });

  it('offers a single payment only, quietly, when asking fails', async () => {
    const { host, card, type } = await setUpCard({
      'POST /api/checkout/installments': [json({ error: { code: 'provider_unavailable', message: 'Down.' } }, 503), offline],
    });
    type('number', NUMBER);
    await vi.advanceTimersByTimeAsync(INSTALLMENTS_DEBOUNCE_MS + 10);
    expect(card.installments).toEqual({ status: 'error', bin: '54211901' });
    expect(card.installmentCount).toBe(1);
    expect(card.chosenOption).toBeUndefined();
    expect(host.events.map((event) => event.type)).toEqual(['pay-ready']);
  });

  it('goes back to a single payment when the card changes', async () => {
    const { card, type } = await setUpCard({ 'POST /api/checkout/installments': json(plans) });
    type('number', NUMBER);
    await vi.advanceTimersByTimeAsync(INSTALLMENTS_DEBOUNCE_MS + 10);
    card.chooseInstallments(3);
    expect(card.chosenOption).toMatchObject({ count: 3, totalAmount: 10236 });
    type('number', '4111 1111 1111 1111');
    expect(card.installmentCount).toBe(1);
    expect(card.installments).toEqual({ status: 'initial' });
    expect(card.chosenOption).toBeUndefined();
  });

  it('does not ask for a method without installments', async () => {
    const { proxy, card, type } = await setUpCard({}, { ...directcard, installments: false });
    type('number', NUMBER);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(installmentCalls(proxy.calls)).toEqual([]);
    expect(card.installments).toEqual({ status: 'initial' });
  });
});

describe('CardEntryController: paying', () => {
  it('sends the card, digits only, with the installment count chosen', async () => {
    const { proxy, card, type } = await setUpCard({
      'POST /api/checkout/installments': json(plans),
      'POST /api/checkout/payments': json({ payment: payment('pending') }, 201),
      'GET /api/checkout/payments/pay_1': json(payment('pending')),
    });
    await fillCard(type);
    card.chooseInstallments(3);
    expect(card.validate(english, NOW)).toEqual({});
    await card.pay('directcard:card', {});
    expect(payBodies(proxy.calls)).toEqual([
      {
        methodId: 'directcard:card',
        fields: {},
        card: { number: NUMBER, expiryMonth: '12', expiryYear: '29', securityCode: CODE, holderName: 'Ada Lovelace' },
        installments: 3,
      },
    ]);
  });

  it('sends no count for a single payment', async () => {
    const { proxy, card, type } = await setUpCard({
      'POST /api/checkout/installments': json(plans),
      'POST /api/checkout/payments': json({ payment: payment('pending') }, 201),
      'GET /api/checkout/payments/pay_1': json(payment('pending')),
    });
    await fillCard(type);
    await card.pay('directcard:card', {});
    expect(payBodies(proxy.calls)[0]).not.toHaveProperty('installments');
  });

  it('wipes the security code once the pay request is answered, whatever the answer', async () => {
    const { card, type } = await setUpCard({
      'POST /api/checkout/installments': json(plans),
      'POST /api/checkout/payments': [
        json({ error: { code: 'card_declined', message: 'The card was declined.' } }, 402),
        json({ payment: payment('requires_action', { action: { type: 'html', url: 'https://proxy.test/3ds/pay_1' } }) }, 201),
      ],
      'GET /api/checkout/payments/pay_1': json(payment('requires_action', { action: { type: 'html', url: 'https://proxy.test/3ds/pay_1' } })),
    });
    vi.stubGlobal('window', { addEventListener: () => {}, removeEventListener: () => {} });
    await fillCard(type);
    await card.pay('directcard:card', {});
    expect(card.values).toEqual({ number: '5421 1901 2209 0656', expiry: '12 / 29', securityCode: '', holderName: 'Ada Lovelace' });

    // Typed again for a second attempt, which goes on to 3-D Secure: the code goes again.
    type('securityCode', CODE);
    await card.pay('directcard:card', {});
    expect(card.values.securityCode).toBe('');
    expect(card.values.number).toBe('5421 1901 2209 0656');
  });

  it('wipes the number and the code when the payment is final, before pay-complete', async () => {
    const { host, card, type } = await setUpCard({
      'POST /api/checkout/installments': json(plans),
      'POST /api/checkout/payments': json({ payment: payment('pending') }, 201),
      'GET /api/checkout/payments/pay_1': [json(payment('pending')), json(payment('succeeded'))],
    });
    let valuesAtComplete: unknown;
    host.addEventListener('pay-complete', () => (valuesAtComplete = { ...card.values }));
    await fillCard(type);
    card.chooseInstallments(3);
    await card.pay('directcard:card', {});
    expect(card.values.number).not.toBe('');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(card.values).toEqual({ number: '', expiry: '12 / 29', securityCode: '', holderName: 'Ada Lovelace' });
    expect(valuesAtComplete).toEqual(card.values);
    expect(card.installments).toEqual({ status: 'initial' });
    expect(card.installmentCount).toBe(1);
  });

  it('wipes the number and the code when the element leaves the page', async () => {
    const { host, card, type } = await setUpCard({ 'POST /api/checkout/installments': json(plans) });
    await fillCard(type);
    for (const controller of host.controllers) controller.hostDisconnected?.();
    expect(card.values).toMatchObject({ number: '', securityCode: '' });
  });

  it('never puts card data in an event', async () => {
    const { host, card, type } = await setUpCard({
      'POST /api/checkout/installments': json(plans),
      'POST /api/checkout/payments': [
        json({ error: { code: 'card_declined', message: 'The card was declined.' } }, 402),
        json({ payment: payment('failed') }, 201),
      ],
    });
    await fillCard(type);
    await card.pay('directcard:card', {});
    type('securityCode', CODE);
    await card.pay('directcard:card', {});
    expect(host.events.map((event) => event.type)).toEqual(['pay-ready', 'pay-error', 'pay-complete']);
    const details = JSON.stringify(host.events);
    expect(details).not.toContain(NUMBER.slice(0, 8));
    expect(details).not.toContain(NUMBER.slice(-4));
    expect(details).not.toContain(CODE);
  });
});

describe('CardEntryController: validation', () => {
  it('checks a field the shopper typed in when they leave it, and clears the error once fixed', async () => {
    const { card, type } = await setUpCard({ 'POST /api/checkout/installments': json(plans) });
    card.blur('number', english);
    expect(card.errors).toEqual({});
    type('number', '5421 1901 2209 0657');
    card.blur('number', english);
    expect(card.errors).toEqual({ number: 'Enter a valid card number.' });
    type('number', '5421 1901 2209 065');
    expect(card.errors).toEqual({ number: 'Enter a valid card number.' });
    type('number', '5421 1901 2209 0656');
    expect(card.errors).toEqual({});
  });

  it('checks everything on submit', async () => {
    const { card, type } = await setUpCard({});
    type('expiry', '01 / 26');
    expect(Object.keys(card.validate(english, NOW))).toEqual(['number', 'expiry', 'securityCode', 'holderName']);
    expect(card.errors.expiry).toBe('This card has expired.');
  });
});
