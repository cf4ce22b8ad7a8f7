import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterEach, expect, it, vi } from 'vitest';
import type { Logger } from '../logger.js';
import { openTestSession } from '../testing/open-session.js';
import { TSX_LOADER } from '../testing/proxy-process.js';
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

/**
 * Commits `count` sessions of a little over a page of data each, about four WAL frames per commit:
 * 300 of them are past SQLite's own checkpoint threshold of 1,000 frames.
 */
async function commitPages(store: SqliteStore, count: number, prefix = 's'): Promise<void> {
  for (let i = 0; i < count; i++) await openTestSession(store, { id: `${prefix}${i}`, description: 'x'.repeat(PAGE) });
}

const size = (file: string) => (existsSync(file) ? statSync(file).size : 0);

/**
 * The WAL's frame count and how many of its frames are copied into the database file, from the
 * shared-memory index (the first copy of its header, then the checkpoint info; native byte order).
 */
function walIndex(path: string): { frames: number; copied: number } {
  const header = Buffer.alloc(100);
  const fd = openSync(`${path}-shm`, 'r');
  try {
    readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  const read = (offset: number) => (header.readUInt32LE(0) === 3007000 ? header.readUInt32LE(offset) : header.readUInt32BE(offset));
  return { frames: read(16), copied: read(96) };
}

/** Resolves once `condition` holds, checking every 20 ms for up to 10 s. */
function until(condition: () => boolean): Promise<void> {
  return vi.waitFor(() => {
    if (!condition()) throw new Error('not yet');
  }, { timeout: 10_000, interval: 20 });
}

it('leaves checkpoints out of commits: after 1,500 commits (6,000 WAL frames) the database file has not grown', async () => {
  const { path, store } = open({ checkpointIntervalMs: 3_600_000 });
  const before = size(path);
  await commitPages(store, 1_500);
  expect(size(`${path}-wal`)).toBeGreaterThan(1_500 * PAGE);
  expect(size(path)).toBe(before);
});

it('copies the WAL into the database file from its worker, and the WAL then starts over', async () => {
  const { path, store } = open({ checkpointIntervalMs: 20 });
  await commitPages(store, 200);
  const written = walIndex(path).frames;
  expect(written).toBeGreaterThan(200);
  await until(() => walIndex(path).copied === walIndex(path).frames);
  expect(size(path)).toBeGreaterThan(200 * PAGE);
  // The next commit finds every frame copied and writes from the WAL's beginning again.
  await commitPages(store, 1, 'after');
  const { frames } = walIndex(path);
  expect(frames).toBeGreaterThan(0);
  expect(frames).toBeLessThan(20);
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

it('starts and stops in a plain Node process, where nothing else keeps the event loop running', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pay-checkout-checkpoint-'));
  const path = join(dir, 'checkout.db');
  new Database(path).pragma('journal_mode = WAL');
  const script = join(dir, 'close.mjs');
  const source = new URL('./wal-checkpointer.ts', import.meta.url).href;
  writeFileSync(script, `import { WalCheckpointer } from ${JSON.stringify(source)};
const checkpointer = new WalCheckpointer(process.argv[2], { onFailure: (error) => console.log(error.message) });
await checkpointer.close();
console.log('closed');
`);
  // A process of its own, loading the driver as the proxy does; the test runner would keep the event loop alive.
  const run = spawnSync(process.execPath, ['--import', TSX_LOADER, script, path], { encoding: 'utf8', timeout: 30_000 });
  expect(run.stdout.trim(), run.stderr).toBe('closed');
  expect(run.status).toBe(0);
});
