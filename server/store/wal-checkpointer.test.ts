import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterEach, expect, it, vi } from 'vitest';
import type { Logger } from '../logger.js';
import { openTestSession } from '../testing/open-session.js';
import { SqliteStore } from './sqlite-store.js';

const PAGE = 4096;
const stores: SqliteStore[] = [];

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

function open(options: Parameters<typeof SqliteStore.open>[1]) {
  const path = join(mkdtempSync(join(tmpdir(), 'pay-checkout-checkpoint-')), 'checkout.db');
  const store = SqliteStore.open(path, options);
  stores.push(store);
  return { path, store };
}

/** Commits `count` sessions of about one page each: more than 1,000 pages is past SQLite's own checkpoint threshold. */
async function commitPages(store: SqliteStore, count: number, prefix = 's'): Promise<void> {
  for (let i = 0; i < count; i++) await openTestSession(store, { id: `${prefix}${i}`, description: 'x'.repeat(PAGE) });
}

const size = (file: string) => (existsSync(file) ? statSync(file).size : 0);

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 10_000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it('leaves checkpoints out of commits: 1,500 pages later the database file has not grown', async () => {
  const { path, store } = open({ checkpointIntervalMs: 3_600_000 });
  const before = size(path);
  await commitPages(store, 1_500);
  expect(size(`${path}-wal`)).toBeGreaterThan(1_500 * PAGE);
  expect(size(path)).toBe(before);
});

it('copies the WAL into the database file from its worker, and the WAL then starts over', async () => {
  const { path, store } = open({ checkpointIntervalMs: 20 });
  await commitPages(store, 200);
  await until(() => size(path) > 200 * PAGE);
  // The next commit finds every frame copied and writes from the WAL's beginning again.
  await commitPages(store, 1, 'after');
  const observer = new Database(path);
  const [{ log }] = observer.pragma('wal_checkpoint(PASSIVE)') as [{ log: number }];
  observer.close();
  expect(log).toBeGreaterThan(0);
  expect(log).toBeLessThan(20);
});

it('hands checkpoints back to the commits, and says so, when the worker stops', async () => {
  const logger = { error: vi.fn() } as unknown as Logger;
  const { path, store } = open({ checkpointIntervalMs: 3_600_000, logger });
  const worker = (store as unknown as { checkpointer: { worker: Worker } }).checkpointer.worker;
  await worker.terminate();
  await until(() => vi.mocked(logger.error).mock.calls.length > 0);
  expect(vi.mocked(logger.error).mock.calls[0]?.[1]).toMatch(/checkpointer stopped/);
  await commitPages(store, 1_100);
  expect(size(path)).toBeGreaterThan(1_000 * PAGE);
});

it('closes with every commit in the database file and no WAL left', async () => {
  const { path, store } = open({ checkpointIntervalMs: 3_600_000 });
  await commitPages(store, 50);
  await stores.pop()!.close();
  expect(existsSync(`${path}-wal`)).toBe(false);
  const reopened = new Database(path, { readonly: true });
  expect(reopened.prepare('SELECT count(*) AS n FROM sessions').get()).toEqual({ n: 50 });
  reopened.close();
});
