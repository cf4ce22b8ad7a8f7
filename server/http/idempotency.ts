import type { RequestHandler } from 'express';
import { createHash } from 'node:crypto';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { maskPanLike } from '../security/card-masking.js';
import { retryWhileUnavailable } from '../store/retry-while-unavailable.js';
import type { Store } from '../store/store.js';

/**
 * Idempotency-Key on merchant API mutations (POST). The first call with a key runs and its answer,
 * whatever its status, is stored before it is sent; a repeat with the same key, method, path and
 * body gets that answer again (with `Idempotent-Replayed: true`) and runs nothing, so no provider is
 * called twice. The same key with another request is a 409, as is a repeat while the first still runs.
 * A call without the header runs as before.
 *
 * A first call cut off before answering (the process died) leaves its key `started`: repeats get
 * 409 rather than risk a second refund or payout; the payment's own state says what happened. A
 * first call answered 503 storage_unavailable stores nothing: its repeat runs again.
 */
export function idempotentRequests(deps: { store: Store; scope: string; logger: Logger }): RequestHandler {
  return async (req, res, next) => {
    const key = req.get('idempotency-key');
    if (req.method !== 'POST' || key === undefined) return next();
    const trimmed = key.trim();
    if (trimmed === '' || trimmed.length > 255) throw new AppError('invalid_request', 'Idempotency-Key: must be 1 to 255 characters');
    const requestHash = fingerprint(req.method, `${req.baseUrl}${req.path}`, req.body);
    const startedAt = new Date().toISOString();
    const stored = await deps.store.beginIdempotentRequest(deps.scope, trimmed, requestHash, startedAt);
    if (stored) {
      if (stored.state === 'started') throw new AppError('conflict', 'a request with this Idempotency-Key is still being processed; retry in a moment');
      if (stored.requestHash !== requestHash) throw new AppError('conflict', 'this Idempotency-Key was already used for a different request');
      res.status(stored.statusCode).set('Idempotent-Replayed', 'true').type('application/json').send(stored.responseBody);
      return;
    }
    const send = res.json.bind(res);
    res.json = (body: unknown) => {
      const text = JSON.stringify(body);
      if (answersStorageUnavailable(res.statusCode, body)) {
        // "Try again in a moment" is only said where nothing that must happen once has happened (a
        // money move the database could not record answers outcome_unknown): the key is freed for
        // that retry, now or, with the database still down, once it is back.
        void retryWhileUnavailable(
          () => deps.store.abandonIdempotentRequest(deps.scope, trimmed, startedAt),
          (error) => deps.logger.error({ err: error }, 'could not free an Idempotency-Key after a database outage; its repeats get 409'),
        ).finally(() => send(body));
        return res;
      }
      // Stored before the answer leaves: a repeat can never run again after seeing this one.
      deps.store
        .completeIdempotentRequest(deps.scope, trimmed, res.statusCode, text, new Date().toISOString())
        .catch((error: unknown) => deps.logger.error({ err: error }, 'could not store an idempotent answer'))
        .finally(() => send(body));
      return res;
    };
    next();
  };
}

/** The answer is 503 storage_unavailable (errors.ts's isStorageUnavailable reads the error; this reads the answer sent). */
function answersStorageUnavailable(status: number, body: unknown): boolean {
  return status === 503 && (body as { error?: { code?: unknown } } | undefined)?.error?.code === 'storage_unavailable';
}

/**
 * What the key is bound to. Card numbers (payouts to a card) enter only masked: a hash of a whole
 * card number can be reversed.
 */
function fingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${method} ${path}\n${maskPanLike(JSON.stringify(body ?? null))}`).digest('hex');
}
