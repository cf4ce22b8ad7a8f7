import { describe, expect, it } from 'vitest';
import { en } from '../strings.js';
import { CARD_STRING_KEYS, parseElementMessage, parseFrameMessage, type CardStrings } from './protocol.js';

const strings = Object.fromEntries(CARD_STRING_KEYS.map((key) => [key, en[key]])) as CardStrings;
const configure = {
  type: 'configure',
  token: 'eyJ.token',
  lang: 'tr',
  strings,
  theme: { '--pay-color-primary': '#0a7' },
  method: { id: 'directcard:card', installments: true },
};
const pay = { type: 'pay', id: 3, methodId: 'directcard:card', fields: {}, installments: 3, idempotencyKey: 'key-1' };
const facts = {
  type: 'state',
  brand: 'Mastercard',
  lastFour: '0656',
  errors: { expiry: 'fieldRequired' },
  valid: { number: true, expiry: false, securityCode: true, holderName: true },
  focused: 'expiry',
  cardId: 1,
};

describe('messages from the element, as the frame reads them', () => {
  it('takes each known command', () => {
    for (const message of [configure, pay, { type: 'validate', id: 1 }, { type: 'focus', field: 'expiry' }, { type: 'wipe', what: 'card' }]) {
      expect(parseElementMessage(message), message.type).toEqual(message);
    }
  });

  it('ignores unknown messages, extra keys, wrong types and out-of-range values', () => {
    for (const message of [
      undefined,
      'configure',
      [configure],
      { type: 'steal' },
      { ...pay, card: { number: '4111111111111111' } },
      { ...configure, extra: 1 },
      { ...configure, strings: { ...strings, cardNumber: 7 } },
      { ...configure, strings: { cardNumber: 'Card number' } },
      { ...configure, theme: { color: 'red' } },
      { ...configure, method: { id: 'x' } },
      { ...pay, installments: 49 },
      { ...pay, installments: 2.5 },
      { ...pay, id: -1 },
      { ...pay, fields: { key: 5 } },
      { type: 'focus', field: 'pin' },
      { type: 'wipe', what: 'everything' },
    ]) {
      expect(parseElementMessage(message), JSON.stringify(message)).toBeUndefined();
    }
  });
});

describe('messages from the frame, as the element reads them', () => {
  it('takes facts, sizes, installments and answers', () => {
    const payment = { id: 'pay_1', status: 'requires_action', amount: 103500, currency: 'TRY', action: { type: 'html', url: 'https://proxy/3ds' } };
    for (const message of [
      facts,
      { type: 'resize', height: 270 },
      { type: 'installments', state: { status: 'complete', options: [{ count: 3, installmentAmount: 34500, totalAmount: 103500, interestRate: 3.5 }] } },
      { type: 'installments', state: { status: 'pending' } },
      { type: 'validated', id: 1, firstInvalid: null },
      { type: 'paid', id: 2, payment },
      { type: 'pay-failed', id: 2, error: { code: 'card_declined', message: 'Declined.', status: 402 } },
      { type: 'submit' },
    ]) {
      expect(parseFrameMessage(message), message.type).toEqual(message);
    }
  });

  it('ignores anything that could carry more than facts', () => {
    for (const message of [
      { ...facts, number: '5421190122090656' },
      { ...facts, lastFour: '5421190122090656' },
      { ...facts, lastFour: 656 },
      { ...facts, valid: { ...facts.valid, pin: true } },
      { ...facts, errors: { pin: 'x' } },
      { type: 'resize', height: 1e6 },
      { type: 'installments', state: { status: 'complete', options: [{ count: 3, installmentAmount: 1, totalAmount: 3, bin: '54211901' }] } },
      { type: 'installments', state: { status: 'pending', bin: '54211901' } },
      { type: 'paid', id: 2, payment: { id: 'pay_1' } },
      { type: 'submit', card: {} },
      { type: 'pay-checkout:return', paymentId: 'pay_1' },
    ]) {
      expect(parseFrameMessage(message), JSON.stringify(message)).toBeUndefined();
    }
  });
});
