import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config.js';
import { startupFailureLine } from './startup-failure.js';
import { StorageUnavailableError } from './store/storage-unavailable.js';

describe('what pay-checkout prints when it cannot start', () => {
  it('gives a configuration error as it is, one problem a line', () => {
    expect(startupFailureLine(new ConfigError(['PORT must be a port number']))).toBe('Invalid configuration:\n  - PORT must be a port number');
  });

  it('says which way a database could not be used at start (its migrations), not only that it is unavailable', () => {
    const locked = new StorageUnavailableError(new Database.SqliteError('database is locked', 'SQLITE_BUSY'));
    expect(startupFailureLine(locked)).toBe('pay-checkout failed to start: the payment database is unavailable right now; please try again in a moment (database is locked)');
  });

  it('keeps any other failure on one line', () => {
    expect(startupFailureLine(new Error('EACCES: permission denied,\n  open /data/merchant-api-key'))).toBe('pay-checkout failed to start: EACCES: permission denied, open /data/merchant-api-key');
  });
});
