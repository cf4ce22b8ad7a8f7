import { expect } from 'vitest';
import { AppError, ProviderError } from '../errors.js';

/** The error a promise rejects with, checked to be of `kind`; fails the test if it resolves. */
async function rejectionOf<E>(promise: Promise<unknown>, kind: new (...args: never[]) => E): Promise<E> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(kind);
  return error as E;
}

export const providerRejection = (promise: Promise<unknown>): Promise<ProviderError> => rejectionOf(promise, ProviderError);
export const appRejection = (promise: Promise<unknown>): Promise<AppError> => rejectionOf(promise, AppError);
