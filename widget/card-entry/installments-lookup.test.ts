import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InstallmentsRequest } from '../../server/api/widget-api.js';
import { INSTALLMENTS_DEBOUNCE_MS, InstallmentsLookup } from './installments-lookup.js';
import type { InstallmentsState } from './protocol.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const threeTimes = { count: 3, installmentAmount: 34500, totalAmount: 103500 };
const withInstallments = { id: 'directcard:card', installments: true };

function setUp(answer: (request: InstallmentsRequest) => Promise<{ options: (typeof threeTimes)[] }> = async () => ({ options: [{ ...threeTimes, count: 1 }, threeTimes] })) {
  const asked: InstallmentsRequest[] = [];
  const states: InstallmentsState[] = [];
  const lookup = new InstallmentsLookup(
    (request) => {
      asked.push(request);
      return answer(request);
    },
    (state) => states.push(state),
  );
  return { lookup, asked, states };
}

describe('InstallmentsLookup', () => {
  it('asks once per BIN after a pause in typing, with the first eight digits only, and keeps counts above 1', async () => {
    const { lookup, asked, states } = setUp();
    lookup.setMethod(withInstallments, undefined);
    lookup.update('54211901');
    await vi.advanceTimersByTimeAsync(INSTALLMENTS_DEBOUNCE_MS - 1);
    expect(asked).toEqual([]);
    lookup.update('54211901');
    await vi.advanceTimersByTimeAsync(INSTALLMENTS_DEBOUNCE_MS);
    expect(asked).toEqual([{ methodId: 'directcard:card', bin: '54211901' }]);
    expect(states.at(-2)).toEqual({ status: 'pending' });
    expect(lookup.state).toEqual({ status: 'complete', options: [threeTimes] });
  });

  it('remembers answers: back to a card already asked about costs no request', async () => {
    const { lookup, asked } = setUp();
    lookup.setMethod(withInstallments, '54211901');
    await vi.advanceTimersByTimeAsync(INSTALLMENTS_DEBOUNCE_MS);
    lookup.update(undefined);
    expect(lookup.state).toEqual({ status: 'initial' });
    lookup.update('54211901');
    expect(lookup.state).toEqual({ status: 'complete', options: [threeTimes] });
    await vi.advanceTimersByTimeAsync(INSTALLMENTS_DEBOUNCE_MS);
    expect(asked).toHaveLength(1);
  });

  it('asks nothing for a method without installments', async () => {
    const { lookup, asked } = setUp();
    lookup.setMethod({ id: 'hankopay:card', installments: false }, '41111111');
    lookup.update('41111111');
    await vi.advanceTimersByTimeAsync(INSTALLMENTS_DEBOUNCE_MS * 2);
    expect(asked).toEqual([]);
    expect(lookup.state).toEqual({ status: 'initial' });
  });

  it('drops the answer for a card the shopper already changed', async () => {
    let release: () => void = () => {};
    const { lookup, asked } = setUp((request) =>
      request.bin === '54211901' ? new Promise((resolve) => (release = () => resolve({ options: [threeTimes] }))) : Promise.resolve({ options: [] }),
    );
    lookup.setMethod(withInstallments, '54211901');
    await vi.advanceTimersByTimeAsync(INSTALLMENTS_DEBOUNCE_MS);
    lookup.update('41111111');
    await vi.advanceTimersByTimeAsync(INSTALLMENTS_DEBOUNCE_MS);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(asked.map((request) => request.bin)).toEqual(['54211901', '41111111']);
    expect(lookup.state).toEqual({ status: 'complete', options: [] });
  });

  it('falls back to a single payment, quietly, when asking fails', async () => {
    const { lookup } = setUp(() => Promise.reject(new Error('offline')));
    lookup.setMethod(withInstallments, '54211901');
    await vi.advanceTimersByTimeAsync(INSTALLMENTS_DEBOUNCE_MS);
    expect(lookup.state).toEqual({ status: 'error' });
  });
});
