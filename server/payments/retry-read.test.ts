import { describe, expect, it } from 'vitest';
import { AppError, ProviderError } from '../errors.js';
import { retryRead } from './retry-read.js';

const unavailable = () => new ProviderError('provider_unavailable', 'HTTP 503', 'milkypay', 503);

describe('retryRead', () => {
  it('retries an unavailable provider and returns the first answer', async () => {
    let calls = 0;
    const answer = await retryRead(async () => {
      calls++;
      if (calls < 3) throw unavailable();
      return 'found';
    }, { baseDelayMs: 1 });
    expect(answer).toBe('found');
    expect(calls).toBe(3);
  });

  it('gives up after the last attempt with the provider error', async () => {
    let calls = 0;
    await expect(retryRead(async () => {
      calls++;
      throw unavailable();
    }, { attempts: 4, baseDelayMs: 1 })).rejects.toThrow('HTTP 503');
    expect(calls).toBe(4);
  });

  it('never retries an answer: not found, refused, or any other error', async () => {
    for (const error of [new ProviderError('not_found', 'no such invoice', 'milkypay', 404), new ProviderError('outcome_unknown', 'x', 'milkypay'), new AppError('invalid_request', 'x'), new Error('boom')]) {
      let calls = 0;
      await expect(retryRead(async () => {
        calls++;
        throw error;
      }, { baseDelayMs: 1 })).rejects.toBe(error);
      expect(calls).toBe(1);
    }
  });
});
