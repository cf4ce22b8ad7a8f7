import { AppError } from '../errors.js';

/**
 * The database could not be reached or used right now (PostgreSQL: postgres-unavailable.ts; SQLite:
 * sqlite-unavailable.ts): the caller gets 503 `storage_unavailable` (retry later) instead of a 500,
 * and the log keeps the driver's error as `cause`.
 */
export class StorageUnavailableError extends AppError {
  constructor(cause: unknown) {
    super('storage_unavailable', 'the payment database is unavailable right now; please try again in a moment');
    this.cause = cause;
  }
}
