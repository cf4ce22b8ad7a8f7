import type { RequestHandler } from 'express';
import { hash, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors.js';

/** Checks `Authorization: Bearer <MERCHANT_API_KEY>` in constant time. */
export function requireMerchantKey(apiKey: string): RequestHandler {
  const expected = digest(apiKey);
  return (req, _res, next) => {
    const match = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '');
    if (!match?.[1]) throw new AppError('unauthorized', 'missing merchant API key: send Authorization: Bearer <MERCHANT_API_KEY>');
    if (!timingSafeEqual(digest(match[1].trim()), expected)) throw new AppError('unauthorized', 'the merchant API key is not valid');
    next();
  };
}

/** Equal lengths for timingSafeEqual, whatever was sent; the one-shot hash skips building a Hash object per call. */
function digest(value: string): Buffer {
  return hash('sha256', value, 'buffer');
}
