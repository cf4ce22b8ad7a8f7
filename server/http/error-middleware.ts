import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { AppError, ProviderError, type ErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';

/** Turns every error into the JSON error shape `{error: {code, message, details?}}`; never leaks a stack. */
export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const appError = toAppError(error);
    logRequestError(logger, error, appError, req);
    if (res.headersSent) return;
    res.status(appError.status).json({
      error: { code: appError.code, message: appError.message, ...(appError.details === undefined ? {} : { details: appError.details }) },
    });
  };
}

/** Logs a failed request: a server-side failure as an error, a provider's refusal as a warning. */
export function logRequestError(logger: Logger, error: unknown, appError: AppError, req: Request): void {
  if (appError.status >= 500) {
    logger.error({ err: error, method: req.method, path: req.path }, 'request failed');
  } else if (error instanceof ProviderError) {
    logger.warn({ code: error.code, provider: error.provider, httpStatus: error.httpStatus, path: req.path }, error.message);
  }
}

export const notFound: RequestHandler = (req) => {
  throw new AppError('not_found', `no route for ${req.method} ${req.path}`);
};

/** Client errors raised by Express and its body parsers (http-errors), by status. */
const HTTP_ERROR_CODES: Record<number, ErrorCode> = {
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

/** The typed error a thrown value stands for: a client error by its status, anything unknown as `internal`. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const { status, type, expose, message } = (error ?? {}) as { status?: unknown; type?: unknown; expose?: unknown; message?: unknown };
  if (type === 'entity.too.large') return new AppError('payload_too_large', 'the request body is too large');
  if (type === 'entity.parse.failed') return new AppError('invalid_request', 'the request body is not valid JSON');
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Only messages meant for clients are passed on: others may carry file paths.
    const text = expose === true && typeof message === 'string' ? message : 'the request could not be handled';
    return new AppError(HTTP_ERROR_CODES[status] ?? 'invalid_request', status === 404 ? 'not found' : text);
  }
  return new AppError('internal', 'an internal error occurred; it has been logged');
}
