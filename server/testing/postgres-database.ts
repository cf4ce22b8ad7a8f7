import { inject } from 'vitest';

/**
 * The URL of the tests' PostgreSQL server (see postgres-global-setup.ts), or undefined with the
 * reason in `problem`: a suite then registers one failing test that says how to get PostgreSQL,
 * so a machine without it never passes the PostgreSQL tests silently.
 */
export function testPostgres(): { url?: string; problem?: string } {
  return inject('postgres');
}
