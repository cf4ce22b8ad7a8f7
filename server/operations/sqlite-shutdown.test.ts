import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { startProxyProcess } from '../testing/proxy-process.js';

// In its own process, as production runs it: on SIGTERM the proxy closes its database (whose last
// connection removes the WAL) before it exits, rather than leaving that to the next start.
it('SIGTERM closes the SQLite database before the process exits: exit code 0, no WAL left beside it', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'pay-checkout-shutdown-'));
  const dataDir = join(cwd, 'data');
  const proxy = await startProxyProcess('sqlite', { SANDBOX: 'true', DATA_DIR: dataDir }, { cwd });
  const wal = join(dataDir, 'checkout.db-wal');
  expect(existsSync(wal)).toBe(true);
  expect(await proxy.terminate()).toBe(0);
  expect(existsSync(wal), proxy.output()).toBe(false);
}, 60_000);
