import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../logger.js';
import { sendShopperMessagePage, type ShopperMessage } from '../pages/shopper-message-page.js';
import { logRequestError, toAppError } from './error-middleware.js';

/** What a shopper reads, by the answer's status: never the error's own message, which is written for developers. */
function messageFor(status: number): Pick<ShopperMessage, 'title' | 'text' | 'retryAfterSeconds'> {
  if (status === 404 || status === 410) {
    return { title: 'Page not found', text: 'This link has expired or does not exist. If you were paying, please go back to the shop to see your order.' };
  }
  if (status === 429) {
    return { title: 'Please wait a moment', text: 'Too many requests came from your connection. Please wait a minute, then reload this page.', retryAfterSeconds: 60 };
  }
  if (status === 503) {
    return { title: 'Please wait a moment', text: 'This page is unavailable for a moment. Please reload it in a minute.', retryAfterSeconds: 30 };
  }
  if (status < 500) {
    return { title: 'This link cannot be opened', text: 'This link is not valid. If you were paying, please go back to the shop to see your order.' };
  }
  return { title: 'Something went wrong', text: 'Something went wrong on our side. Please reload this page in a moment.' };
}

/**
 * The error middleware of the routes a shopper's browser navigates to (the return, 3-D Secure and
 * card-entry pages): the same statuses and log lines as the JSON error middleware, as a page.
 */
export function shopperPageErrors(deps: { logger: Logger; frameAncestors: readonly string[] }): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const appError = toAppError(error);
    logRequestError(deps.logger, error, appError, req);
    if (res.headersSent) return;
    sendShopperMessagePage(res, { status: appError.status, frameAncestors: deps.frameAncestors, ...messageFor(appError.status) });
  };
}
