import express, { type RequestHandler } from 'express';
import { AppError } from '../errors.js';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * The JSON APIs' body parser. express.json skips a body of another type, which would then be read
 * as `{}` and reported as every field missing; such a body (a form, JSON sent as text/plain) gets a
 * 415 instead. Only for the JSON APIs: provider callbacks and the 3-D Secure and return pages take forms.
 */
export function jsonBody(limit: string): RequestHandler {
  const parse = express.json({ limit });
  return (req, res, next) => {
    if (BODY_METHODS.has(req.method) && hasBody(req) && !req.is('application/json')) {
      next(new AppError('unsupported_media_type', `the body is ${req.get('content-type') ?? 'untyped'}; send Content-Type: application/json`));
      return;
    }
    parse(req, res, next);
  };
}

function hasBody(req: express.Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}
