import pg from 'pg';
import { AppError } from '../errors.js';
import { StorageUnavailableError } from './storage-unavailable.js';

/**
 * SQLSTATE classes that say the database cannot serve right now rather than that the statement is
 * wrong: connection exception (08), insufficient resources (53: too many connections, disk full),
 * operator intervention (57: a shutdown, "the database system is starting up", a statement
 * cancelled by statement_timeout).
 */
const UNAVAILABLE_CLASSES = new Set(['08', '53', '57']);
/** What pg and pg-pool throw, without an SQLSTATE, when a connection cannot be had or is lost. */
const CONNECTION_FAILURE =
  /^(Connection terminated|Client has encountered a connection error|Client was closed|timeout exceeded when trying to connect|Query read timeout|Cannot use a pool after calling end)/;
/** The socket's own errors, as pg passes them on from a connection attempt or a live connection. */
const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Whether `error`, thrown by pg, means the database is unavailable (as opposed to a bad statement or a constraint). */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof pg.DatabaseError) {
    // A FATAL error ends the session whatever its code ("database ... is not currently accepting connections" is 55000).
    return error.severity === 'FATAL' || error.severity === 'PANIC' || UNAVAILABLE_CLASSES.has(error.code?.slice(0, 2) ?? '');
  }
  if (!(error instanceof Error) || error instanceof AppError) return false;
  const code = (error as { code?: unknown }).code;
  return (typeof code === 'string' && SOCKET_ERRORS.has(code)) || CONNECTION_FAILURE.test(error.message);
}

/** `error` as the store reports it: StorageUnavailableError when the database is unavailable, else unchanged. */
export function storageError(error: unknown): unknown {
  return isDatabaseUnavailable(error) ? new StorageUnavailableError(error) : error;
}

/** Runs a database call; an unavailable database rejects with StorageUnavailableError. */
export async function unlessUnavailable<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw storageError(error);
  }
}
