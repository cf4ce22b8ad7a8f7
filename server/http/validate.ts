import type { RequestHandler } from 'express';
import type { z } from 'zod';
import { AppError } from '../errors.js';

/** Formats zod issues as one readable sentence naming each field: `amount: must be positive; currency: ...`. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'body'}: ${issue.message}`)
    .join('; ');
}

/** Parses `req.body` with the schema and replaces it with the parsed value; a bad body gets a 400 naming the field. */
export function validateBody(schema: z.ZodType): RequestHandler {
  return (req, _res, next) => {
    const parsed = schema.safeParse(req.body ?? {});
    if (!parsed.success) {
      throw new AppError('invalid_request', describeIssues(parsed.error.issues), {
        fields: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      });
    }
    req.body = parsed.data;
    next();
  };
}
