import { ConfigError } from './config.js';

/**
 * What `pay-checkout` prints when it cannot start: a bad configuration as it is, anything else on
 * one line, no stack. An error that wraps another (a database that cannot be used, whose driver
 * said why) gives both: "unavailable" alone would hide a lock held elsewhere or a read-only file.
 */
export function startupFailureLine(error: unknown): string {
  if (error instanceof ConfigError) return error.message;
  const words = (value: unknown) => (value instanceof Error ? value.message : String(value)).replace(/\s*\n\s*/g, ' ');
  const cause = error instanceof Error && error.cause !== undefined ? ` (${words(error.cause)})` : '';
  return `pay-checkout failed to start: ${words(error)}${cause}`;
}
