import { describe, expect, it } from 'vitest';
import { CardEntryState } from './card-entry-state.js';

const NOW = new Date('2026-11-21T12:00:00Z');

function typed(values: Partial<Record<'number' | 'expiry' | 'securityCode' | 'holderName', string>>): CardEntryState {
  const state = new CardEntryState();
  for (const [field, value] of Object.entries(values)) state.input(field as 'number', value);
  return state;
}

describe('CardEntryState', () => {
  it('checks a field when the shopper leaves it after typing, and clears the error once fixed', () => {
    const state = new CardEntryState();
    state.blur('number');
    expect(state.errors).toEqual({});
    state.input('number', '4111 1111 1111 1112');
    state.blur('number');
    expect(state.errors).toEqual({ number: 'cardNumberInvalid' });
    state.input('number', '4111 1111 1111 1111');
    expect(state.errors).toEqual({});
  });

  it('finds the first field in error, in screen order, and keys its error', () => {
    const state = typed({ number: '4111 1111 1111 1111', securityCode: '12', holderName: 'Ada' });
    expect(state.validate(NOW)).toBe('expiry');
    expect(state.errors).toEqual({ expiry: 'fieldRequired', securityCode: 'securityCodeInvalid' });
    state.input('expiry', '01 / 20');
    state.input('securityCode', '123');
    expect(state.validate(NOW)).toBe('expiry');
    expect(state.errors).toEqual({ expiry: 'cardExpired' });
  });

  it('gives the pay request the card only when every field is valid', () => {
    const state = typed({ number: '5421 1901 2209 0656', expiry: '12 / 30', securityCode: '837' });
    expect(state.cardInput(NOW)).toBeUndefined();
    state.input('holderName', ' Ada Lovelace ');
    expect(state.cardInput(NOW)).toEqual({ number: '5421190122090656', expiryMonth: '12', expiryYear: '30', securityCode: '837', holderName: 'Ada Lovelace' });
  });

  it('says brand, last four and validity, and never the number, its first digits or the code', () => {
    const state = typed({ number: '5421 1901 2209', securityCode: '837' });
    const partial = state.facts(NOW);
    expect(partial).toMatchObject({ brand: 'Mastercard', lastFour: null, valid: { number: false, securityCode: true } });
    state.input('number', '5421 1901 2209 0656');
    const facts = state.facts(NOW);
    expect(facts).toMatchObject({ brand: 'Mastercard', lastFour: '0656', valid: { number: true, expiry: false, securityCode: true, holderName: false } });
    const said = JSON.stringify(facts);
    for (const secret of ['54211901', '542119', '837']) expect(said).not.toContain(secret);
  });

  it('numbers cards: the same card with its code typed again keeps its id, another card gets a new one', () => {
    const state = typed({ number: '5421 1901 2209 0656', expiry: '12 / 30', securityCode: '837', holderName: 'Ada Lovelace' });
    const first = state.facts(NOW).cardId;
    state.wipe('code');
    state.input('securityCode', '837');
    expect(state.facts(NOW).cardId).toBe(first);
    state.input('number', '4111 1111 1111 1111');
    const second = state.facts(NOW).cardId;
    expect(second).not.toBe(first);
    state.input('number', '5421 1901 2209 0656');
    expect(state.facts(NOW).cardId).toBe(first);
  });

  it('wipes the code, or the number and the code, with their errors', () => {
    const state = typed({ number: '5421 1901 2209 0656', expiry: '12 / 30', securityCode: '83', holderName: 'Ada' });
    state.validate(NOW);
    expect(state.errors).toEqual({ securityCode: 'securityCodeInvalid' });
    state.wipe('code');
    expect(state.values).toMatchObject({ number: '5421 1901 2209 0656', securityCode: '' });
    expect(state.errors).toEqual({});
    state.wipe('card');
    expect(state.values).toEqual({ number: '', expiry: '12 / 30', securityCode: '', holderName: 'Ada' });
    expect(state.bin).toBeUndefined();
  });
});
