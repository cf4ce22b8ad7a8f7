import Database from 'better-sqlite3';
import { StorageUnavailableError } from './storage-unavailable.js';

/**
 * SQLite's primary result codes (https://www.sqlite.org/rescode.html) that say the database cannot
 * serve right now rather than that the statement is wrong:
 * - SQLITE_BUSY: another connection, usually another process (an operator's sqlite3 shell, a
 *   backup), held the lock for longer than busy_timeout ("database is locked");
 * - SQLITE_NOMEM: a memory allocation failed;
 * - SQLITE_READONLY: the file cannot be written any more (e.g. its volume was remounted read-only);
 * - SQLITE_IOERR: the operating system reported an I/O error;
 * - SQLITE_FULL: the disk is full;
 * - SQLITE_CANTOPEN: a file (the database, its WAL or shared memory, a temporary file) could not be opened;
 * - SQLITE_PROTOCOL: a race in WAL's locking protocol that did not settle after retries.
 * Every other code stays as it is: SQLITE_CONSTRAINT means something (a unique index refusing a
 * second payment), SQLITE_LOCKED is a conflict inside this one connection (a bug, not an outage),
 * and SQLITE_CORRUPT or SQLITE_NOTADB is a damaged file, which waiting does not mend.
 */
const UNAVAILABLE_CODES = new Set(['SQLITE_BUSY', 'SQLITE_NOMEM', 'SQLITE_READONLY', 'SQLITE_IOERR', 'SQLITE_FULL', 'SQLITE_CANTOPEN', 'SQLITE_PROTOCOL']);

/** Whether `error`, thrown by better-sqlite3, means the database is unavailable (as opposed to a bad statement or a constraint). */
export function isSqliteUnavailable(error: unknown): boolean {
  if (!(error instanceof Database.SqliteError)) return false;
  // better-sqlite3 reports extended codes (SQLITE_IOERR_WRITE, SQLITE_BUSY_SNAPSHOT), each named after its primary code.
  const primary = error.code.split('_', 2).join('_');
  return UNAVAILABLE_CODES.has(primary);
}

/** Runs a synchronous database call; an unavailable database throws StorageUnavailableError. */
export function unlessSqliteUnavailable<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw isSqliteUnavailable(error) ? new StorageUnavailableError(error) : error;
  }
}
